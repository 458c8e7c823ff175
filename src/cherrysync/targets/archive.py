"""What kind of backup zip the user handed us, and bounded reads of its members.

Cherry Studio tells its formats apart by one test (reference §3.4, §4.13): a zip with
``metadata.json`` at its root is a "direct" backup whose ``version`` says which (6: 1.8.1–1.9.12,
7: every released 2.x); anything else is a ``data.json`` backup (format 5). Members are read with
hard size limits, counting the bytes actually inflated rather than trusting the zip's header.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH
from cherrysync.errors import io_message
from cherrysync.fileio import copy_private
from cherrysync.targets.base import TargetError

MANIFEST = "metadata.json"
MAX_MANIFEST_BYTES = 1 << 20
#: Every error a damaged zip can raise while its index or a member is read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,  # a compression method zipfile cannot inflate
    UnicodeDecodeError,
    ValueError,
)


@contextmanager
def zip_errors(path: Path) -> Iterator[None]:
    """Whatever a foreign or damaged zip raises while it is read, as a clear
    :class:`TargetError` naming the file (never a traceback)."""
    try:
        yield
    except TargetError:
        raise
    except zipfile.BadZipFile as exc:
        raise TargetError(f"{path} is not a valid zip file ({exc})") from None
    except ZIP_ERRORS as exc:
        raise TargetError(
            f"{path} is damaged: its zip index or a member cannot be read "
            f"({type(exc).__name__}); make a fresh backup in the app"
        ) from None
    except OSError as exc:
        raise TargetError(io_message(path, exc)) from None


@contextmanager
def open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip at ``path``; a missing, foreign or damaged file is a clear :class:`TargetError`."""
    if not path.is_file():
        raise TargetError(f"backup {path} does not exist", code=2)
    with zip_errors(path), zipfile.ZipFile(path) as zf:
        yield zf


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's path with ``/`` separators (zips made on Windows may use ``\\``)."""
    return info.filename.replace("\\", "/")


def _too_large(name: str, limit: int) -> TargetError:
    return TargetError(f"{name} in the backup is larger than {limit >> 20} MiB; refusing it")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, refusing more than ``limit`` whatever its header claims."""
    if info.file_size > limit:
        raise _too_large(info.filename, limit)
    with zf.open(info) as fin:
        data = fin.read(limit + 1)
    if len(data) > limit:
        raise _too_large(info.filename, limit)
    return data


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limit: int) -> int:
    """Stream a member into the new file ``dest`` (mode 0600); returns its size."""
    if info.file_size > limit:
        raise _too_large(info.filename, limit)
    with zf.open(info) as fin:
        written = copy_private(fin, dest, limit)
    if written > limit:
        raise _too_large(info.filename, limit)
    return written


@dataclass(frozen=True)
class Manifest:
    """``metadata.json`` of a direct backup (format 6 or 7)."""

    version: Any
    app_name: Any = None
    app_version: str | None = None
    timestamp_ms: int | None = None

    def made(self) -> str:
        """``made with 1.9.10 on 2026-10-02`` from whatever the manifest holds."""
        parts = []
        if self.app_version:
            parts.append(f"with {self.app_version}")
        if self.timestamp_ms is not None:
            try:
                when = datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)
                parts.append(f"on {when:%Y-%m-%d}")
            except (OverflowError, OSError, ValueError):
                pass
        return f"made {' '.join(parts)}" if parts else ""


def _text(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) and value.isprintable() else None


def read_manifest(zf: zipfile.ZipFile, path: Path) -> Manifest | None:
    """The backup's ``metadata.json``, or None for a ``data.json`` backup (format 5)."""
    infos = [i for i in zf.infolist() if member_name(i) == MANIFEST]
    if not infos:
        return None
    raw = read_member(zf, infos[-1], MAX_MANIFEST_BYTES)
    try:
        data = boundedjson.loads(raw.decode("utf-8"), max_depth=APP_JSON_DEPTH)
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise TargetError(f"{path} has a {MANIFEST} that is not a JSON object; not a backup")
    stamp = data.get("timestamp")
    return Manifest(
        version=data.get("version"),
        app_name=data.get("appName"),
        app_version=_text(data.get("appVersion")),
        timestamp_ms=stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else None,
    )
