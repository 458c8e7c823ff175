"""What cherrysync writes is what the app itself writes: new-api rows, capabilities, notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import check_invariants, execute, rows
from v2fixtures import FILE, build_data_folder, load, write_file


@pytest.fixture(params=["2.0", "2.1"])
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_data_folder(tmp_path / "CherryStudio", request.param)


def test_web_search_is_left_out_with_a_note(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(providers, prune=False)
    assert [n for n in plan.notes if "web_search" in n] == [
        "provider 'acme' model 'chat-2': capability web_search does not exist in Cherry Studio "
        "2.x (web search is a provider tool there, and the app rejects unknown capabilities); "
        "it is not written"
    ]
    target.apply(providers, prune=False)
    (row,) = rows(db, "SELECT capabilities FROM user_model WHERE id = 'acme::chat-2'")
    assert "web-search" not in json.loads(row["capabilities"])
    # a row an older cherrysync wrote with web-search is cleaned up as a visible change
    execute(
        db,
        "UPDATE user_model SET capabilities = ? WHERE id = 'acme::chat-2'",
        json.dumps(["image-recognition", "function-call", "web-search", "reasoning", "rerank"]),
    )
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=False)
    assert [(c.model, c.fields) for c in plan.changes] == [("chat-2", ("capabilities",))]


def test_new_api_rows_of_older_cherrysync_are_updated_cleanly(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    target = DatabaseTarget.locate(str(db))
    target.apply(providers, prune=False)
    # what cherrysync wrote before: no preset, the URL and the newapi family on chat only
    old = {
        "openai-chat-completions": {"baseUrl": "https://newapi.example", "adapterFamily": "newapi"}
    }
    execute(
        db,
        "UPDATE user_provider SET preset_provider_id = NULL, endpoint_configs = ? "
        "WHERE provider_id = 'newrelay'",
        json.dumps(old),
    )
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=False)
    summary = [(c.action, c.provider, c.fields) for c in plan.changes]
    assert summary == [("change", "newrelay", ("preset_provider_id", "endpoint_configs"))]
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    check_invariants(db)
    (row,) = rows(db, "SELECT * FROM user_provider WHERE provider_id = 'newrelay'")
    assert row["preset_provider_id"] == "new-api"
    assert set(json.loads(row["endpoint_configs"])) == {
        "openai-chat-completions",
        "openai-responses",
        "anthropic-messages",
        "google-generate-content",
    }
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty
    (imported,) = [p for p in target.read_custom_providers() if p.id == "newrelay"]
    assert imported.type == "new-api"


def test_implied_capabilities_are_written_and_stable(db: Path, tmp_path: Path) -> None:
    text = FILE.replace(
        "      - {id: claude-x, endpoint_type: anthropic}\n",
        "      - {id: claude-x, endpoint_type: anthropic}\n"
        "      - {id: painter, endpoint_type: image-generation}\n"
        "      - {id: ranker, endpoint_type: jina-rerank, capabilities: [rerank]}\n",
    )
    providers = load(write_file(tmp_path, text))
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    caps = {
        r["model_id"]: json.loads(r["capabilities"])
        for r in rows(
            db, "SELECT model_id, capabilities FROM user_model WHERE provider_id = ?", "newrelay"
        )
    }
    assert caps == {
        "gpt-4o": [],
        "claude-x": [],
        "painter": ["image-generation"],
        "ranker": ["rerank"],
    }
    endpoints = {
        r["model_id"]: json.loads(r["endpoint_types"])
        for r in rows(
            db, "SELECT model_id, endpoint_types FROM user_model WHERE provider_id = ?", "newrelay"
        )
    }
    (row,) = rows(db, "SELECT endpoint_configs FROM user_provider WHERE provider_id = 'newrelay'")
    configs = json.loads(row["endpoint_configs"])
    assert all(e[0] in configs for e in endpoints.values())
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty
