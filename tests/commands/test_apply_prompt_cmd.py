"""The confirmation prompt goes to the terminal (stderr), so ``apply ... > log`` still asks."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from v2fixtures import ENV, build_data_folder, write_file

pty = pytest.importorskip("pty")

PROMPT = b"Apply these changes? Only 'yes' is accepted: "


def _read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    seen = b""
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_prompt_reaches_the_terminal_when_stdout_is_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "CherryStudio"
    build_data_folder(folder)
    file = write_file(tmp_path)
    log = tmp_path / "log"
    master, slave = pty.openpty()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cherrysync", "apply", str(file), "--target", str(folder)],
            stdin=slave,
            stdout=out,
            stderr=slave,
            env={**os.environ, **ENV},
        )
    os.close(slave)
    try:
        terminal = _read_until(master, PROMPT, time.monotonic() + 60)
        assert PROMPT in terminal, terminal
        os.write(master, b"yes\n")
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        os.close(master)
    written = log.read_text(encoding="utf-8")
    assert "Plan: 19 to add" in written and "Applied: 19 added" in written
    assert "Only 'yes'" not in written
