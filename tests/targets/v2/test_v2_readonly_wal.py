"""A WAL-mode database in a folder nobody may write is still planned and imported, with every
commit its write-ahead log holds, by a real unprivileged process."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cherrysync.targets.v2.reading import snapshot_copy
from v2fixtures import ENV, USER_PROVIDER_ID, build_data_folder, write_file

#: A writer that commits into the WAL and dies before any checkpoint (as a crashed or running
#: app leaves it): the name below exists only in the ``-wal`` file.
WAL_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("UPDATE user_provider SET name = 'Only In WAL' WHERE provider_id = ?", (sys.argv[2],))
os._exit(0)
"""


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged process can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="cherrysync-wal-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def _unprivileged(command: list[str]) -> list[str]:
    if os.getuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    drop = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--", *command]


def _run(shared: Path, *args: str) -> subprocess.CompletedProcess[str]:
    temp = shared / "tmp"
    temp.mkdir(exist_ok=True)
    return subprocess.run(
        _unprivileged([sys.executable, "-m", "cherrysync", *args]),
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, "TMPDIR": str(temp)},
        cwd=shared,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("state", ["wal-without-index", "checkpointed"])
def test_read_only_wal_database_is_planned_and_imported(shared_dir: Path, state: str) -> None:
    folder = shared_dir / "CherryStudio"
    db = build_data_folder(folder)
    if state == "wal-without-index":
        subprocess.run([sys.executable, "-c", WAL_WRITER, str(db), USER_PROVIDER_ID], check=True)
        db.with_name(db.name + "-shm").unlink()  # only the app's running session had it
        assert db.with_name(db.name + "-wal").stat().st_size > 0
    files = sorted(p.name for p in db.parent.iterdir())
    for path in (folder, db.parent):
        path.chmod(0o555)
    file = write_file(shared_dir)
    out = shared_dir / "out"
    out.mkdir()

    imported = _run(shared_dir, "import", "--from", str(folder), "-o", str(out / "p.yaml"))
    assert imported.returncode == 0, imported.stderr
    text = (out / "p.yaml").read_text()
    assert ("Only In WAL" in text) == (state == "wal-without-index")
    assert "name: My Relay" in text or "Only In WAL" in text

    planned = _run(shared_dir, "plan", str(file), "--target", str(folder))
    assert planned.returncode == 0, planned.stderr
    assert "Traceback" not in planned.stderr
    assert "is read-only, so cherrysync read a private copy" in planned.stdout

    applied = _run(shared_dir, "apply", str(file), "--target", str(folder), "--yes")
    assert applied.returncode == 1 and "read-only" in applied.stderr

    assert sorted(p.name for p in db.parent.iterdir()) == files
    assert list((shared_dir / "tmp").iterdir()) == []  # the private copy is gone


def test_copy_holds_the_wal_commits_and_is_private(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(db), USER_PROVIDER_ID], check=True)
    copies = tmp_path / "copies"
    copies.mkdir()
    copy = snapshot_copy(db, copies)
    assert sorted(p.name for p in copies.iterdir()) == [db.name, db.name + "-wal"]
    assert {p.stat().st_mode & 0o777 for p in copies.iterdir()} == {0o600}
    conn = sqlite3.connect(copy)
    sql = "SELECT name FROM user_provider WHERE provider_id = ?"
    assert conn.execute(sql, (USER_PROVIDER_ID,)).fetchone() == ("Only In WAL",)
    conn.close()
