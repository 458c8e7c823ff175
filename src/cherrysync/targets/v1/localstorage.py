"""Read ``persist:cherry-studio`` from Chromium's ``localStorage`` LevelDB (reference §3.1).

Cherry Studio 1.x keeps its Redux state in ``{userData}/Local Storage/leveldb``, and a format-6
backup carries a raw copy of that folder. The store is read with the real LevelDB library
(plyvel, the optional ``cherrysync[v1]`` extra): a recent write may still sit in the log while
older values sit in ``.ldb`` tables, and only LevelDB itself knows which one is current.

Opening a LevelDB writes to it (a lock, recovery of the log into a table), so cherrysync only
ever opens a private copy in a fresh 0700 temp folder, removed afterwards. Copying is safe while
the app runs: if a compaction moves files mid-copy, the copy is taken again.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from cherrysync.errors import io_message
from cherrysync.fileio import copy_private, open_regular_file, private_temp_folder
from cherrysync.targets.base import TargetError
from cherrysync.targets.found import EXPORT_AS_FILE
from cherrysync.targets.v1.backupdata import PERSIST_KEY

#: The packaged app loads its renderer from a file, so its origin is ``file://``.
APP_ORIGIN = b"_file://"
#: Blink's one-byte string formats, used for both the script key and the value.
UTF16, LATIN1 = 0, 1
#: The files LevelDB needs to open a store; LOCK and the text logs are left behind.
STORE_FILES = re.compile(r"^(?:CURRENT|MANIFEST-[0-9]+|[0-9]+\.(?:log|ldb|sst))$")
#: Chromium caps ``localStorage`` at 10 MiB per origin; older values may linger until a
#: compaction, so the folder may be larger, but never by this much.
MAX_STORE_BYTES = 256 << 20
MAX_VALUE_BYTES = 64 << 20
COPY_ATTEMPTS = 8
RETRY_SECONDS = 0.05
INSTALL_HINT = (
    "pip install 'cherrysync[v1]' (plyvel: wheels for Linux x86-64 up to Python 3.12; "
    "elsewhere it builds against the system LevelDB library)"
)


def script_keys(origin: bytes = APP_ORIGIN) -> tuple[bytes, bytes]:
    """The LevelDB keys of ``persist:cherry-studio`` for ``origin``: Latin-1, then UTF-16."""
    return (
        origin + b"\x00" + bytes([LATIN1]) + PERSIST_KEY.encode("latin-1"),
        origin + b"\x00" + bytes([UTF16]) + PERSIST_KEY.encode("utf-16-le"),
    )


def decode_value(raw: bytes) -> str:
    """The text of a stored value: ``0x01`` + Latin-1 when every character fits, else ``0x00``
    + UTF-16LE. Lone UTF-16 surrogates are kept, as JavaScript keeps them."""
    if raw[:1] == bytes([LATIN1]):
        return raw[1:].decode("latin-1")
    if raw[:1] == bytes([UTF16]) and len(raw) % 2 == 1:
        return raw[1:].decode("utf-16-le", "surrogatepass")
    raise ValueError("the stored value has an unknown encoding")


def missing_reader(what: str) -> TargetError:
    """The error when plyvel is not installed, with both ways forward."""
    return TargetError(
        f"reading {what} needs the optional LevelDB reader: {INSTALL_HINT}. Without it, "
        f"{EXPORT_AS_FILE} in Cherry Studio 1.x writes a format-5 zip that cherrysync reads "
        "and patches"
    )


def _copy_file(src: Path, dest: Path, budget: int) -> int:
    """Copy ``src`` into a new 0600 file, reading at most ``budget`` + 1 bytes."""
    with open_regular_file(src) as fin:
        return copy_private(fin, dest, budget)


def too_large(where: object) -> TargetError:
    return TargetError(
        f"{where} holds more than {MAX_STORE_BYTES >> 20} MiB; that is not a Cherry Studio "
        "localStorage folder cherrysync will copy"
    )


def _listing(store: Path) -> list[str]:
    """The store's files, ``CURRENT`` and manifests first."""
    try:
        names = [n for n in os.listdir(store) if STORE_FILES.match(n)]
    except (FileNotFoundError, NotADirectoryError):
        names = []
    except OSError as exc:
        raise TargetError(io_message(store, exc)) from None
    if "CURRENT" not in names:
        raise TargetError(f"{store} is not a LevelDB folder (no CURRENT file)")
    return sorted(names, key=lambda n: (n[0].isdigit(), n))


