"""Files named by the user, and files cherrysync writes.

Reading: a path on the command line may name a FIFO (``open`` waits forever for a writer), a
device (``/dev/zero`` never ends) or a folder. :func:`read_regular_file` opens without
blocking, refuses anything but a regular file and reads at most the caller's limit, so every
file cherrysync reads (providers files, overlays, env files) is refused or read the same way;
:func:`append_regular_file` appends (``--summary``, ``--history``) on the same terms.

Writing: private from the first byte, published atomically, never half-written. Every file
that can hold a key (dotenv files, exports, patched backups, safety copies, the key record,
temporary copies of the app's data) is created here with mode 0600 before its first byte
(:func:`create_private`), so no other user can ever read it, not even briefly under a loose
umask. Writes go to a *partial* file beside the destination, named
``.<name>.<host>-<pid>.<random>.cherrysync-partial``, that is renamed over the destination when
complete (:func:`publish`): a reader sees the old file or the new one. A run that is killed
leaves its partial file behind, private and clearly named; the next run that writes into that
folder removes the partial files of dead processes and says so (:func:`sweep_partials`).
Temporary folders (``cherrysync-<host>-<pid>-…`` in the system's temp folder, mode 0700) follow
the same rule.

Destinations are symlinks followed to their target, so a symlinked providers file stays a
symlink (:func:`real_destination`); the key record opts out, since a link planted in its place
must never redirect a write.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: what a path names when it is not a regular file, in the words of the error message
_NOT_REGULAR = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO without a writer: open returns at once
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class NotRegularFileError(OSError):
    """The path names a FIFO, a device, a socket or a folder; ``strerror`` says which."""


def _not_regular(path: str | os.PathLike[str], mode: int) -> NotRegularFileError:
    kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a file")
    return NotRegularFileError(errno.EINVAL, f"{kind}, not a regular file", str(path))


def refuse_special_file(path: str | os.PathLike[str], *, folders: bool = True) -> None:
    """Raise :class:`NotRegularFileError` when ``path`` is a FIFO, a device or a socket (or,
    without ``folders``, a folder).

    For options that take a file *or a folder* (``--target``, ``import --from``), checked before
    the target is opened, and for files a command writes at its end (``--summary``), checked
    before the run; a missing path is the caller's to report or create.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or (folders and stat.S_ISDIR(mode))):
        raise _not_regular(path, mode)


def open_regular_file(path: str | os.PathLike[str]) -> IO[bytes]:
    """The regular file ``path``, open for reading: the one way cherrysync opens a file it did
    not write (the user's, or the app's).

    Raises :class:`NotRegularFileError` for anything but a regular file, without waiting on a
    FIFO or reading a device, and ``OSError`` for I/O errors; both carry a ``strerror`` that
    :func:`cherrysync.errors.io_message` words.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _not_regular(path, mode)
    return os.fdopen(fd, "rb")


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (more than ``limit`` means "too
    large" to the caller); refusals as :func:`open_regular_file`."""
    with open_regular_file(path) as handle:
        return handle.read(limit + 1)


#: what ``open`` for writing refuses outright, as the file type it means
_OPEN_REFUSALS = {errno.ENXIO: stat.S_IFIFO, errno.EISDIR: stat.S_IFDIR}  # ENXIO: no reader


def append_regular_file(path: str | os.PathLike[str], data: bytes, mode: int = 0o666) -> None:
    """Append ``data`` to the regular file ``path`` (created with ``mode``, less the umask) in
    one ``write`` on an ``O_APPEND`` descriptor, finished if the kernel takes less.

    Opened without blocking, so a FIFO raises :class:`NotRegularFileError` (or ``ENXIO`` without
    a reader) instead of waiting for a reader forever; a device or folder is refused too.
    """
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        if exc.errno in _OPEN_REFUSALS:
            raise _not_regular(path, _OPEN_REFUSALS[exc.errno]) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        written = os.write(fd, data)
        while written < len(data):  # only for a full disk or a signal: finish the record
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


PARTIAL_SUFFIX = ".cherrysync-partial"
#: Where no process table can be asked (Windows), a partial file this old counts as abandoned.
STALE_SECONDS = 24 * 3600
_PARTIAL = re.compile(
    r"^\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)\.[0-9a-f]{8}"
    + re.escape(PARTIAL_SUFFIX)
    + r"(?:-journal|-wal|-shm)?$"
)
_TEMP_FOLDER = re.compile(r"^cherrysync-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-")


def _host() -> str:
    """A short tag of this machine: partial files of other hosts (a shared folder) are kept."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def create_private(path: str | os.PathLike[str]) -> int:
    """Create ``path`` (it must not exist; a symlink in its place fails) with mode 0600 and
    return a descriptor open for writing: the one way cherrysync creates a file that may
    hold a key."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600)


