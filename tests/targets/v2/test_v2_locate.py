"""Finding the database: data folder or file, both locations, the default folder per OS, and
the running-app / staged-restore checks (relocation: test_v2_relocation.py)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path

import pytest

from cherrysync.targets.base import TargetError
from cherrysync.targets.v2 import datadir as locate
from cherrysync.targets.v2.target import DatabaseTarget
from v2fixtures import build_data_folder


def test_folder_or_file_in_either_location(tmp_path: Path) -> None:
    current = build_data_folder(tmp_path / "new")
    early = build_data_folder(tmp_path / "old", "2.0", location="root")
    assert DatabaseTarget.locate(str(tmp_path / "new")).path == current
    assert DatabaseTarget.locate(str(tmp_path / "old")).path == early
    target = DatabaseTarget.locate(str(early))
    assert (target.path, target.folder) == (early, tmp_path / "old")
    assert DatabaseTarget.locate(str(current)).folder == tmp_path / "new"


def test_both_locations_pick_the_newer_migration_history(tmp_path: Path) -> None:
    folder = tmp_path / "CherryStudio"
    newer = build_data_folder(folder, "2.1", location="root")
    build_data_folder(folder, "2.0", location="Data")
    target = DatabaseTarget.locate(str(folder))
    assert target.path == newer
    assert any("both exist" in n for n in target.notes)


def test_missing_or_empty_targets(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match=r"^--target .*nope: no such file or folder$") as missing:
        DatabaseTarget.locate(str(tmp_path / "nope"))
    assert missing.value.code == 2
    with pytest.raises(TargetError, match=r"holds no cherrystudio\.sqlite"):
        DatabaseTarget.locate(str(tmp_path))


def test_default_data_folders_per_os(tmp_path: Path) -> None:
    home = tmp_path
    assert locate.default_data_folder("linux", {}, home) == home / ".config" / "CherryStudio"
    assert locate.default_data_folder("linux", {"XDG_CONFIG_HOME": "/x"}, home) == Path(
        "/x/CherryStudio"
    )
    assert (
        locate.default_data_folder("darwin", {}, home)
        == home / "Library" / "Application Support" / "CherryStudio"
    )
    assert locate.default_data_folder("win32", {"APPDATA": str(tmp_path / "Roaming")}, home) == (
        tmp_path / "Roaming" / "CherryStudio"
    )


def test_running_app_lock_and_stale_locks(tmp_path: Path) -> None:
    lock = tmp_path / "SingletonLock"
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", lock)
    activity = locate.app_running(tmp_path, "linux")
    assert activity is not None and "is running" in activity.message
    lock.unlink()
    os.symlink("other-host-1", lock)
    assert locate.app_running(tmp_path, "darwin") is None
    lock.unlink()
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)  # a pid that no longer exists
    os.symlink(f"{socket.gethostname()}-{child}", lock)
    assert locate.app_running(tmp_path, "linux") is None


def test_windows_uses_a_process_check(tmp_path: Path) -> None:
    activity = locate.app_running(tmp_path, "win32", process_check=lambda: True)
    assert activity is not None and "Cherry Studio.exe" in activity.message
    assert locate.app_running(tmp_path, "win32", process_check=lambda: False) is None


@pytest.mark.parametrize(
    ("where", "state", "pending"),
    [("Data", "staged", True), ("", "promoting", True), ("Data", "completed", False)],
)
def test_pending_restore(tmp_path: Path, where: str, state: str, pending: bool) -> None:
    folder = tmp_path / where if where else tmp_path
    folder.mkdir(exist_ok=True)
    (folder / "restore-journal.json").write_text(json.dumps({"state": state}))
    assert (locate.pending_restore(tmp_path) is not None) == pending


def test_plan_reads_while_the_app_runs_but_says_apply_will_refuse(tmp_path: Path) -> None:
    from v2fixtures import load, write_file

    db = build_data_folder(tmp_path / "CherryStudio")
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", tmp_path / "CherryStudio" / "SingletonLock")
    target = DatabaseTarget.locate(
        str(db),
    )
    plan = target.plan(load(write_file(tmp_path)), prune=False)
    assert any("apply will refuse" in n for n in plan.notes)
    with pytest.raises(TargetError, match="Cherry Studio is running"):
        target.apply(load(write_file(tmp_path)), prune=False)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM user_provider").fetchone() == (5,)
    conn.close()
