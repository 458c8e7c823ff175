"""Reading the 2.x database: one consistent snapshot, and possible where nothing may be written.

The app keeps its database in WAL mode (reference §4.11). A reader then needs the ``-shm``
index beside the database, and SQLite creates it when it is missing, so a read-only folder (a
mounted backup disk, another user's data) cannot be read directly: "unable to open database
file". ``immutable=1`` would open it, but SQLite then ignores the ``-wal`` file and shows the
database without its recent commits, so cherrysync does not use it.

Instead, when a direct read-only open fails for that reason, the database and its ``-wal`` are
copied into a private temp folder (0700, files 0600, removed afterwards) and the copy is read;
SQLite rebuilds the index there from the WAL's checksummed frames, so a torn last write is
simply not part of the snapshot. The app may be running and checkpointing meanwhile: the WAL
header (its salts change whenever the WAL restarts) is read before and after the copy, and the
copy is taken again when it changed. Every read happens inside one read transaction, so all
queries see the same snapshot, directly or from the copy.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cherrysync.errors import io_message
from cherrysync.fileio import copy_private, open_regular_file, private_temp_folder, temp_shortage
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.dbschema import connect, describe_error

COPY_ATTEMPTS = 5
RETRY_SECONDS = 0.1
WAL_HEADER_BYTES = 32
#: What SQLite says when it cannot create the ``-shm``/``-wal`` files a WAL reader needs.
_NEEDS_WRITE = ("unable to open database file", "attempt to write a readonly database")


@dataclass
class Reading:
    """An open read transaction; ``copied`` when it reads a private copy (read-only folder)."""

    conn: sqlite3.Connection
    copied: bool = False


def _begin(conn: sqlite3.Connection) -> None:
    """Start the read transaction: the first read fixes the snapshot every query sees."""
    conn.execute("BEGIN")
    conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()


def _open_direct(path: Path, busy_timeout_ms: int) -> sqlite3.Connection | None:
    """A read transaction on ``path`` itself; None when SQLite would need to write beside it."""
    conn = connect(path, readonly=True, busy_timeout_ms=busy_timeout_ms)
    try:
        _begin(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        if any(text in str(exc).lower() for text in _NEEDS_WRITE):
            return None
        raise describe_error(path, exc) from exc
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged schema's text, too
        conn.close()
        raise describe_error(path, exc) from exc
    return conn


def _wal_state(wal: Path) -> bytes | None:
    """The WAL's header (None without a WAL): it changes whenever the WAL restarts."""
    try:
        with open_regular_file(wal) as handle:
            return handle.read(WAL_HEADER_BYTES)
    except FileNotFoundError:
        return None


def _copy(src: Path, dest: Path) -> bool:
    """Copy ``src`` as large as it was when opened; False when it grew meanwhile (the caller
    copies again). A FIFO or a link to a device is refused, never read on and on."""
    with open_regular_file(src) as fin:
        size = os.fstat(fin.fileno()).st_size
        return copy_private(fin, dest, size) <= size


def _check_room(path: Path, folder: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    need = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    if shortage := temp_shortage(folder, need):
        raise TargetError(
            f"{path.parent} is read-only, so cherrysync reads a copy of the database, which "
            + shortage
        )


def snapshot_copy(path: Path, folder: Path) -> Path:
    """Copy the database and its ``-wal`` into ``folder`` as one consistent state."""
    wal = path.with_name(path.name + "-wal")
    copy = folder / path.name
    copy_wal = copy.with_name(copy.name + "-wal")
    _check_room(path, folder)
    for attempt in range(1, COPY_ATTEMPTS + 1):
        copy.unlink(missing_ok=True)
        copy_wal.unlink(missing_ok=True)
        before = _wal_state(wal)
        complete = _copy(path, copy)
        if before is not None:
            try:
                complete = _copy(wal, copy_wal) and complete
            except FileNotFoundError:  # checkpointed and removed meanwhile
                complete = False
        if complete and _wal_state(wal) == before:
            return copy
        time.sleep(RETRY_SECONDS * attempt)
    raise TargetError(
        f"{path} kept changing while cherrysync copied it from its read-only folder; run the "
        "command again (or quit Cherry Studio first)"
    )


@contextmanager
def reading(path: Path, busy_timeout_ms: int) -> Iterator[Reading]:
    """One read transaction on the database at ``path``, directly or from a private copy
    (``connect`` refuses a file that is not SQLite before either)."""
    conn = _open_direct(path, busy_timeout_ms)
    if conn is not None:
        try:
            yield Reading(conn)
        finally:
            conn.close()
        return
    with private_temp_folder() as folder:
        try:
            copy = snapshot_copy(path, folder)
        except OSError as exc:
            raise TargetError(io_message(path, exc)) from None
        conn = connect(copy, readonly=True, busy_timeout_ms=busy_timeout_ms)
        try:
            _begin(conn)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            conn.close()
            raise describe_error(path, exc) from exc
        try:
            yield Reading(conn, copied=True)
        finally:
            conn.close()
