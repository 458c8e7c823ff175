"""Plans and writes against real databases for the cases the first apply never meets: models
changed in place, rows the app created under its own ids, and blockers among good providers.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import pytest

from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import check_invariants, execute, rows, snapshot
from v2fixtures import FILE, IDS, T0, build_data_folder, load, write_file


@pytest.fixture(params=["2.0", "2.1"])
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_data_folder(tmp_path / "CherryStudio", request.param)


def _summary(plan: Any) -> dict[tuple[str, str, str, str | None], tuple[str, ...]]:
    return {(c.action, c.kind, c.provider, c.model): c.fields for c in plan.changes}


def _models(db: Path, pid: str) -> dict[str, dict[str, Any]]:
    found = rows(db, "SELECT * FROM user_model WHERE provider_id = ?", pid)
    return {str(r["id"]): r for r in found}


def _apply_file(db: Path, folder: Path, text: str = FILE, *, prune: bool = False) -> Any:
    return DatabaseTarget.locate(str(db)).apply(load(write_file(folder, text)), prune=prune)


CHAT2 = """\
      - id: chat-2
        name: Chat Two
        group: chat
        capabilities: [vision, function_calling, web_search, reasoning, rerank]
        description: second model
"""
CHAT2_CHANGED = """\
      - id: chat-2
        name: Chat 2
        group: chat
        capabilities: [vision]
        description: renamed
