"""Bad targets: each a clear error naming the file and what to do, the database unchanged."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import snapshot
from v2fixtures import ENV, build_data_folder, load, write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def _apply(capsys: pytest.CaptureFixture[str], file: Path, target: Path) -> tuple[int, str]:
    code = main(["apply", str(file), "--target", str(target), "--yes"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


def _no_backups(folder: Path) -> bool:
    return not list(folder.rglob("*cherrysync-backup*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, not a database\n" * 10, "is not a SQLite database"),
        (b"", "is not a SQLite database"),
    ],
)
def test_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    db = tmp_path / "Data" / "cherrystudio.sqlite"
    db.parent.mkdir()
    db.write_bytes(content)
    code, err = _apply(capsys, write_file(tmp_path), tmp_path)
    assert code == 1 and message in err and str(db) in err
    assert db.read_bytes() == content


def test_other_sqlite_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    code, err = _apply(capsys, write_file(tmp_path), db)
    assert code == 1 and "not a Cherry Studio 2.x database" in err and str(db) in err


def test_corrupt_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    data = bytearray(db.read_bytes())
    data[100:3000] = os.urandom(2900)
    db.write_bytes(bytes(data))
    code, err = _apply(capsys, write_file(tmp_path), db)
    assert code == 1 and str(db) in err
    assert "corrupt" in err or "not a SQLite database" in err
    assert db.read_bytes() == bytes(data) and _no_backups(tmp_path)


def _add_required_model_column(db: Path) -> None:
    """What a newer app's migration could do: rebuild user_model with a NOT NULL column."""
    conn = sqlite3.connect(db, isolation_level=None)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'user_model'").fetchone()[0]
    new = sql.replace("CREATE TABLE user_model", "CREATE TABLE user_model_new").replace(
        "  notes text,\n", "  notes text,\n  shiny_new text NOT NULL,\n"
    )
    cols = ", ".join(f'"{r[1]}"' for r in conn.execute("PRAGMA table_info(user_model)"))
    conn.executescript(
        f"""PRAGMA foreign_keys = OFF; BEGIN; {new};
        INSERT INTO user_model_new ({cols}, shiny_new) SELECT {cols}, 'x' FROM user_model;
        DROP TABLE user_model; ALTER TABLE user_model_new RENAME TO user_model; COMMIT;"""
    )
    conn.close()


def test_newer_app_with_unknown_required_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    _add_required_model_column(db)
    before = snapshot(db)
    code, err = _apply(capsys, write_file(tmp_path), db)
    assert code == 1 and "newer Cherry Studio" in err and "user_model.shiny_new" in err
    assert str(db) in err and snapshot(db) == before and _no_backups(tmp_path)


def test_unknown_optional_column_is_left_to_its_default(tmp_path: Path) -> None:
    db = build_data_folder(
        tmp_path / "CherryStudio",
        patch=lambda s: s.replace("  notes text,\n", "  notes text,\n  shiny text DEFAULT 'd',\n"),
    )
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(load(write_file(tmp_path)), prune=False)
    assert any("user_model.shiny" in n for n in plan.notes)
    target.apply(load(write_file(tmp_path)), prune=False)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT shiny FROM user_model WHERE id = 'acme::gpt-4o'").fetchone() == (
        "d",
    )
    conn.close()


def test_prerelease_schema_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = build_data_folder(
        tmp_path / "CherryStudio",
        patch=lambda s: s.replace(
            "  name text NOT NULL,\n  logo_key",
            "  name text NOT NULL,\n  sort_order integer,\n  logo_key",
            1,
        ),
    )
    code, err = _apply(capsys, write_file(tmp_path), db)
    assert code == 1 and "pre-release" in err and str(db) in err


def test_locked_database(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    before = snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE preference SET updated_at = 2")
    try:
        target = DatabaseTarget.locate(str(db))
        target.busy_timeout_ms = 100
        with pytest.raises(TargetError, match="is locked by another program") as exc:
            target.apply(load(write_file(tmp_path)), prune=False)
        assert str(db) in exc.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert snapshot(db) == before and _no_backups(tmp_path)


def test_app_running_and_restore_staged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "CherryStudio"
    db = build_data_folder(folder)
    before = snapshot(db)
    lock = folder / "SingletonLock"
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", lock)
    code, err = _apply(capsys, write_file(tmp_path), folder)
    assert code == 1 and "Cherry Studio is running" in err and str(db) in err
    lock.unlink()
    (folder / "Data" / "restore-journal.json").write_text(json.dumps({"state": "staged"}))
    code, err = _apply(capsys, write_file(tmp_path), folder)
    assert code == 1 and "restore is pending" in err and "start Cherry Studio once" in err
    assert snapshot(db) == before and _no_backups(tmp_path)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="cherrysync-ro-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_read_only_target(shared_dir: Path) -> None:
    folder = shared_dir / "CherryStudio"
    db = build_data_folder(folder)
    for path in (folder, folder / "Data"):
        path.chmod(0o755)
    db.chmod(0o444)
    file = write_file(shared_dir)
    file.chmod(0o644)
    before = snapshot(db)
    (folder / "Data").chmod(0o555)
    command = [
        sys.executable,
        "-m",
        "cherrysync",
        "apply",
        str(file),
        "--target",
        str(folder),
        "--yes",
    ]
    if os.getuid() == 0:
        # Root ignores permission bits; without these capabilities it obeys them like anyone.
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a target read-only")
        drop = "-dac_override,-dac_read_search,-fowner"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--", *command]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        cwd=shared_dir,
        timeout=60,
        check=False,
    )
    (folder / "Data").chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "read-only" in proc.stderr or "cannot be written" in proc.stderr
    assert str(db) in proc.stderr
    assert snapshot(db) == before and _no_backups(folder)


def test_database_changed_after_the_plan_was_shown(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path))
    target.plan(providers, prune=False)
    other = DatabaseTarget.locate(str(db))
    other.apply(load(write_file(tmp_path, name="p2.yaml")), prune=False)
    sqlite3.connect(db, isolation_level=None).execute(
        "UPDATE user_provider SET name = 'edited in the app' WHERE provider_id = 'acme'"
    ).connection.close()
    before = snapshot(db)
    with pytest.raises(TargetError, match="changed since the plan was shown"):
        target.apply(providers, prune=False)
    assert snapshot(db) == before


@pytest.mark.parametrize("seed", [11, 48, 75, 103])
def test_damaged_database_never_escapes_as_internal_error(
    tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Random bytes overwritten across the file (a byte-flip fuzz found these cases)."""
    import random

    from cherrysync.cli import main

    db = build_data_folder(tmp_path / "CherryStudio")
    raw = bytearray(db.read_bytes())
    rng = random.Random(seed)
    for _ in range(rng.randint(20, 60)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    db.write_bytes(bytes(raw))
    file = write_file(tmp_path)
    for argv in (
        ["plan", str(file), "--target", str(db)],
        ["import", "--from", str(db), "-o", str(tmp_path / f"out{seed}.yaml"), "--no-secrets"],
    ):
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (0, 1), err
        assert "internal error" not in err and "environment variable" not in err
