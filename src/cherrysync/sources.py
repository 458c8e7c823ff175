"""Where one side of ``cherrysync diff`` comes from: a file, standard input or a Git revision.

A side is named the way people name file versions on a command line:

* ``-`` is standard input (at most one side can be);
* a path that exists is that file, even when it contains a colon (``backup:old.yaml``): an
  existing file always wins, so no file is ever shadowed by Git;
* otherwise a name with a colon is ``REV:PATH``, a file as Git stores it in a revision
  (``origin/main:providers.yaml``, ``HEAD~1:providers.yaml``, ``:providers.yaml`` for the
  staged version). As in ``git show``, PATH is from the top of the repository;
  ``REV:./PATH`` is relative to the current folder;
* anything else is a file (and a missing one is an I/O error).

Git runs as ``git cat-file blob REV:PATH`` — the stored bytes exactly, no text conversion, and
a folder is refused rather than listed — without a shell, in the current folder's repository,
with a timeout, its output read up to the size limit of a providers file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from cherrysync.errors import CherrysyncError, io_message
from cherrysync.external import ToolError, ToolRun, ToolTimeout, find_tool, run_tool
from cherrysync.fileio import read_regular_file
from cherrysync.load.yamldoc import MAX_BYTES

STDIN = "-"
STDIN_LABEL = "<stdin>"
GIT_TIMEOUT = 30.0
#: one more byte than a providers file may have, so the validator reports the size
READ_LIMIT = MAX_BYTES + 1

SourceKind = Literal["file", "stdin", "git"]


class SourceError(CherrysyncError):
    """A side of the diff cannot be read: no git, a bad revision, a missing file (exit 2)."""


@dataclass(frozen=True)
class Source:
    """One side as the user named it; ``label`` is how diagnostics and reports name it."""

    spec: str
    kind: SourceKind

    @property
    def label(self) -> str:
        return STDIN_LABEL if self.kind == "stdin" else self.spec


def parse_source(spec: str) -> Source:
    """Which kind of side ``spec`` names (see the module docstring for the rule)."""
    if spec == STDIN:
        return Source(spec, "stdin")
    if ":" in spec and not Path(spec).exists():
        return Source(spec, "git")
    return Source(spec, "file")


def read_source(source: Source, stdin: BinaryIO) -> bytes:
    """The side's bytes, at most :data:`READ_LIMIT` of them; :class:`SourceError` if unreadable."""
    if source.kind == "stdin":
        return stdin.read(READ_LIMIT)
    if source.kind == "git":
        return git_blob(source.spec)
    try:  # a FIFO or device named as a side is refused, not waited on
        return read_regular_file(source.spec, MAX_BYTES)
    except OSError as exc:
        raise SourceError(io_message(source.spec, exc)) from exc


def _git_failure(spec: str, stderr: bytes) -> SourceError:
    """Git's own reason (its first line), plus the hint people need most often."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines() or ["git failed"]
    reason = lines[0].removeprefix("fatal: ").strip()
    hint = ""
    if "does not exist in" in reason and ":./" not in spec:
        hint = "; the path after ':' is from the top of the repository (REV:./PATH is relative)"
    if "bad file" in reason:
        reason = "not a file in that revision"
    return SourceError(f"cannot read {spec} from Git: {reason}{hint}")


def run_git(
    args: Sequence[str], *, doing: str, timeout: float = GIT_TIMEOUT, limit: int = READ_LIMIT
) -> ToolRun:
    """``git ARGS`` in the current folder, run as every helper program is
    (:func:`cherrysync.external.run_tool`: no shell, no input, its process group killed at the
    end); at most ``timeout`` seconds and ``limit`` bytes of output, cut there. :class:`SourceError`
    ("cannot DOING: …") if git is missing or does not finish in time."""
    try:
        git = find_tool("git", "install Git")
        return run_tool([git, *args], what="git", limit=limit, timeout=timeout, truncate=True)
    except ToolTimeout:
        raise SourceError(f"cannot {doing}: git gave no answer within {timeout:g} s") from None
    except ToolError as exc:
        if exc.message.startswith("'git' is not installed"):
            raise SourceError(f"cannot {doing}: git is not installed") from None
        raise SourceError(f"cannot {doing}: {exc.message}") from None


def git_blob(spec: str, timeout: float = GIT_TIMEOUT, limit: int = READ_LIMIT) -> bytes:
    """``git cat-file blob SPEC``: the file's bytes (at most ``limit``; the validator reports a
    file that is too large)."""
    if spec.startswith("-"):  # never let a name become an option of git
        raise SourceError(f"cannot read {spec}: not a file, and not a Git REV:PATH")
    done = run_git(["cat-file", "blob", spec], doing=f"read {spec}", timeout=timeout, limit=limit)
    if done.returncode != 0 and not done.truncated:
        raise _git_failure(spec, done.stderr)
    return done.stdout
