"""Files the 2.x target writes beside the database hold keys: private (0600) from creation."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cherrysync.fileio import PARTIAL_SUFFIX
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import snapshot
from v2fixtures import build_data_folder, load, write_file


def test_safety_copy_and_key_record_are_private(tmp_path: Path, loose_umask: None) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    result = target.apply(load(write_file(tmp_path)), prune=False)
    assert result.backup_path is not None
    assert stat.S_IMODE(result.backup_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.keys_path.stat().st_mode) == 0o600
    assert snapshot(result.backup_path) == before
    assert sqlite3.connect(result.backup_path).execute("PRAGMA integrity_check").fetchone() == (
        "ok",
    )
    assert not [p for p in db.parent.iterdir() if PARTIAL_SUFFIX in p.name]


def test_safety_copy_left_by_a_killed_apply_is_removed_next_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cherrysync.fileio import new_partial

    db = build_data_folder(tmp_path / "CherryStudio")
    stamp = "cherrystudio.20260101T000000Z.cherrysync-backup.sqlite"
    partial, fd = new_partial(db.with_name(stamp))
    os.close(fd)
    dead = os.fork()
    if dead == 0:  # a child that exits at once: its pid is the killed run's
        os._exit(0)
    os.waitpid(dead, 0)
    left = partial.with_name(partial.name.replace(f"-{os.getpid()}.", f"-{dead}."))
    partial.rename(left)
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    assert not left.exists()
    assert f"removed {left}" in capsys.readouterr().err