"""


def test_a_changed_model_is_updated_in_place(db: Path, tmp_path: Path) -> None:
    _apply_file(db, tmp_path)
    execute(
        db,
        "UPDATE user_model SET is_hidden = 1, notes = 'mine', updated_at = 1 "
        "WHERE id = 'acme::chat-2'",
    )
    before = _models(db, "acme")
    snap = snapshot(db)
    changed = FILE.replace(CHAT2, CHAT2_CHANGED)
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path, changed))
    assert _summary(target.plan(providers, prune=True)).get(
        ("change", "model", "acme", "chat-2")
    ) == ("name", "description", "capabilities")
    plan = target.plan(providers, prune=False)
    assert _summary(plan) == {
        ("change", "model", "acme", "chat-2"): ("name", "description", "capabilities"),
    }
    assert plan.blockers == [] and plan.notes == []

    start = int(time.time() * 1000)
    result = target.apply(providers, prune=False)
    assert result.transactions == 1
    check_invariants(db)
    after = _models(db, "acme")
    assert set(after) == set(before) == {"acme::gpt-4o", "acme::text-embed", "acme::chat-2"}
    row, old = after["acme::chat-2"], before["acme::chat-2"]
    assert (row["name"], row["description"], json.loads(row["capabilities"])) == (
        "Chat 2",
        "renamed",
        ["image-recognition"],
    )
    assert old["updated_at"] == 1 and row["updated_at"] >= start
    untouched = {"name", "description", "capabilities", "updated_at"}
    assert {k: v for k, v in row.items() if k not in untouched} == {
        k: v for k, v in old.items() if k not in untouched
    }
    assert row["is_hidden"] == 1 and row["notes"] == "mine"  # the app's own state stays
    # nothing else moved: the other models, every provider, every other table
    new_snap = snapshot(db)
    assert {k: v for k, v in new_snap["user_model"].items() if k != "acme::chat-2"} == {
        k: v for k, v in snap["user_model"].items() if k != "acme::chat-2"
    }
    assert {k: v for k, v in new_snap.items() if k != "user_model"} == {
        k: v for k, v in snap.items() if k != "user_model"
    }
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=True).changes != []
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty


def test_a_provider_and_its_models_change_together(db: Path, tmp_path: Path) -> None:
    """One apply changes the provider row, changes one model, drops another (with prune)."""
    _apply_file(db, tmp_path)
    execute(db, "UPDATE user_provider SET updated_at = 1 WHERE provider_id = 'acme'")
    changed = (
        FILE.replace("notes: Team relay", "notes: Moved")
        .replace("      - gpt-4o\n", "      - {id: gpt-4o, name: GPT four}\n", 1)
        .replace("      - id: text-embed\n        capabilities: [embedding]\n", "")
    )
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path, changed))
    plan = target.plan(providers, prune=True)
    assert {k: v for k, v in _summary(plan).items() if k[2] == "acme"} == {
        ("change", "provider", "acme", None): ("provider_settings",),
        ("change", "model", "acme", "gpt-4o"): ("name",),
        ("remove", "model", "acme", "text-embed"): (),
    }
    start = int(time.time() * 1000)
    target.apply(providers, prune=True)
    check_invariants(db)
    assert set(_models(db, "acme")) == {"acme::gpt-4o", "acme::chat-2"}
    (gpt4o,) = rows(db, "SELECT name, order_key FROM user_model WHERE id = 'acme::gpt-4o'")
    assert gpt4o == {"name": "GPT four", "order_key": "a0"}
    (acme,) = rows(
        db, "SELECT provider_settings, updated_at FROM user_provider WHERE provider_id = 'acme'"
    )
    assert json.loads(acme["provider_settings"]) == {
        "extraHeaders": {"X-Team": "team-token-0123456789"},
        "notes": "Moved",
    }
    assert acme["updated_at"] >= start


def test_model_groups_follow_the_provider_id(db: Path, tmp_path: Path) -> None:
    """The app derives groups per provider: ids it treats as flat split at the first '-'."""
    text = (
        "version: 1\nproviders:\n"
        "  - {name: Flat, id: o3, type: openai, base_url: 'https://o3.example/v1/',"
        " models: [gpt-4o-mini]}\n"
        "  - {name: Plain, id: plain, type: openai, base_url: 'https://p.example/v1/',"
        " models: [gpt-4o-mini]}\n"
    )
    _apply_file(db, tmp_path, text)
    groups = rows(db, "SELECT id, \"group\" FROM user_model WHERE provider_id IN ('o3', 'plain')")
    assert {r["id"]: r["group"] for r in groups} == {
        "o3::gpt-4o-mini": "gpt",
        "plain::gpt-4o-mini": "gpt-4o",
    }


# ------------------------------------------------------------- rows under the app's own ids


def _insert_app_row(db: Path, row_id: str, pid: str, mid: str, order_key: str) -> None:
    """A custom model row the app created itself, under an id that is not ``provider::model``."""
    execute(
        db,
        "INSERT INTO user_model (id, provider_id, model_id, name, capabilities, "
        "supports_streaming, order_key, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '[]', 1, ?, ?, ?)",
        row_id,
        pid,
        mid,
        mid,
        order_key,
        T0,
        T0,
    )


APP_ROW = "0b9a7c2e-5d41-4f8e-a7b3-1c2d3e4f5a6b"


def test_rows_under_the_apps_own_ids_are_updated_and_removed_by_that_id(
    db: Path, tmp_path: Path
) -> None:
    _apply_file(db, tmp_path)
    _insert_app_row(db, APP_ROW, "acme", "gpt-4.1", "a3")
    execute(db, "INSERT INTO assistant VALUES ('as-9', 'Writer', ?, 1, 1)", APP_ROW)
    with_it = FILE.replace(
        "      - gpt-4o\n", "      - gpt-4o\n      - {id: gpt-4.1, name: Four One}\n", 1
    )
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path, with_it))
    assert _summary(target.plan(providers, prune=False)) == {
        ("change", "model", "acme", "gpt-4.1"): ("name", "group"),
    }
    target.apply(providers, prune=False)
    check_invariants(db)
    (row,) = rows(
        db, "SELECT * FROM user_model WHERE provider_id = 'acme' AND model_id = 'gpt-4.1'"
    )
    assert (row["id"], row["name"], row["group"], row["order_key"]) == (
        APP_ROW,
        "Four One",
        "gpt-4.1",
        "a3",
    )
    assert rows(db, "SELECT id FROM user_model WHERE id = 'acme::gpt-4.1'") == []

    # dropped from the file and pruned: the delete and the reference check use the stored id
    providers = load(write_file(tmp_path, FILE))
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=True)
    assert ("remove", "model", "acme", "gpt-4.1") in _summary(plan)
    assert f"removing model '{APP_ROW}' clears the model of assistant 'Writer'" in plan.notes
    before = snapshot(db)
    DatabaseTarget.locate(str(db)).apply(providers, prune=True)
    check_invariants(db)
    after = snapshot(db)
    assert APP_ROW not in after["user_model"] and APP_ROW in before["user_model"]
    assert after["assistant"]["as-9"][2] == "NULL"
    assert {"acme::gpt-4o", "acme::text-embed", "acme::chat-2"} <= set(after["user_model"])


def test_a_referenced_model_under_an_app_id_blocks_prune(db: Path, tmp_path: Path) -> None:
    _apply_file(db, tmp_path)
    _insert_app_row(db, APP_ROW, "acme", "gpt-4.1", "a3")
    execute(db, "INSERT INTO knowledge_base VALUES ('kb-9', 'Docs', ?, NULL, 1, 1)", APP_ROW)
    providers = load(write_file(tmp_path, FILE))
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(providers, prune=True)
    assert [b for b in plan.blockers if APP_ROW in b] == [
        f"cannot remove model '{APP_ROW}': knowledge base 'Docs' (kb-9) uses it as its "
        "embedding model; point it at another model in the app first"
    ]
    before = snapshot(db)
    with pytest.raises(TargetError, match="knowledge base 'Docs'"):
        target.apply(providers, prune=True)
    assert snapshot(db) == before


# ------------------------------------------------------------- blockers among good providers


@pytest.mark.parametrize(
    ("blocked_id", "blocker"),
    [
        (
            "openai",
            "provider id 'openai' is a built-in (preset) provider of the app; cherrysync "
            "manages custom providers only, so give it another id",
        ),
        ("acme::x", "provider id 'acme::x' must not contain '::'"),
    ],
)
def test_a_blocked_provider_does_not_hide_the_ones_after_it(
    db: Path, tmp_path: Path, blocked_id: str, blocker: str
) -> None:
    """Callers that build providers without validating still get every problem and the rest of
    the plan, so one run shows everything to fix."""
    providers = load(write_file(tmp_path))
    providers[0] = dataclasses.replace(providers[0], id=blocked_id)
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(providers, prune=False)
    assert plan.blockers == [blocker]
    added = [c.provider for c in plan.changes if c.kind == "provider"]
    assert added == ["resp", "claude", "gem", "azure-eu", "local-ollama", "newrelay", "off"]
    assert all(c.action == "add" for c in plan.changes)
    assert not any(c.provider in (blocked_id, "acme") for c in plan.changes)
    with pytest.raises(TargetError, match=r"provider id '.*'"):
        target.apply(providers, prune=False)
    assert snapshot(db) == before


def test_a_preset_row_blocks_without_hiding_the_rest(db: Path, tmp_path: Path) -> None:
    # a registry provider newer than cherrysync's list of built-in ids, first in the file
    execute(
        db,
        "INSERT INTO user_provider (provider_id, preset_provider_id, name, is_enabled, order_key,"
        " created_at, updated_at) VALUES ('acme', 'acme', 'ACME preset', 0, 'a5', 1, 1)",
    )
    plan = DatabaseTarget.locate(str(db)).plan(load(write_file(tmp_path)), prune=False)
    assert plan.blockers == [
        "provider id 'acme' is a built-in (preset) provider of the app; cherrysync manages "
        "custom providers only, so give it another id"
    ]
    added = [c.provider for c in plan.changes if c.kind == "provider"]
    assert added == [id_ for id_ in IDS if id_ != "acme"]


# ------------------------------------------------------------------- order keys, references


def _order_key_blocker(scope: str) -> str:
    return (
        f"the last order key of {scope} ('zz') is invalid, so no row can be appended after it; "
        "start Cherry Studio once (it repairs order keys), quit it, and run the command again"
    )


def test_invalid_last_order_keys_block_with_their_scope(db: Path, tmp_path: Path) -> None:
    _apply_file(db, tmp_path)
    execute(db, "UPDATE user_provider SET order_key = 'zz' WHERE provider_id = 'ollama'")
    execute(db, "UPDATE user_model SET order_key = 'zz' WHERE id = 'acme::chat-2'")
    more = FILE.replace("      - gpt-4o\n", "      - gpt-4o\n      - gpt-5\n      - gpt-6\n", 1)
    more += "  - {name: Extra, id: extra, type: openai, base_url: 'https://x.example/v1/'}\n"
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path, more))
    plan = target.plan(providers, prune=False)
    # one blocker per scope (in plan order), however many rows would be appended to it
    assert plan.blockers == [
        _order_key_blocker("provider 'acme' models"),
        _order_key_blocker("the provider list"),
    ]
    with pytest.raises(TargetError, match="order key"):
        target.apply(providers, prune=False)
    assert snapshot(db) == before


def test_a_removed_model_lists_every_assistant_it_clears(db: Path, tmp_path: Path) -> None:
    _apply_file(db, tmp_path)
    for aid, name in (("as-7", "Writer"), ("as-8", "Reviewer")):
        execute(db, "INSERT INTO assistant VALUES (?, ?, 'acme::text-embed', 1, 1)", aid, name)
    text = FILE.replace("      - id: text-embed\n        capabilities: [embedding]\n", "")
    plan = DatabaseTarget.locate(str(db)).plan(load(write_file(tmp_path, text)), prune=True)
    assert (
        "removing model 'acme::text-embed' clears the model of assistant 'Writer', "
        "assistant 'Reviewer'"
    ) in plan.notes