def snapshot(store: Path, dest: Path) -> bool:
    """Copy the store's files into the empty folder ``dest``; False if one vanished meanwhile.

    ``CURRENT`` and the manifest are copied before the files they name, so a compaction in the
    running app can only remove a file still to be copied (False: copy again) or add files the
    copied manifest does not know (harmless: they hold newer writes than the copy shows).
    """
    budget = MAX_STORE_BYTES
    try:
        for name in _listing(store):
            budget -= _copy_file(store / name, dest / name, budget)
            if budget < 0:
                raise too_large(store)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise TargetError(io_message(store, exc, "copy")) from None
    return True


class _Unopenable(TargetError):
    """LevelDB refused the copy: damaged, or (for a live store) taken mid-compaction."""


def _find_value(db: Any, what: str) -> bytes:
    """The app origin's value, else the one other origin's (development builds)."""
    for key in script_keys():
        value = db.get(key)
        if value is not None:
            return bytes(value)
    suffixes = tuple(k[len(APP_ORIGIN) :] for k in script_keys())
    found = [
        (key, value)
        for key, value in db.iterator(prefix=b"_")
        if bytes(key).endswith(suffixes) and b"\x00" in key
    ]
    if len(found) == 1:
        return bytes(found[0][1])
    names = {bytes(key).split(b"\x00")[0][1:].decode("latin-1") for key, _ in found}
    origins = ", ".join(sorted(names))
    detail = f"it is stored for several origins ({origins})" if found else "it is not there"
    raise TargetError(f"{what} holds no Cherry Studio state ('{PERSIST_KEY}': {detail})")


def require_reader(what: str) -> Any:
    """The plyvel module, or the error naming the install command (before copying anything)."""
    try:
        import plyvel
    except ImportError:
        raise missing_reader(what) from None
    return plyvel


def read_store_copy(copy: Path, what: str) -> str:
    """Open the private copy ``copy`` with LevelDB and return the persisted state's text."""
    plyvel = require_reader(what)
    try:
        db = plyvel.DB(str(copy), create_if_missing=False)
    except plyvel.Error as exc:
        raise _Unopenable(f"{what} is not a readable LevelDB ({_first_line(exc)})") from None
    try:
        raw = _find_value(db, what)
    except plyvel.Error as exc:
        raise TargetError(f"{what} is damaged ({_first_line(exc)})") from None
    finally:
        db.close()
    if len(raw) > MAX_VALUE_BYTES:
        raise TargetError(f"{what}: the stored state is larger than {MAX_VALUE_BYTES >> 20} MiB")
    try:
        return decode_value(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TargetError(f"{what} is damaged ({exc})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def read_installed_state(store: Path) -> str:
    """The persisted state of a (possibly running) 1.x installation's LevelDB folder ``store``.

    A copy that a compaction overtook is taken again, a few times, before giving up.
    """
    what = f"the 1.x localStorage at {store}"
    require_reader(what)
    for attempt in range(1, COPY_ATTEMPTS + 1):
        with private_temp_folder() as tmp:
            copy = Path(tmp)
            if snapshot(store, copy):
                try:
                    return read_store_copy(copy, what)
                except _Unopenable:
                    if attempt == COPY_ATTEMPTS:
                        raise
        time.sleep(RETRY_SECONDS * attempt)
    raise TargetError(
        f"{store} kept changing while cherrysync copied it; run the command again (or quit "
        "Cherry Studio first)"
    )
