"""The progress line on a real terminal: drawn as the run starts, alive while it waits."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from emulators import OpenAIEmulator, Reply

KEY = "sk-proj-PROGRESSline0123456789abcd"
SLOW = 3.0


def read_until(fd: int, proc: subprocess.Popen[bytes], needle: bytes, limit: float) -> bytes:
    """What the terminal received until ``needle`` arrived, the process ended or time ran out."""
    seen = b""
    deadline = time.monotonic() + limit
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
        elif proc.poll() is not None:
            break
    return seen


def test_a_slow_check_shows_progress_at_once_on_a_terminal(tmp_path: Path) -> None:
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        listing = {"object": "list", "data": [{"id": "gpt-4o"}]}
        emu.inject("^/v1/models$", Reply(200, listing, delay=SLOW))
        (tmp_path / "providers.yaml").write_text(
            "version: 1\nproviders:\n"
            f"  - {{name: p, type: openai, base_url: '{emu.url}', api_key: '${{K}}', "
            "models: [gpt-4o]}\n"
        )
        terminal, stderr = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cherrysync", "check", "providers.yaml"],
            cwd=tmp_path,
            env={**os.environ, "K": KEY},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        os.close(stderr)
        try:
            first = read_until(terminal, proc, b"checked 0/2", SLOW)
            assert b"checked 0/2" in first and proc.poll() is None  # before any result
            waiting = read_until(terminal, proc, b", 1s", SLOW)
            assert b"checked 0/2, 1s" in waiting and proc.poll() is None  # alive while it waits
            rest = read_until(terminal, proc, b"\x00", 2 * SLOW)
            out, _ = proc.communicate(timeout=10)
        finally:
            proc.kill()
            os.close(terminal)
    assert proc.returncode == 0, out
    assert b"checked 2/2 (p)" in rest and rest.endswith(b"\r\x1b[K")  # erased at the end
    assert b"gpt-4o" in out and b"\x1b" not in out