def copy_private(source: IO[bytes], dest: Path, limit: int | None = None) -> int:
    """Stream ``source`` into the new private file ``dest`` (:func:`create_private`); the bytes
    copied. With a ``limit``, reads stop at ``limit + 1``: a result over the limit means the
    source holds more, and the caller refuses it (``dest`` then holds no more than ``limit``)."""
    copied = 0
    with os.fdopen(create_private(dest), "wb") as out:
        while chunk := source.read(1 << 20 if limit is None else min(1 << 20, limit - copied + 1)):
            copied += len(chunk)
            if limit is not None and copied > limit:
                break
            out.write(chunk)
    return copied


def temp_shortage(folder: Path, need: int) -> str | None:
    """None when ``folder`` has room for ``need`` bytes; else how the error says so, one
    wording for every copy cherrysync makes into a temp folder."""
    free = shutil.disk_usage(folder).free
    if need <= free:
        return None
    return (
        f"needs {need >> 20} MiB of temporary space; {folder.parent} has {free >> 20} MiB free "
        "(set TMPDIR to a roomier folder)"
    )


def real_destination(path: Path) -> Path:
    """Where a write to ``path`` should land: the final target when ``path`` is a symlink
    (also a chain of links, or a link to a file that does not exist yet)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Do ``a`` and ``b`` name one file, through symlinks, ``..`` or hard links?"""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): only the resolved paths can tell
        return False


def _alive(pid: int, mtime: float) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would terminate it there: go by age instead
        return time.time() - mtime < STALE_SECONDS
    return pid_running(pid)


def pid_running(pid: int) -> bool:
    """Is process ``pid`` alive on this (POSIX) host? Signal 0 asks without sending anything."""
    try:
        os.kill(pid, 0)
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:  # ProcessLookupError: gone
        return False
    return True


def _abandoned(match: re.Match[str] | None, entry: os.DirEntry[str]) -> bool:
    if match is None or match["host"] != _host():
        return False
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and not _alive(int(match["pid"]), info.st_mtime)


def _notice(path: str) -> None:
    print(
        f"cherrysync: note: removed {path}, left behind by an interrupted cherrysync run",
        file=sys.stderr,
    )


def sweep_partials(folder: Path) -> list[Path]:
    """Remove the partial files that killed cherrysync runs left in ``folder`` (this host's,
    this user's, of processes that no longer run), telling the user; returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and _abandoned(_PARTIAL.match(entry.name), entry):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
                _notice(entry.path)
    return removed


def new_partial(dest: Path) -> tuple[Path, int]:
    """A new private (0600) partial file beside ``dest`` and a descriptor to write it; the
    folder's abandoned partial files are swept first."""
    sweep_partials(dest.parent)
    hidden = dest.name if dest.name.startswith(".") else f".{dest.name}"
    name = f"{hidden}.{_host()}-{os.getpid()}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}"
    partial = dest.with_name(name)
    return partial, create_private(partial)


def publish(partial: Path, dest: Path, *, overwrite: bool = True) -> None:
    """Rename the complete ``partial`` to ``dest`` atomically.

    Without ``overwrite`` an existing ``dest`` is never replaced, not even one that appeared
    after the caller checked (a hard link publishes only a new name; ``FileExistsError``).
    """
    if overwrite:
        os.replace(partial, dest)
        return
    exists = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest))
    try:
        os.link(partial, dest)
    except FileExistsError:
        raise exists from None
    except OSError as exc:  # no hard links here (some network and FAT file systems)
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(dest):
            raise exists from None
        os.replace(partial, dest)
        return
    os.unlink(partial)


def write_atomic(
    path: Path,
    text: str,
    mode: int | None = None,
    *,
    overwrite: bool = True,
    follow_symlinks: bool = True,
) -> None:
    """Write ``text`` to a private partial file beside ``path``, then rename it over ``path``.

    The file is 0600 while it is written; ``mode`` is applied before the rename (without it an
    existing file keeps its permissions and a new one gets 0644). A symlink at ``path`` is
    followed and its target replaced in the target's own folder, unless ``follow_symlinks`` is
    false (then the link itself is replaced). Without ``overwrite`` an existing file is kept
    and ``FileExistsError`` raised.
    """
    dest = real_destination(path) if follow_symlinks else path
    if mode is None:
        mode = dest.stat().st_mode & 0o777 if dest.exists() else 0o644
    partial, fd = new_partial(dest)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if mode != 0o600:
                os.fchmod(handle.fileno(), mode)
            # on disk before the rename: a crash must leave the old file or the new one
            os.fsync(handle.fileno())
        publish(partial, dest, overwrite=overwrite)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def _sweep_temp_folders(root: Path) -> None:
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and _abandoned(
            _TEMP_FOLDER.match(entry.name), entry
        ):
            shutil.rmtree(entry.path, ignore_errors=True)
            if not os.path.lexists(entry.path):
                _notice(entry.path)


@contextlib.contextmanager
def private_temp_folder() -> Iterator[Path]:
    """A fresh 0700 temp folder, removed on exit, for copies that may hold keys; folders that
    killed runs left behind are removed first."""
    root = Path(tempfile.gettempdir())
    _sweep_temp_folders(root)
    with tempfile.TemporaryDirectory(prefix=f"cherrysync-{_host()}-{os.getpid()}-") as tmp:
        yield Path(tmp)
