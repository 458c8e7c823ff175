"""The streaming zip writer: raw copies, zip64 and data descriptors, bounded memory."""

from __future__ import annotations

import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from cherrysync.samples.v1backup import write_backup
from cherrysync.targets.v1 import backupzip as v1zip
from cherrysync.targets.v1.backupzip import ZipStreamWriter, member_span
from cherrysync.targets.v1.target import BackupTarget


def _copy_all(src_path: Path, dst_path: Path, comment: bytes = b"") -> None:
    with zipfile.ZipFile(src_path) as zf, src_path.open("rb") as src, dst_path.open("wb") as dst:
        writer = ZipStreamWriter(dst)
        for info in zf.infolist():
            writer.copy_member(src, info)
        writer.close(comment)


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("kernel_copy", [True, False])
def test_raw_copy_reproduces_every_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool, kernel_copy: bool
) -> None:
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    src = write_backup(tmp_path / "in.zip", stream=stream)
    dst = tmp_path / "out.zip"
    _copy_all(src, dst, b"a comment")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert b.testzip() is None
        assert b.comment == b"a comment"
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for old, new in zip(a.infolist(), b.infolist(), strict=True):
            assert (old.CRC, old.compress_size, old.file_size, old.compress_type) == (
                new.CRC,
                new.compress_size,
                new.file_size,
                new.compress_type,
            )
            assert (old.date_time, old.external_attr, old.flag_bits) == (
                new.date_time,
                new.external_attr,
                new.flag_bits,
            )
            assert a.read(old) == b.read(new)
    if stream:  # data descriptors are part of each copied span
        with zipfile.ZipFile(src) as a:
            assert all(i.flag_bits & 0x08 for i in a.infolist())
    # the member bytes are the very same: everything before the central directory matches
    with zipfile.ZipFile(src) as a, src.open("rb") as fh:
        spans = [member_span(fh, i) for i in a.infolist()]
    assert dst.read_bytes()[: spans[-1][1]] == src.read_bytes()[: spans[-1][1]]


def test_apply_memory_does_not_follow_member_size(tmp_path: Path) -> None:
    big = os.urandom(24 * 1024 * 1024)
    src = write_backup(tmp_path / "in.zip", files={"Data/": b"", "Data/big.bin": big})
    target = BackupTarget(src)
    tracemalloc.start()
    try:
        target.apply([], prune=False)  # nothing to change: no zip
        from v1fixtures import resolved

        target.apply(resolved(), prune=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024, peak
    with zipfile.ZipFile(target.out) as zf:
        assert zf.read("Data/big.bin") == big


def test_zip64_central_directory_for_large_offsets(tmp_path: Path) -> None:
    """Offsets past 4 GiB get a zip64 extra and end record (simulated by a fake offset)."""
    info = zipfile.ZipInfo("Data/x.bin", (2026, 1, 1, 0, 0, 0))
    info.CRC = 0
    info.extra = b"\x01\x00\x08\x00" + (5).to_bytes(8, "little") + b"\x0a\x00\x00\x00"
    entry = v1zip._Entry(info, b"Data/x.bin", 0, 5 << 30)
    record = ZipStreamWriter._central(entry)
    assert record[42:46] == b"\xff\xff\xff\xff"
    extra = record[46 + len(b"Data/x.bin") :]
    assert extra[:4] == b"\x01\x00\x08\x00" and int.from_bytes(extra[4:12], "little") == 5 << 30
    assert extra[12:] == b"\x0a\x00\x00\x00"  # other extra fields survive, old zip64 dropped
