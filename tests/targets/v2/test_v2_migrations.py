"""A database's schema is named by its migration chain, never by a guessed release."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.migrations import JOURNAL, LATEST_KNOWN, schema_label
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import execute
from v2fixtures import build_data_folder, load, write_file


def test_labels_follow_the_journal() -> None:
    assert len(JOURNAL) == 28 and list(JOURNAL) == sorted(JOURNAL)
    assert schema_label(1785247785125) == "schema through migration 0000"
    assert schema_label(1787387094750) == "schema through migration 0015"
    assert schema_label(LATEST_KNOWN) == "schema through migration 0027"
    assert schema_label(LATEST_KNOWN + 1).startswith("schema past migration 0027")
    assert schema_label(JOURNAL[15] + 1) == (
        "schema through a migration after 0015 that cherrysync does not know"
    )
    assert "pre-release" in schema_label(JOURNAL[0] - 1)


def _through(db: Path, index: int) -> None:
    """Make the history end at migration ``index`` (what a 2.0.x release may already carry)."""
    execute(db, "DELETE FROM __drizzle_migrations")
    for when in JOURNAL[: index + 1]:
        execute(
            db,
            "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)",
            hashlib.sha256(str(when).encode()).hexdigest(),
            when,
        )


@pytest.mark.parametrize(("variant", "index"), [("2.0", 11), ("2.1", 15), ("2.1", 27)])
def test_plan_and_import_name_the_schema(tmp_path: Path, variant: str, index: int) -> None:
    db = build_data_folder(tmp_path / "CherryStudio", variant)
    _through(db, index)
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(load(write_file(tmp_path)), prune=False)
    label = f"(schema through migration {index:04d})"
    assert plan.target == f"Cherry Studio 2.x database {db} {label}"
    assert "2.0.x" not in plan.target and "2.1.x" not in plan.target
    fresh = DatabaseTarget.locate(str(db))
    fresh.read_custom_providers()
    assert fresh.description.endswith(label)


def test_a_newer_schema_is_named_in_notes_and_errors(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    execute(
        db,
        "INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('h', ?)",
        LATEST_KNOWN + 1000,
    )
    plan = DatabaseTarget.locate(str(db)).plan(load(write_file(tmp_path)), prune=False)
    assert any("schema past migration 0027" in note for note in plan.notes)
    execute(db, "ALTER TABLE user_provider DROP COLUMN auth_config")
    with pytest.raises(TargetError, match=r"lacks auth_config; .*\(schema past migration 0027"):
        DatabaseTarget.locate(str(db)).plan(load(write_file(tmp_path)), prune=False)
