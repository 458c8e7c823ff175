"""``apply --wait``: a real process holds the app's single-instance lock, then quits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.target import DatabaseTarget
from cherrysync.targets.wait import wait_until_closed
from standin_app import running_app
from v2checks import snapshot
from v2fixtures import ENV, build_data_folder, write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def test_waits_for_the_app_to_quit_then_applies(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    with running_app(v2_folder, 1.0) as app:
        assert main(["apply", file, "--target", str(v2_folder), "--wait", "30", "--yes"]) == 0
    pid = app.pid
    captured = capsys.readouterr()
    waiting = [line for line in captured.err.splitlines() if "waiting up to" in line]
    assert waiting == [
        f"Cherry Studio is running (pid {pid}, lock {v2_folder / 'SingletonLock'}); waiting up to "
        "30 s for it to quit"
    ]
    assert "apply will refuse" not in captured.out
    assert "Applied: 19 added, 0 changed, 0 removed." in captured.out


def test_a_change_made_while_waiting_is_planned_again(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    with running_app(v2_folder, 0.5, adopt=True):
        assert main(["apply", file, "--target", str(v2_folder), "--wait", "30", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Cherry Studio changed its providers while it ran; the plan is now:" in out
    assert '  ~ provider "off"' in out
    assert "Applied: 18 added, 1 changed, 0 removed." in out


def test_json_stdout_stays_one_object_while_waiting_and_replanning(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the Ansible module reads: people's lines go to stderr, the result to stdout."""
    file = str(write_file(tmp_path))
    target = str(v2_folder)
    command = ["apply", file, "--target", target, "--wait", "30", "--yes", "--format", "json"]
    with running_app(v2_folder, 0.5, adopt=True):
        assert main(command) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["applied"] == {"add": 18, "change": 1, "remove": 0} and doc["backup_path"]
    assert "\nFound Cherry Studio 2.x database" in captured.err  # after the warnings
    assert "waiting up to 30 s" in captured.err
    assert "the plan is now:" in captured.err and '  ~ provider "off"' in captured.err


def test_timeout_changes_nothing(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    before = snapshot(db)
    file = str(write_file(tmp_path))
    began = time.monotonic()
    with running_app(v2_folder, 60):
        assert main(["apply", file, "--target", str(v2_folder), "--wait", "0.5", "--yes"]) == 1
    assert time.monotonic() - began < 10
    err = capsys.readouterr().err
    assert "was not changed: Cherry Studio is running" in err and "(waited 0.5 s)" in err
    assert snapshot(db) == before


def test_ctrl_c_while_waiting_changes_nothing(v2_folder: Path, tmp_path: Path) -> None:
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    before = snapshot(db)
    command = [sys.executable, "-m", "cherrysync", "apply", str(write_file(tmp_path))]
    with running_app(v2_folder, 60):
        proc = subprocess.Popen(
            [*command, "--target", str(v2_folder), "--wait", "60", "--yes"],
            env={**os.environ, **ENV},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stderr is not None
            while "waiting up to 60 s" not in (line := proc.stderr.readline()):
                assert line, "apply ended before it started waiting"
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 130
            assert "nothing was written" in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert snapshot(db) == before


def test_a_staged_restore_still_blocks_at_once(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (v2_folder / "Data" / "restore-journal.json").write_text(json.dumps({"state": "staged"}))
    file = str(write_file(tmp_path))
    began = time.monotonic()
    assert main(["apply", file, "--target", str(v2_folder), "--wait", "60", "--yes"]) == 1
    assert time.monotonic() - began < 10
    err = capsys.readouterr().err
    assert "a backup restore is pending" in err and "waiting" not in err


def test_windows_polls_the_process_list(tmp_path: Path) -> None:
    """No lock file on Windows: the process check is asked until the app is gone."""
    answers = iter([True, True, True, False])
    db = build_data_folder(tmp_path / "CherryStudio")
    target = DatabaseTarget(db, platform="win32", process_check=lambda: next(answers))
    said: list[str] = []
    clock = iter(range(100))
    waited = wait_until_closed(
        target, 10, said.append, sleep=lambda s: None, clock=lambda: float(next(clock))
    )
    assert waited and said == [
        "Cherry Studio is running (Cherry Studio.exe); waiting up to 10 s for it to quit"
    ]
    stuck = DatabaseTarget(db, platform="win32", process_check=lambda: True)
    clock = iter(range(100))
    with pytest.raises(TargetError, match=r"also from the tray.*\(waited 3 s\)"):
        wait_until_closed(
            stuck, 3, said.append, sleep=lambda s: None, clock=lambda: float(next(clock))
        )
    idle = DatabaseTarget(db, platform="win32", process_check=lambda: False)
    assert not wait_until_closed(idle, 3, said.append)
