"""Run a helper program that hands cherrysync a secret (1Password's ``op``, ``sops``).

The rules every such run follows, in one place:

* no shell, and the argument list carries references and paths only, never a secret;
* standard input is closed, so a program that wants to prompt fails instead of hanging;
* a deadline, after which the program is killed;
* bounded output: more than ``limit`` bytes on stdout kills the program and is an error;
* stderr is kept for the caller to *classify* but never echoed: a failing decryption may quote
  the text it was working on. Callers write their own message.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

DEFAULT_TIMEOUT = 60.0  # seconds: long enough to approve a Touch ID or pinentry prompt
STDERR_LIMIT = 64 * 1024
_CHUNK = 64 * 1024


class ToolError(Exception):
    """The program is missing, timed out or printed too much; the message holds no secret."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolTimeout(ToolError):
    """The program did not finish in time (and was killed)."""


@dataclass(frozen=True)
class ToolRun:
    returncode: int
    stdout: bytes
    stderr: bytes
    #: with ``truncate``: the output passed the limit, ``stdout`` is its first ``limit`` bytes
    #: and the program was stopped
    truncated: bool = False


def find_tool(name: str, install_hint: str) -> str:
    """The program's full path, or :class:`ToolError` saying what to install."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"'{name}' is not installed or not on PATH; {install_hint}")
    return path


class _Reader(threading.Thread):
    """Reads one pipe to EOF, keeping at most ``limit`` bytes; ``over`` when it saw more."""

    def __init__(
        self, stream: IO[bytes], limit: int, on_over: Callable[[], None] | None = None
    ) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.limit = limit
        self.on_over = on_over
        self.chunks: list[bytes] = []
        self.size = 0
        self.over = False

    def run(self) -> None:
        while chunk := self.stream.read1(_CHUNK):  # type: ignore[attr-defined]
            if self.size + len(chunk) > self.limit:
                if not self.over:
                    self.chunks.append(chunk[: self.limit - self.size])  # exactly the limit
                    self.size = self.limit
                    if self.on_over is not None:
                        self.on_over()
                self.over = True
                continue  # keep draining so the program never blocks on a full pipe
            self.chunks.append(chunk)
            self.size += len(chunk)

    def data(self) -> bytes:
        return b"".join(self.chunks)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the program and anything it started (a wrapper script's children hold the pipes)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:  # already gone
        pass


#: how long to wait for the output pipes to close once the program itself has ended
DRAIN_TIMEOUT = 5.0


def run_tool(
    argv: Sequence[str],
    *,
    what: str,
    limit: int,
    timeout: float = DEFAULT_TIMEOUT,
    truncate: bool = False,
) -> ToolRun:
    """Run ``argv`` under the rules above; ``what`` names the run in error messages. Output
    past ``limit`` is an error, or with ``truncate`` the first ``limit`` bytes (the caller
    says what a cut means)."""
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            shell=False,
            start_new_session=os.name == "posix",  # its own process group, killed as one
        )
    except OSError as exc:
        raise ToolError(f"cannot run {what}: {exc.strerror or type(exc).__name__}") from None
    assert process.stdout is not None and process.stderr is not None
    out = _Reader(process.stdout, limit, on_over=lambda: _kill(process))  # too much: stop it
    err = _Reader(process.stderr, STDERR_LIMIT)
    out.start()
    err.start()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise ToolTimeout(f"{what} did not finish within {timeout:g} seconds") from None
    finally:
        _kill(process)  # a timeout, Ctrl-C, or children left behind by the program
        process.wait()
        # a grandchild that left the process group may still hold the pipes: don't wait on it
        out.join(DRAIN_TIMEOUT)
        err.join(DRAIN_TIMEOUT)
        if not (out.is_alive() or err.is_alive()):
            process.stdout.close()
            process.stderr.close()
    if out.is_alive() or err.is_alive():
        raise ToolError(f"{what} left a process behind that keeps its output open")
    if out.over and not truncate:
        raise ToolError(f"{what} printed more than {limit} bytes")
    return ToolRun(process.returncode, out.data(), err.data(), out.over)
