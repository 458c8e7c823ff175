"""The pure app model: providers-file entries to v2 rows and back."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from cherrysync.model import PROVIDER_TYPES, ModelSpec
from cherrysync.secrets import Secret
from cherrysync.targets.v2.rows import (
    app_provider,
    desired_model,
    desired_provider,
    dropped_capabilities,
    is_builtin_row,
    provider_fields,
)
from cherrysync.targets.v2.vocab import MODEL_ENDPOINT
from v2fixtures import FILE, load, write_file


def test_new_key_ids_are_random_and_never_derived_from_the_key(tmp_path: Path) -> None:
    (acme, *_) = load(write_file(tmp_path))
    first = desired_provider(acme, None)["api_keys"]
    again = desired_provider(acme, None)["api_keys"]
    assert [e["key"] for e in first] == [e["key"] for e in again]
    assert {e["id"] for e in first}.isdisjoint(e["id"] for e in again)
    assert all(uuid.UUID(e["id"]).version == 4 for e in first)


def test_existing_key_entries_keep_id_and_label(tmp_path: Path) -> None:
    (acme, *_) = load(write_file(tmp_path))
    existing = {
        "api_keys": [
            {"id": "old", "key": "sk-acme-first-0123456789", "label": "L", "isEnabled": False},
            {"id": "gone", "key": "sk-removed", "isEnabled": True},
        ]
    }
    keys = desired_provider(acme, existing)["api_keys"]
    assert keys[0] == {
        "id": "old",
        "key": "sk-acme-first-0123456789",
        "label": "L",
        "isEnabled": True,
    }
    assert [k["key"] for k in keys] == ["sk-acme-first-0123456789", "sk-acme-second-0123456789"]


def test_unmanaged_settings_auth_and_dialect_survive(tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    azure = next(p for p in providers if p.id == "azure-eu")
    existing = {
        "auth_config": {"type": "iam-azure", "apiVersion": "old", "deploymentId": "d"},
        "provider_settings": {"apiVersion": "old", "timeout": 30, "notes": "stale"},
        "endpoint_configs": {
            "openai-chat-completions": {"baseUrl": "x", "dialect": {"developerRole": True}},
            "openai-responses": {"baseUrl": "y"},
        },
    }
    row = desired_provider(azure, existing)
    assert row["auth_config"] == {
        "type": "iam-azure",
        "apiVersion": "2024-10-21",
        "deploymentId": "d",
    }
    assert row["provider_settings"] == {"apiVersion": "2024-10-21", "timeout": 30}
    assert row["endpoint_configs"] == {
        "openai-chat-completions": {
            "baseUrl": "https://contoso.openai.azure.com",
            "dialect": {"developerRole": True},
        }
    }


def test_plan_fields_hold_secrets_not_plain_keys(tmp_path: Path) -> None:
    (acme, *_) = load(write_file(tmp_path))
    fields = provider_fields(desired_provider(acme, None))
    assert fields["api_keys"] == [
        Secret("sk-acme-first-0123456789"),
        Secret("sk-acme-second-0123456789"),
    ]
    assert "0123456789" not in repr(fields)


def test_model_rows_derive_group_per_provider() -> None:
    assert desired_model("acme", ModelSpec(id="Qwen/Qwen3-32b"))["group"] == "qwen"
    assert desired_model("silicon-x", ModelSpec(id="deepseek-r1"))["group"] == "deepseek-r1"
    row = desired_model("acme", ModelSpec(id="m", capabilities=["vision", "vision"]))
    assert row["capabilities"] == ["image-recognition"]


def test_rows_the_file_cannot_express_are_not_imported() -> None:
    preset = {"provider_id": "openai", "preset_provider_id": "openai", "name": "OpenAI"}
    bedrock = {"provider_id": "u1", "preset_provider_id": "aws-bedrock", "name": "B"}
    assert is_builtin_row(preset)
    assert app_provider(preset, []) is None
    assert app_provider(bedrock, []) is None
    gemini = {
        "provider_id": "u2",
        "name": "G",
        "endpoint_configs": {"google-generate-content": {"baseUrl": "https://g"}},
        "default_chat_endpoint": None,
        "is_enabled": 0,
    }
    imported = app_provider(gemini, [{"model_id": "gemini-pro", "name": None}])
    assert imported is not None
    assert (imported.type, imported.base_url, imported.enabled) == ("gemini", "https://g", False)
    assert imported.models == [ModelSpec(id="gemini-pro")]


def test_azure_responses_api_versions_default_to_responses(tmp_path: Path) -> None:
    text = FILE.replace('api_version: "2024-10-21"', "api_version: v1")
    azure = next(p for p in load(write_file(tmp_path, text)) if p.id == "azure-eu")
    row = desired_provider(azure, None)
    url = {"baseUrl": "https://contoso.openai.azure.com"}
    assert row["endpoint_configs"] == {"openai-chat-completions": url, "openai-responses": url}
    assert row["default_chat_endpoint"] == "openai-responses"
    assert row["auth_config"] == {"type": "iam-azure", "apiVersion": "v1"}
    full = {"provider_id": "azure-eu", **row}
    imported = app_provider(full, [])
    assert imported is not None
    assert (imported.type, imported.base_url, imported.api_version) == (
        "azure-openai",
        "https://contoso.openai.azure.com",
        "v1",
    )


def _one_provider(ptype: str, extra: str = "") -> str:
    """One provider of ``ptype`` with a model per endpoint type (and, but for new-api, none)."""
    models = [f"      - {{id: m-{e}, endpoint_type: {e}}}" for e in sorted(MODEL_ENDPOINT)]
    if ptype != "new-api":
        models.append("      - plain")
    return (
        "version: 1\nproviders:\n"
        f"  - name: P\n    id: p\n    type: {ptype}\n    base_url: https://relay.example/\n"
        f"{extra}    models:\n" + "\n".join(models) + "\n"
    )


@pytest.mark.parametrize("ptype", PROVIDER_TYPES)
def test_every_endpoint_a_model_names_has_a_config(tmp_path: Path, ptype: str) -> None:
    """The app sends a model through its first endpoint type; that endpoint needs a base URL."""
    extra = '    api_version: "2024-10-21"\n' if ptype == "azure-openai" else ""
    (rp,) = load(write_file(tmp_path, _one_provider(ptype, extra)))
    row = desired_provider(rp, None)
    configs = row["endpoint_configs"]
    chat = row["default_chat_endpoint"] or "openai-chat-completions"  # azure: preset default
    for spec in rp.models:
        endpoints = desired_model(rp.id, spec)["endpoint_types"] or [chat]
        assert configs[endpoints[0]] == {"baseUrl": "https://relay.example/"}, spec.id
    assert all("adapterFamily" not in c for c in configs.values())


def test_new_api_is_written_as_the_app_writes_it(tmp_path: Path) -> None:
    (rp,) = load(write_file(tmp_path, _one_provider("new-api")))
    row = desired_provider(rp, None)
    assert row["preset_provider_id"] == "new-api"
    assert row["default_chat_endpoint"] == "openai-chat-completions"
    assert list(row["endpoint_configs"])[:4] == [
        "openai-chat-completions",
        "openai-responses",
        "anthropic-messages",
        "google-generate-content",
    ]
    imported = app_provider({"provider_id": "p", **row}, [])
    assert imported is not None
    assert (imported.type, imported.base_url) == ("new-api", "https://relay.example/")


def test_web_search_is_not_a_2x_capability() -> None:
    spec = ModelSpec(id="m", capabilities=["web_search", "vision"])
    assert desired_model("acme", spec)["capabilities"] == ["image-recognition"]
    assert dropped_capabilities(spec) == ["web_search"]
    assert dropped_capabilities(ModelSpec(id="m", capabilities=["vision"])) == []


@pytest.mark.parametrize(
    ("endpoint_type", "caps", "expected"),
    [
        ("image-generation", None, ["image-generation"]),
        ("jina-rerank", None, ["rerank"]),
        ("jina-rerank", ["rerank", "vision"], ["rerank", "image-recognition"]),
        ("openai", ["vision"], ["image-recognition"]),
    ],
)
def test_endpoint_types_imply_what_the_app_implies(
    endpoint_type: Any, caps: Any, expected: list[str]
) -> None:
    spec = ModelSpec(id="m", capabilities=caps, endpoint_type=endpoint_type)
    row = desired_model("acme", spec)
    assert row["capabilities"] == expected
    # import leaves out what apply adds, so import(apply(file)) is the file again
    back = app_provider(
        {"provider_id": "acme", "name": "A", "default_chat_endpoint": "openai-chat-completions"},
        [{"model_id": "m", **row}],
    )
    assert back is not None and back.models == [spec]
