"""Hostile 2.x databases: values and schema objects the app never writes, refused clearly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.keystate import KeyState, state_path
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import snapshot
from v2fixtures import USER_PROVIDER_ID, build_data_folder, load, write_file

SECRETISH = "sk-hostile-0123456789"


pytestmark = pytest.mark.usefixtures("v2_env")


def _set(db: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql, args)
    finally:
        conn.close()


# ------------------------------------------------------------------ JSON columns (bounded)

DEEP = "[" * 200_000 + "]" * 200_000
#: 5 MiB of JSON that would decode fine: the size alone is refused, before decoding
HUGE = '["' + SECRETISH + "x" * (5 << 20) + '"]'


@pytest.mark.parametrize(
    ("table", "column", "key", "value", "reason"),
    [
        ("user_provider", "api_keys", USER_PROVIDER_ID, DEEP, "nested deeper than 256 levels"),
        ("user_provider", "endpoint_configs", USER_PROVIDER_ID, HUGE, "larger than 4 MiB"),
        ("user_provider", "provider_settings", "openai", DEEP, "nested deeper than 256 levels"),
        ("user_model", "capabilities", f"{USER_PROVIDER_ID}::my-model", DEEP, "nested deeper"),
        ("user_model", "endpoint_types", "openai::gpt-4o", HUGE, "larger than 4 MiB"),
    ],
)
def test_hostile_json_columns_are_refused_by_table_column_and_row(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    column: str,
    key: str,
    value: str,
    reason: str,
) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    id_column = "provider_id" if table == "user_provider" else "id"
    _set(db, f"UPDATE {table} SET {column} = ? WHERE {id_column} = ?", value, key)
    before = snapshot(db)
    file = write_file(tmp_path)
    out = tmp_path / "imported.yaml"
    for argv in (
        ["plan", str(file), "--target", str(db)],
        ["apply", str(file), "--target", str(db), "--yes"],
        ["import", "--from", str(db), "-o", str(out)],
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert f"{table}.{column} of row '{key}' is {reason}" in err and str(db) in err, err
        assert SECRETISH not in err and "Traceback" not in err and "internal error" not in err
    assert snapshot(db) == before and not out.exists()


def test_hostile_preference_value_is_refused(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    _set(db, "UPDATE preference SET value = ? WHERE \"key\" = 'chat.default_model_id'", DEEP)
    file = write_file(tmp_path, "version: 1\nproviders: []\n")
    target = DatabaseTarget.locate(str(db))
    with pytest.raises(TargetError, match=r"preference\.value of row 'chat\.default_model_id'"):
        # pruning the user's provider asks who still references its models
        target.plan(load(file), prune=True)


def test_deep_key_record_counts_as_damaged_not_as_a_crash(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    state_path(db).write_text("[" * 500_000)
    state = KeyState.load(state_path(db))
    assert state.problem is not None and "deeper than 256" in state.problem
    assert state.providers == {}


# ------------------------------------------------------------------ triggers

#: What a planted trigger could do: copy every key written into a table of its own.
STEAL = """
CREATE TABLE loot (provider TEXT, keys TEXT);
CREATE TRIGGER {name} AFTER {event} ON {table}
BEGIN INSERT INTO loot VALUES ({value}); END;
"""
#: The app's kind of trigger: a full-text index kept in step with another table.
APP_FTS = """
CREATE TABLE message (id TEXT PRIMARY KEY, content TEXT);
CREATE VIRTUAL TABLE message_fts USING fts5(content, content='message');
CREATE TRIGGER message_fts_ai AFTER INSERT ON message
BEGIN INSERT INTO message_fts(rowid, content) VALUES (new.rowid, new.content); END;
CREATE TRIGGER message_fts_ad AFTER DELETE ON message
BEGIN INSERT INTO message_fts(message_fts, rowid, content)
  VALUES ('delete', old.rowid, old.content); END;
"""


def _plant(db: Path, script: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.executescript(script)
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "event", "table", "value"),
    [
        ("copy_keys", "INSERT", "user_provider", "new.provider_id, new.api_keys"),
        ("Copy_Keys_On_Update", "UPDATE", "USER_PROVIDER", "new.provider_id, new.api_keys"),
        ("count_models", "INSERT", "user_model", "new.provider_id, new.model_id"),
    ],
)
def test_foreign_trigger_on_written_tables_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    event: str,
    table: str,
    value: str,
) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    file = write_file(tmp_path)
    if event == "UPDATE":  # planted after a first apply: fires when the next apply edits a row
        DatabaseTarget.locate(str(db)).apply(load(file), prune=False)
        file = write_file(tmp_path, file.read_text().replace("Team relay", "Team relay, edited"))
    _plant(db, STEAL.format(name=name, event=event, table=table, value=value))
    before = snapshot(db)
    backups = sorted(db.parent.glob("*cherrysync-backup*"))
    assert main(["plan", str(file), "--target", str(db)]) == 1
    said = "".join(capsys.readouterr())
    assert f"trigger {name!r} on {table.lower()} is not part of Cherry Studio's schema" in said
    assert main(["apply", str(file), "--target", str(db), "--yes"]) == 1
    said = "".join(capsys.readouterr())
    assert f"trigger {name!r}" in said and "nothing is written" in said
    assert snapshot(db) == before
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM loot").fetchone() == (0,)
    assert sorted(db.parent.glob("*cherrysync-backup*")) == backups


def test_the_apps_own_triggers_on_other_tables_are_allowed(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    _plant(db, APP_FTS)
    result = DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    assert result.transactions == 1 and not result.plan.blockers
