"""User-named files: only regular files are read, bounded; a FIFO never blocks a command.

The command-line cases run in a subprocess with a deadline: before the fix, opening a FIFO
without a writer waited forever, which must show as a failed test, not a hung suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.fileio import NotRegularFileError, read_regular_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")

VALID = "version: 1\nproviders:\n  - {name: Local, id: local, type: ollama, models: [llama3]}\n"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_reads_at_most_limit_plus_one_byte(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 100)
    assert read_regular_file(path, 10) == b"x" * 11
    assert read_regular_file(path, 1000) == b"x" * 100


@pytest.mark.parametrize(
    ("target", "kind"),
    [("fifo", "a named pipe \\(FIFO\\)"), ("/dev/zero", "a character device"), ("dir", "a folder")],
)
def test_refuses_what_is_not_a_regular_file(
    target: str, kind: str, fifo: Path, tmp_path: Path
) -> None:
    path = {"fifo": fifo, "dir": tmp_path}.get(target, Path(target))
    with pytest.raises(NotRegularFileError, match=f"^\\[Errno \\d+\\] {kind}, not a regular file"):
        read_regular_file(path, 10)


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cherrysync", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["validate", "pipe"], "pipe"),
        (["check", "pipe"], "pipe"),
        (["plan", "pipe", "--target", "auto"], "pipe"),
        (["validate", "providers.yaml", "--overlay", "pipe"], "overlay pipe"),
        (["check", "providers.yaml", "--env-file", "pipe"], "env file pipe"),
        (["validate", "--require-env", "--env-file", "pipe", "providers.yaml"], "env file pipe"),
        (["schema", "--check", "--path", "pipe"], "pipe"),
        (["plan", "providers.yaml", "--target", "pipe"], "--target pipe"),
        (["import", "--from", "pipe", "-o", "out.yaml"], "--from pipe"),
    ],
)
def test_commands_refuse_a_fifo_at_once(args: list[str], named: str, fifo: Path) -> None:
    (fifo.parent / "providers.yaml").write_text(VALID, encoding="utf-8")
    done = _cli(args, fifo.parent)
    assert done.returncode == 2, done.stderr
    expected = f"cherrysync: error: cannot read {named}: a named pipe (FIFO), not a regular file\n"
    assert done.stderr.endswith(expected)


def test_a_device_as_env_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(VALID, encoding="utf-8")
    done = _cli(["check", "providers.yaml", "--env-file", "/dev/zero"], tmp_path)
    assert done.returncode == 2
    assert "cannot read env file /dev/zero: a character device, not a regular file" in done.stderr
