"""Special files where the app's files or the user's target should be: a FIFO is refused at
once, a link to a device is never read, on every path that opens them."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cherrysync.fileio import NotRegularFileError
from cherrysync.targets.v2 import datadir
from cherrysync.targets.v2.reading import snapshot_copy
from clirun import run_cli


def _finishes(call: Callable[[], Any]) -> Any:
    """``call()``'s result, failing (not hanging the suite) if it waits on a FIFO."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    worker.start()
    worker.join(10)
    assert outcome, "blocked on a special file"
    return outcome[0]


def test_a_fifo_named_with_a_tilde_as_the_target_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = run_cli("import", "--from", "~/pipe", "-o", str(tmp_path / "out.yaml"), env=env)
    assert done.returncode == 2, done.stderr
    assert "a named pipe (FIFO), not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_app_settings_files_that_are_fifos_count_as_unreadable(tmp_path: Path) -> None:
    cherry = tmp_path / ".cherrystudio"
    (cherry / "config").mkdir(parents=True)
    os.mkfifo(cherry / datadir.BOOT_CONFIG)
    os.mkfifo(cherry / "config" / "config.json")
    found = _finishes(lambda: datadir.locate_data_folders("linux", {}, tmp_path))
    assert [entry.folder for entry in found] == [tmp_path / ".config" / "CherryStudio"]
    folder = tmp_path / "data"
    (folder / "Data").mkdir(parents=True)
    os.mkfifo(folder / "Data" / datadir.RESTORE_JOURNAL)
    pending = _finishes(lambda: datadir.pending_restore(folder))
    assert pending is not None and "state unreadable" in pending.message


def test_a_wal_linked_to_a_device_is_refused_not_copied(tmp_path: Path) -> None:
    database = tmp_path / "cherrystudio.sqlite"
    sqlite3.connect(database).close()
    (tmp_path / "cherrystudio.sqlite-wal").symlink_to("/dev/zero")
    copies = tmp_path / "copies"
    copies.mkdir()
    with pytest.raises(NotRegularFileError, match="a character device, not a regular file"):
        snapshot_copy(database, copies)
    assert sum(f.stat().st_size for f in copies.iterdir()) < 1 << 20
