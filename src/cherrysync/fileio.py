"""Files named by the user: bounded reads of regular files only, and atomic text writes.

Reading: a path on the command line may name a FIFO (``open`` waits forever for a writer), a
device (``/dev/zero`` never ends) or a folder. :func:`read_regular_file` opens without
blocking, refuses anything but a regular file and reads at most the caller's limit, so every
file cherrysync reads (providers files, overlays, env files) is refused or read the same way.

Writing: a reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

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


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (more than ``limit`` means "too
    large" to the caller).

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
    with os.fdopen(fd, "rb") as handle:
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


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` to a temp file beside ``path``, then rename it over ``path``.

    ``mode`` applies from the first byte (a file of keys is never world-readable, even briefly);
    without it an existing file keeps its permissions and a new one gets 0644.
    """
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
