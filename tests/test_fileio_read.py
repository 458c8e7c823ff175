"""User-named files read (and appended to): only regular files, bounded; a FIFO never blocks.

The command-line cases run in a subprocess with a deadline: before the fix, opening a FIFO
without a writer waited forever, which must show as a failed test, not a hung suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cherrysync.fileio import NotRegularFileError, read_regular_file
from clirun import run_cli

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
    done = run_cli(*args, cwd=fifo.parent)
    assert done.returncode == 2, done.stderr
    expected = f"cherrysync: error: cannot read {named}: a named pipe (FIFO), not a regular file\n"
    assert done.stderr.endswith(expected)


def test_a_device_as_env_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(VALID, encoding="utf-8")
    done = run_cli("check", "providers.yaml", "--env-file", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot read env file /dev/zero: a character device, not a regular file" in done.stderr


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (
            "--summary",
            "cherrysync: error: cannot write pipe: a named pipe (FIFO), not a regular file",
        ),
        (
            "--history",
            "cherrysync: error: cannot read history file pipe: a named pipe (FIFO), "
            "not a regular file",
        ),
    ],
)
def test_check_refuses_a_fifo_to_write_before_the_run(
    option: str, expected: str, fifo: Path
) -> None:
    """Appending to a FIFO waits for a reader: refused before any request, exit 2."""
    (fifo.parent / "providers.yaml").write_text(VALID, encoding="utf-8")
    done = run_cli("check", "providers.yaml", option, "pipe", cwd=fifo.parent)
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(expected + "\n") and done.stdout == ""


def test_append_regular_file_refuses_a_fifo_without_waiting(fifo: Path, tmp_path: Path) -> None:
    from cherrysync.fileio import append_regular_file

    with pytest.raises(NotRegularFileError, match=r"a named pipe \(FIFO\), not a regular file"):
        append_regular_file(fifo, b"x")
    with pytest.raises(NotRegularFileError, match=r"a folder, not a regular file"):
        append_regular_file(tmp_path, b"x")
    append_regular_file(tmp_path / "log", b"a\n", 0o600)
    append_regular_file(tmp_path / "log", b"b\n", 0o600)
    assert (tmp_path / "log").read_bytes() == b"a\nb\n"
    assert (tmp_path / "log").stat().st_mode & 0o777 == 0o600


def test_a_fifo_as_ca_bundle_fails_that_provider_without_waiting(fifo: Path) -> None:
    """OpenSSL would wait for a writer; the check reports tls_error instead, nothing sent."""
    text = (
        "version: 1\nproviders:\n  - name: Lab\n    id: lab\n    type: ollama\n"
        "    base_url: https://127.0.0.1:9/\n    models: [llama3]\n"
        "    check: {ca_bundle: pipe}\n"
    )
    (fifo.parent / "providers.yaml").write_text(text, encoding="utf-8")
    done = run_cli("check", "providers.yaml", "--format", "json", "--retries", "0", cwd=fifo.parent)
    assert done.returncode == 1, done.stderr
    assert "tls_error" in done.stdout
    assert "cannot use ca_bundle: a named pipe (FIFO), not a regular file" in done.stdout
