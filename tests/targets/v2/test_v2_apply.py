"""Apply into real 2.0.x and 2.1.x databases: rows per type, nothing else touched, idempotence."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path

import pytest

from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import check_invariants, execute, rows, snapshot, unmanaged
from v2fixtures import FILE, IDS, MANAGED, USER_PROVIDER_ID, build_data_folder, load, write_file


@pytest.fixture(params=["2.0", "2.1"])
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_data_folder(tmp_path / "CherryStudio", request.param)


def _provider(db: Path, pid: str) -> dict[str, object]:
    (row,) = rows(db, "SELECT * FROM user_provider WHERE provider_id = ?", pid)
    for col in ("endpoint_configs", "api_keys", "auth_config", "provider_settings"):
        if row[col] is not None:
            row[col] = json.loads(str(row[col]))
    return row


def test_first_apply_writes_every_type_and_leaves_the_rest_identical(
    db: Path, tmp_path: Path
) -> None:
    before = snapshot(db)
    result = DatabaseTarget.locate(str(db.parent.parent)).apply(
        load(write_file(tmp_path)), prune=False
    )
    assert result.transactions == 1
    assert result.backup_path is not None and result.backup_path.parent == db.parent
    assert snapshot(result.backup_path) == before
    check_invariants(db)
    after = snapshot(db)
    assert unmanaged(after, MANAGED) == unmanaged(before, MANAGED)

    acme = _provider(db, "acme")
    assert acme["preset_provider_id"] is None
    assert acme["endpoint_configs"] == {
        "openai-chat-completions": {"baseUrl": "https://relay.acme.example/v1"}
    }
    assert acme["default_chat_endpoint"] == "openai-chat-completions"
    assert acme["auth_config"] == {"type": "api-key"}
    keys = acme["api_keys"]
    assert isinstance(keys, list)
    assert [{k: v for k, v in e.items() if k != "id"} for e in keys] == [
        {"key": k, "isEnabled": True}
        for k in ("sk-acme-first-0123456789", "sk-acme-second-0123456789")
    ]
    # random v4 ids, as the app's own form gives them: nothing derived from the key
    assert [uuid.UUID(e["id"]).version for e in keys] == [4, 4]
    assert acme["provider_settings"] == {
        "extraHeaders": {"X-Team": "team-token-0123456789"},
        "notes": "Team relay",
    }
    assert acme["is_enabled"] == 1 and acme["logo_key"] is None
    assert acme["created_at"] == acme["updated_at"]

    azure = _provider(db, "azure-eu")
    assert azure["preset_provider_id"] == "azure-openai"
    assert azure["default_chat_endpoint"] is None
    assert azure["auth_config"] == {"type": "iam-azure", "apiVersion": "2024-10-21"}
    assert azure["provider_settings"] == {"apiVersion": "2024-10-21"}
    assert azure["endpoint_configs"] == {
        "openai-chat-completions": {"baseUrl": "https://contoso.openai.azure.com"}
    }
    ollama = _provider(db, "local-ollama")
    assert ollama["preset_provider_id"] == "ollama"
    assert ollama["default_chat_endpoint"] == "ollama-chat"
    assert ollama["api_keys"] == [] and ollama["provider_settings"] is None
    newapi = _provider(db, "newrelay")
    # as the app's own editor writes a new-api provider: the preset, the URL on four endpoints
    assert newapi["preset_provider_id"] == "new-api"
    url = {"baseUrl": "https://newapi.example"}
    assert newapi["endpoint_configs"] == {
        "openai-chat-completions": url,
        "openai-responses": url,
        "anthropic-messages": url,
        "google-generate-content": url,
    }
    assert newapi["default_chat_endpoint"] == "openai-chat-completions"
    assert _provider(db, "resp")["default_chat_endpoint"] == "openai-responses"
    assert _provider(db, "claude")["endpoint_configs"] == {
        "anthropic-messages": {"baseUrl": "https://api.anthropic.com"}
    }
    assert _provider(db, "gem")["default_chat_endpoint"] == "google-generate-content"
    assert _provider(db, "off")["is_enabled"] == 0

    # new providers come after the last existing key, in file order
    order = [r["provider_id"] for r in rows(db, "SELECT * FROM user_provider ORDER BY order_key")]
    assert order[:5] == ["openai", "anthropic", "azure-openai", "ollama", USER_PROVIDER_ID]
    assert order[5:] == IDS

    models = {r["id"]: r for r in rows(db, "SELECT * FROM user_model WHERE provider_id = 'acme'")}
    chat2 = models["acme::chat-2"]
    assert chat2["name"] == "Chat Two" and chat2["group"] == "chat"
    assert chat2["description"] == "second model"
    # web_search has no 2.x capability (the app would reject the row on its next edit)
    assert json.loads(chat2["capabilities"]) == [
        "image-recognition",
        "function-call",
        "reasoning",
        "rerank",
    ]
    plain = models["acme::gpt-4o"]
    assert (plain["name"], plain["group"], plain["capabilities"]) == ("gpt-4o", "gpt-4o", "[]")
    assert plain["preset_model_id"] is None and plain["supports_streaming"] == 1
    assert (plain["is_enabled"], plain["is_hidden"], plain["endpoint_types"]) == (1, 0, None)
    assert [
        models[m]["order_key"] for m in ("acme::gpt-4o", "acme::text-embed", "acme::chat-2")
    ] == [
        "a0",
        "a1",
        "a2",
    ]
    if "input_modalities_explicit" in plain:
        assert plain["input_modalities_explicit"] == 0
    (claude_x,) = rows(db, "SELECT endpoint_types FROM user_model WHERE id = 'newrelay::claude-x'")
    assert json.loads(claude_x["endpoint_types"]) == ["anthropic-messages"]


def test_reapply_is_a_no_op(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    assert target.plan(providers, prune=False).empty
    again = target.apply(providers, prune=False)
    assert again.plan.empty and again.transactions == 0 and again.backup_path is None
    assert snapshot(db) == before
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=True).changes != []  # user's own


def test_update_keeps_order_created_at_key_ids_and_app_owned_state(
    db: Path, tmp_path: Path
) -> None:
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    # what the user changed in the app afterwards: a key label, a rate limit, a dialect, a logo
    acme = _provider(db, "acme")
    keys = acme["api_keys"]
    assert isinstance(keys, list)
    keys[0]["label"] = "primary"
    settings = {**acme["provider_settings"], "rateLimit": 5}  # type: ignore[dict-item]
    configs = {
        "openai-chat-completions": {
            "baseUrl": "https://relay.acme.example/v1",
            "dialect": {"streamOptions": False},
        }
    }
    execute(
        db,
        "UPDATE user_provider SET api_keys = ?, provider_settings = ?, endpoint_configs = ?, "
        "logo_key = 'icon:openai' WHERE provider_id = 'acme'",
        json.dumps(keys),
        json.dumps(settings),
        json.dumps(configs),
    )
    execute(db, "UPDATE user_model SET is_hidden = 1 WHERE id = 'acme::gpt-4o'")
    first = _provider(db, "acme")
    before = snapshot(db)
    changed = (
        FILE.replace("name: ACME Relay", "name: ACME Relay 2")
        .replace('["${ACME_KEY}", "${ACME_KEY_2}"]', '["${ACME_KEY}", "sk-new-key-0123456789"]')
        .replace("notes: Team relay", "notes: Moved")
        .replace("      - gpt-4o\n", "      - gpt-4o\n      - gpt-5\n", 1)
    )
    target = DatabaseTarget.locate(str(db))
    providers = load(write_file(tmp_path, changed))
    plan = target.plan(providers, prune=False)
    summary = {(c.action, c.kind, c.provider, c.model): c.fields for c in plan.changes}
    assert summary == {
        ("change", "provider", "acme", None): ("name", "api_keys", "provider_settings"),
        ("add", "model", "acme", "gpt-5"): (
            "name",
            "group",
            "description",
            "capabilities",
            "endpoint_types",
        ),
    }
    target.apply(providers, prune=False)
    check_invariants(db)
    acme = _provider(db, "acme")
    assert acme["name"] == "ACME Relay 2"
    assert (acme["order_key"], acme["created_at"]) == (first["order_key"], first["created_at"])
    assert acme["logo_key"] == "icon:openai" and acme["endpoint_configs"] == configs
    assert acme["api_keys"] == [
        {
            "id": keys[0]["id"],
            "key": "sk-acme-first-0123456789",
            "label": "primary",
            "isEnabled": True,
        },
        {
            "id": acme["api_keys"][1]["id"],  # type: ignore[index]
            "key": "sk-new-key-0123456789",
            "isEnabled": True,
        },
    ]
    assert acme["api_keys"][1]["id"] not in {k["id"] for k in keys}  # type: ignore[index]
    assert acme["provider_settings"] == {
        "extraHeaders": {"X-Team": "team-token-0123456789"},
        "notes": "Moved",
        "rateLimit": 5,
    }
    after = snapshot(db)
    assert unmanaged(after, {"acme"}) == unmanaged(before, {"acme"})
    assert {k: v for k, v in after["user_model"].items() if k != "acme::gpt-5"} == {
        k: v for k, v in before["user_model"].items()
    }
    (gpt5,) = rows(db, "SELECT order_key FROM user_model WHERE id = 'acme::gpt-5'")
    assert gpt5["order_key"] == "a3"
    (hidden,) = rows(db, "SELECT is_hidden FROM user_model WHERE id = 'acme::gpt-4o'")
    assert hidden["is_hidden"] == 1
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty


def _without_text_embed_and_gem() -> str:
    text = FILE.replace("      - id: text-embed\n        capabilities: [embedding]\n", "")
    start = text.index("  - name: Gem\n")
    end = text.index("  - name: Azure EU\n")
    return text[:start] + text[end:]


def test_models_and_providers_go_only_with_prune(db: Path, tmp_path: Path) -> None:
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    execute(
        db,
        "INSERT INTO pin (id, entity_type, entity_id, order_key, created_at, updated_at) "
        "VALUES ('pin-x', 'model', 'acme::text-embed', 'a2', 1, 1)",
    )
    execute(db, "INSERT INTO assistant VALUES ('as-3', 'Embedder', 'acme::text-embed', 1, 1)")
    providers = load(write_file(tmp_path, _without_text_embed_and_gem()))
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty

    before = snapshot(db)
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=True)
    removed = {(c.kind, c.provider, c.model) for c in plan.changes if c.action == "remove"}
    assert removed == {
        ("model", "acme", "text-embed"),
        ("provider", "gem", None),
        ("model", "gem", "gemini-2.5-flash"),
        ("provider", USER_PROVIDER_ID, None),
        ("model", USER_PROVIDER_ID, "my-model"),
        ("model", USER_PROVIDER_ID, "my-embed"),
    }
    assert all(c.action == "remove" for c in plan.changes)
    assert any("assistant 'Embedder'" in n for n in plan.notes)
    DatabaseTarget.locate(str(db)).apply(providers, prune=True)
    check_invariants(db)
    after = snapshot(db)
    # presets are never deleted; the pins of removed models went in the same transaction
    assert {"openai", "anthropic", "azure-openai", "ollama"} <= set(after["user_provider"])
    assert set(before["pin"]) - set(after["pin"]) == {"pin-x", "pin-1"}
    assert after["assistant"]["as-3"][2] == "NULL" and after["assistant"]["as-2"][2] == "NULL"
    assert after["knowledge_base"] == before["knowledge_base"]
    assert after["preference"] == before["preference"]
    gone = {"acme::text-embed", "gem::gemini-2.5-flash"}
    assert not gone & set(after["user_model"])


def test_prune_refuses_models_a_knowledge_base_or_default_uses(db: Path, tmp_path: Path) -> None:
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    execute(
        db,
        "INSERT INTO knowledge_base VALUES ('kb-2', 'Team docs', 'acme::text-embed', NULL, 1, 1)",
    )
    execute(
        db,
        "UPDATE preference SET value = ? WHERE \"key\" = 'chat.default_model_id'",
        json.dumps("gem::gemini-2.5-flash"),
    )
    before = snapshot(db)
    providers = load(write_file(tmp_path, _without_text_embed_and_gem()))
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(providers, prune=True)
    assert any("Team docs" in b and "acme::text-embed" in b for b in plan.blockers)
    assert any("chat.default_model_id" in b and "gem::gemini-2.5-flash" in b for b in plan.blockers)
    with pytest.raises(TargetError, match="Team docs"):
        target.apply(providers, prune=True)
    assert snapshot(db) == before


def test_import_reads_back_what_apply_wrote(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    target = DatabaseTarget.locate(str(db))
    target.apply(providers, prune=False)
    check_invariants(db)
    imported = {p.id: p for p in target.read_custom_providers()}
    assert set(imported) == MANAGED | {USER_PROVIDER_ID}
    for rp in providers:
        app = imported[rp.id]
        spec = rp.spec
        assert (app.name, app.type, app.enabled) == (spec.name, spec.type, spec.enabled)
        assert app.base_url == spec.effective_base_url
        assert app.api_keys == list(rp.api_keys)
        assert app.api_version == spec.api_version
        assert app.headers == {k: v.reveal() for k, v in rp.headers.items()}
        assert app.notes == spec.notes
        assert app.models == [
            dataclasses.replace(m, capabilities=[c for c in m.capabilities if c != "web_search"])
            if m.capabilities
            else m
            for m in spec.model_specs
        ]
    mine = imported[USER_PROVIDER_ID]
    assert (mine.type, mine.base_url, mine.name) == ("openai", "https://relay.mine/v1", "My Relay")


def test_an_invalid_last_order_key_blocks_appending(db: Path, tmp_path: Path) -> None:
    execute(db, "UPDATE user_provider SET order_key = 'zz' WHERE provider_id = 'ollama'")
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(load(write_file(tmp_path)), prune=False)
    assert any("'zz'" in b and "start Cherry Studio once" in b for b in plan.blockers)
    with pytest.raises(TargetError, match="invalid"):
        target.apply(load(write_file(tmp_path)), prune=False)
    assert snapshot(db) == before


def test_appending_past_the_largest_integer_key_takes_a_fraction(db: Path, tmp_path: Path) -> None:
    largest = "z" * 27  # the app's fractional-indexing adds a fraction here, and so do we
    execute(db, "UPDATE user_provider SET order_key = ? WHERE provider_id = 'ollama'", largest)
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    check_invariants(db)
    added = [
        str(r["order_key"])
        for r in rows(db, "SELECT order_key FROM user_provider WHERE order_key > ?", largest)
    ]
    assert len(added) == len(MANAGED)
    assert sorted(added)[:2] == [largest + "V", largest + "l"]


def test_a_preset_row_is_never_managed(db: Path, tmp_path: Path) -> None:
    # a registry provider newer than cherrysync's list of built-in ids
    execute(
        db,
        "INSERT INTO user_provider (provider_id, preset_provider_id, name, is_enabled, order_key,"
        " created_at, updated_at) VALUES ('acme', 'acme', 'ACME preset', 0, 'a5', 1, 1)",
    )
    providers = load(write_file(tmp_path))
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=True)
    assert any("'acme' is a built-in (preset) provider" in b for b in plan.blockers)
    assert not any(c.provider == "acme" for c in plan.changes)
