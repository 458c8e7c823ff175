"""Helper programs run without a shell, with a deadline and bounded output."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cherrysync.external import ToolError, find_tool, run_tool
from fakebin import hide_tool, install_tool

ECHO_ARGS = "import sys\nsys.stdout.write(repr(sys.argv[1:]))\nsys.stderr.write('noise')\n"


def test_arguments_reach_the_program_verbatim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = install_tool(monkeypatch, tmp_path / "bin", "echoargs", ECHO_ARGS)
    run = run_tool([str(tool), "a; rm -rf /", "$(id)", "`x`"], what="echoargs", limit=1024)
    assert run.returncode == 0
    assert run.stdout.decode() == repr(["a; rm -rf /", "$(id)", "`x`"])
    assert run.stderr == b"noise"


def test_too_much_output_stops_the_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    tool = install_tool(monkeypatch, tmp_path / "bin", "flood", body)
    started = time.monotonic()
    with pytest.raises(ToolError, match="flood printed more than 100000 bytes"):
        run_tool([str(tool)], what="flood", limit=100_000, timeout=20)
    assert time.monotonic() - started < 10


def test_a_timeout_kills_the_program_and_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "time.sleep(60)\n"
    )
    tool = install_tool(monkeypatch, tmp_path / "bin", "hang", body)
    started = time.monotonic()
    with pytest.raises(ToolError, match=r"hang did not finish within 0\.5 seconds"):
        run_tool([str(tool)], what="hang", limit=1024, timeout=0.5)
    assert time.monotonic() - started < 10  # the grandchild holding the pipe was killed too


def test_a_grandchild_that_left_the_group_cannot_hold_the_run_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It keeps the output pipe open in its own session, out of reach of the group kill."""
    body = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'],"
        " start_new_session=True)\n"
        "print('done')\n"
    )
    tool = install_tool(monkeypatch, tmp_path / "bin", "escape", body)
    monkeypatch.setattr("cherrysync.external.DRAIN_TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(ToolError, match="escape left a process behind"):
        run_tool([str(tool)], what="escape", limit=1024, timeout=10)
    assert time.monotonic() - started < 10


def test_stdin_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "import sys\nsys.stdout.write(repr(sys.stdin.read()))\n"
    tool = install_tool(monkeypatch, tmp_path / "bin", "prompt", body)
    assert run_tool([str(tool)], what="prompt", limit=64).stdout == b"''"


def test_missing_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hide_tool(monkeypatch, tmp_path / "empty")
    with pytest.raises(ToolError, match="'sops' is not installed or not on PATH; get it"):
        find_tool("sops", "get it")
    with pytest.raises(ToolError, match="cannot run thing"):
        run_tool([str(tmp_path / "empty" / "thing")], what="thing", limit=1)
