"""Real Cherry Studio 1.x ``localStorage`` LevelDBs, live folders and format-6 zips (for tests).

The LevelDB is written with the LevelDB library itself (plyvel, the ``cherrysync[v1]`` extra),
the way Chromium leaves it: an older state compacted into a ``.ldb`` table, the current state
newer in the log, so a reader that does not merge the two (newest wins) reads the wrong one.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cherrysync.samples.v1backup import js, persist_state

APP_ORIGIN = b"_file://"
#: ``LocalStorageOriginMetaData`` (a small protobuf: last modified, size) as Chromium stores it.
_META = b"\x08\x80\xe0\xb4\xa6\xc4\xb0\x33\x10\x90\x4e"
MADE_MS = 1790942400000  # 2026-10-02 12:00 UTC


def blink(text: str) -> bytes:
    """Blink's storage encoding, written out here independently of the reader under test:
    ``0x01`` + Latin-1 when every character fits, else ``0x00`` + UTF-16LE."""
    if all(ord(c) <= 0xFF for c in text):
        return b"\x01" + text.encode("latin-1")
    return b"\x00" + text.encode("utf-16-le", "surrogatepass")


def _state_text(state: dict[str, str] | str | None) -> str:
    if state is None:
        return js(persist_state())
    return state if isinstance(state, str) else js(state)


def write_store(
    folder: Path,
    state: dict[str, str] | str | None = None,
    *,
    older: dict[str, str] | str | None = None,
    origin: bytes = APP_ORIGIN,
    utf16_key: bool = False,
) -> Path:
    """A ``Local Storage/leveldb`` folder holding ``state`` as the current value.

    ``older`` (default: a state without the user's provider) is written first and compacted
    into a table; ``state`` then goes to the log. ``utf16_key`` stores the script key in
    Blink's UTF-16 form instead of Latin-1.
    """
    import plyvel

    folder.mkdir(parents=True, exist_ok=True)
    name = "persist:cherry-studio"
    key = (
        origin
        + b"\x00"
        + (b"\x00" + name.encode("utf-16-le") if utf16_key else b"\x01" + name.encode())
    )
    stale = _state_text(older if older is not None else persist_state([]))
    db = plyvel.DB(str(folder), create_if_missing=True)
    try:
        db.put(b"VERSION", b"1")
        db.put(b"META:" + origin[1:], _META)
        db.put(key, blink(stale))
        db.put(origin + b"\x00\x01i18nextLng", blink("zh-CN"))
        db.compact_range()
        db.put(key, blink(_state_text(state)))
    finally:
        db.close()
    return folder


def build_profile(folder: Path, state: dict[str, str] | str | None = None, **kw: Any) -> Path:
    """A 1.x ``{userData}`` folder: ``Local Storage/leveldb`` plus the app's other folders."""
    write_store(folder / "Local Storage" / "leveldb", state, **kw)
    (folder / "IndexedDB").mkdir(exist_ok=True)
    (folder / "Data" / "Files").mkdir(parents=True, exist_ok=True)
    return folder


def manifest(version: int = 6, app_version: str = "1.9.10", **extra: Any) -> dict[str, Any]:
    """``metadata.json`` of a direct backup: exactly the six fields the app writes."""
    return {
        "version": version,
        "timestamp": MADE_MS,
        "appName": "Cherry Studio",
        "appVersion": app_version,
        "platform": "linux",
        "arch": "x64",
    } | extra


def write_direct_backup(
    path: Path,
    state: dict[str, str] | str | None = None,
    *,
    meta: dict[str, Any] | None = None,
    store: bool = True,
    **kw: Any,
) -> Path:
    """A format-6 zip as 1.8.1–1.9.12 write it: the manifest, then raw folder copies.

    The LevelDB is copied with its ``LOCK`` and ``LOG`` files, as a copy of a live folder is.
    """
    with tempfile.TemporaryDirectory() as tmp:
        profile = build_profile(Path(tmp) / "profile", state, **kw)
        leveldb = profile / "Local Storage" / "leveldb"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("metadata.json", json.dumps(meta or manifest(), indent=2))
            zf.writestr("IndexedDB/", b"")
            zf.writestr("IndexedDB/file__0.indexeddb.leveldb/CURRENT", b"MANIFEST-000001\n")
            zf.writestr("Local Storage/", b"")
            if store:
                zf.writestr("Local Storage/leveldb/", b"")
                for file in sorted(leveldb.iterdir()):
                    zf.write(file, f"Local Storage/leveldb/{file.name}")
            zf.writestr("Data/", b"")
            zf.writestr("Data/Files/f1.png", b"\x89PNG" + bytes(64))
    return path
