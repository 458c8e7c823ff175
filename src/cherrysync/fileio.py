"""Files cherrysync writes: private from the first byte, published atomically, never half-written.

Every file that can hold a key (dotenv files, exports, patched backups, safety copies, the key
record, temporary copies of the app's data) is created here with mode 0600 before its first byte
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
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
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
