"""Stream a backup zip into a new one, replacing only ``data.json``.

Every other member is copied as raw bytes (local header, compressed data, data descriptor), never
decompressed, so ``Data/`` entries stay byte-identical and memory does not grow with their size.
The central directory is rebuilt from the input's records with new offsets (zip64 as needed).
"""

from __future__ import annotations

import os
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

DATA_JSON = "data.json"
DATA_DIR = "Data/"
CHUNK = 1 << 20
_LIMIT32 = 0xFFFFFFFF
_LIMIT16 = 0xFFFF
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")


def _strip_zip64(extra: bytes) -> bytes:
    """Extra fields without the zip64 block (id 1); it is rebuilt for the new offsets."""
    out = bytearray()
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        if kind != 1:
            out += extra[: 4 + size]
        extra = extra[4 + size :]
    return bytes(out)


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d


def member_span(fh: BinaryIO, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Byte range of a member: local header through data descriptor."""
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    fields = _LOCAL.unpack(header)
    name_len, extra_len = fields[-2], fields[-1]
    local_extra = b""
    if extra_len:
        fh.seek(info.header_offset + _LOCAL.size + name_len)
        local_extra = fh.read(extra_len)
    end = info.header_offset + _LOCAL.size + name_len + extra_len + info.compress_size
    if info.flag_bits & 0x08:  # data descriptor: optional signature, CRC, two sizes
        fh.seek(end)
        signed = fh.read(4) == b"PK\x07\x08"
        zip64 = any(
            struct.unpack("<H", local_extra[i : i + 2])[0] == 1 for i in _extra_offsets(local_extra)
        )
        end += (4 if signed else 0) + 4 + (16 if zip64 else 8)
    return info.header_offset, end


def _extra_offsets(extra: bytes) -> list[int]:
    offsets, pos = [], 0
    while pos + 4 <= len(extra):
        offsets.append(pos)
        pos += 4 + struct.unpack("<H", extra[pos + 2 : pos + 4])[0]
    return offsets


def copy_range(src: BinaryIO, dst: BinaryIO, start: int, length: int) -> None:
    """Copy bytes in the kernel where possible (``copy_file_range``), else in 1 MiB chunks."""
    dst.flush()
    out_pos = dst.tell()
    done = 0
    fast: Callable[..., int] | None = getattr(os, "copy_file_range", None)
    while fast is not None and done < length:
        try:
            n = fast(src.fileno(), dst.fileno(), length - done, start + done, out_pos + done)
        except OSError:
            fast = None
            break
        if n == 0:
            break
        done += n
    src.seek(start + done)
    dst.seek(out_pos + done)
    while done < length:
        chunk = src.read(min(CHUNK, length - done))
        if not chunk:
            raise zipfile.BadZipFile("backup zip is truncated")
        dst.write(chunk)
        done += len(chunk)


#: zlib level 1, the fastest: the app restores a member of any level
DEFLATE_LEVEL = 1


@dataclass
class _Entry:
    info: zipfile.ZipInfo
    name: bytes
    flags: int
    offset: int


class ZipStreamWriter:
    """Append raw members or new deflated ones, then write the central directory."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._entries: list[_Entry] = []

    def copy_member(self, src: BinaryIO, info: zipfile.ZipInfo) -> None:
        start, end = member_span(src, info)
        offset = self._fh.tell()
        copy_range(src, self._fh, start, end - start)
        utf8 = bool(info.flag_bits & 0x800)
        name = info.filename.encode("utf-8" if utf8 else "cp437")
        self._entries.append(_Entry(info, name, info.flag_bits, offset))

    def add_member(self, name: str, data: bytes) -> None:
        """A new deflated member (stored when empty, as directory entries are)."""
        self.add_stream(name, len(data), [data] if data else [])

    def add_stream(self, name: str, size: int, chunks: Iterable[bytes]) -> None:
        """A new member of ``size`` bytes, deflated from ``chunks`` as they come.

        The local header is written first with the size and patched with the CRC and the
        compressed size afterwards (no data descriptor), so nothing is held in memory.
        """
        info = zipfile.ZipInfo(name, time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if size else zipfile.ZIP_STORED
        info.file_size = size
        info.create_system = 3
        info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else 0o100644 << 16
        raw_name = name.encode("utf-8")
        flags = 0 if raw_name.isascii() else 0x800
        # deflate's worst case (zlib's deflateBound) decides whether sizes need zip64
        zip64 = size + (size >> 11) + 64 > _LIMIT32
        version = 45 if zip64 else 20
        info.extract_version = info.create_version = version
        offset = self._fh.tell()
        self._fh.write(self._local_header(info, flags, len(raw_name), zip64, version))
        self._fh.write(raw_name)
        extra_at = self._fh.tell()
        if zip64:
            self._fh.write(struct.pack("<HH2Q", 1, 16, size, 0))
        crc, written, packed = self._write_data(chunks, DEFLATE_LEVEL if size else None)
        if written != size:
            raise zipfile.BadZipFile(f"{name}: expected {size} bytes, got {written}")
        info.CRC, info.compress_size = crc, packed
        end = self._fh.tell()
        self._fh.seek(offset + 14)  # CRC-32, compressed size, uncompressed size
        sizes = (_LIMIT32, _LIMIT32) if zip64 else (packed, size)
        self._fh.write(struct.pack("<3L", crc, *sizes))
        if zip64:
            self._fh.seek(extra_at)
            self._fh.write(struct.pack("<HH2Q", 1, 16, size, packed))
        self._fh.seek(end)
        info.extra = b""
        self._entries.append(_Entry(info, raw_name, flags, offset))

    def _write_data(self, chunks: Iterable[bytes], level: int | None) -> tuple[int, int, int]:
        """Deflate (or, with no ``level``, store) ``chunks``: (CRC-32, bytes in, bytes out)."""
        crc, written, packed = 0, 0, 0
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15) if level is not None else None
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            written += len(chunk)
            out = compressor.compress(chunk) if compressor else chunk
            packed += len(out)
            self._fh.write(out)
        if compressor is not None:
            tail = compressor.flush()
            packed += len(tail)
            self._fh.write(tail)
        return crc, written, packed

    @staticmethod
    def _local_header(
        info: zipfile.ZipInfo, flags: int, name_len: int, zip64: bool, version: int
    ) -> bytes:
        dostime, dosdate = _dos(info.date_time)
        return _LOCAL.pack(
            b"PK\x03\x04",
            version,
            flags,
            info.compress_type,
            dostime,
            dosdate,
            0,  # CRC-32: patched once the data is written
            _LIMIT32 if zip64 else 0,
            _LIMIT32 if zip64 else info.file_size,
            name_len,
            20 if zip64 else 0,
        )

    def close(self, comment: bytes = b"") -> None:
        cd_start = self._fh.tell()
        for entry in self._entries:
            self._fh.write(self._central(entry))
        cd_end = self._fh.tell()
        count, size = len(self._entries), cd_end - cd_start
        if count > _LIMIT16 or cd_start > _LIMIT32 or size > _LIMIT32:
            self._fh.write(
                _EOCD64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, cd_start)
            )
            self._fh.write(_LOCATOR64.pack(b"PK\x06\x07", 0, cd_end, 1))
            count, size, cd_start = (
                min(count, _LIMIT16),
                min(size, _LIMIT32),
                min(cd_start, _LIMIT32),
            )
        self._fh.write(_EOCD.pack(b"PK\x05\x06", 0, 0, count, count, size, cd_start, len(comment)))
        self._fh.write(comment)

    @staticmethod
    def _central(entry: _Entry) -> bytes:
        info = entry.info
        big: list[int] = []
        usize, csize, offset = info.file_size, info.compress_size, entry.offset
        if usize > _LIMIT32 or csize > _LIMIT32:
            big += [usize, csize]
            usize = csize = _LIMIT32
        if offset > _LIMIT32:
            big.append(offset)
            offset = _LIMIT32
        extra = _strip_zip64(info.extra)
        version = info.extract_version
        if big:
            extra = struct.pack(f"<HH{len(big)}Q", 1, 8 * len(big), *big) + extra
            version = max(version, 45)
        dostime, dosdate = _dos(info.date_time)
        record = _CENTRAL.pack(
            b"PK\x01\x02",
            info.create_system << 8 | max(info.create_version, version if big else 0),
            version,
            entry.flags,
            info.compress_type,
            dostime,
            dosdate,
            info.CRC,
            csize,
            usize,
            len(entry.name),
            len(extra),
            len(info.comment),
            0,
            info.internal_attr,
            info.external_attr,
            offset,
        )
        return record + entry.name + extra + info.comment
