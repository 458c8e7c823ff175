"""Capabilities from the endpoint: ``capability-mismatch`` warnings, metadata requests counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from check_support import provider, run_json, write_providers
from emulators import (
    AnthropicEmulator,
    GeminiEmulator,
    LiteLLMEmulator,
    LlamaCppEmulator,
    LMStudioEmulator,
    OllamaEmulator,
    OpenAIEmulator,
    OpenRouterEmulator,
    RelayEmulator,
    Reply,
    SiliconFlowEmulator,
    Token,
)

KEY, KEY2 = "sk-capabilities-0123456789", "sk-capabilities-second-0123"


def by_model(report: dict[str, Any], key: int = 0) -> dict[str, dict[str, Any]]:
    """Model results of the ``key``-th key, by model ID."""
    rows: dict[str, dict[str, Any]] = {}
    seen = -1
    for row in report["results"]:
        if row["model"] is None:
            seen += 1
        elif seen == key:
            rows[row["model"]] = row
    return rows


def mismatches(report: dict[str, Any], key: int = 0) -> dict[str, str]:
    """The capability-mismatch text per model of one key."""
    found = {}
    for model, row in by_model(report, key).items():
        for warning in row.get("warnings", []):
            if warning["rule"] == "capability-mismatch":
                found[model] = warning["message"]
    return found


def run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    entries: list[dict[str, Any]],
    keys: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    path = write_providers(tmp_path, entries, monkeypatch, keys if keys is not None else {})
    code, report, _ = run_json(capsys, path)
    return code, report


def test_ollama_tags_report_capabilities_and_mismatches_only_warn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    caps = {"llava:7b": ["completion", "vision"], "qwen3:8b": ["completion", "tools", "thinking"]}
    models = ["llava:7b", "qwen3:8b", "nomic-embed-text:latest"]
    with OllamaEmulator(models, capabilities=caps) as emu:
        files_models: list[Any] = [
            {"id": "llava:7b", "capabilities": ["vision", "function_calling"]},
            {"id": "qwen3:8b", "capabilities": ["function_calling", "reasoning"]},
            "nomic-embed-text",
        ]
        code, report = run(
            tmp_path, monkeypatch, capsys, [provider("ol", "ollama", emu.url, files_models)]
        )
        assert emu.count("/api/show") == 0  # the tags already said it
        assert emu.generation_requests() == 0
    assert code == 0  # a warning, never a failure
    assert mismatches(report) == {
        "llava:7b": "the file declares function_calling, which the endpoint says it lacks",
        "nomic-embed-text": "the endpoint reports embedding, which the file omits",
    }
    rows = by_model(report)
    assert rows["llava:7b"]["status"] == "ok" and rows["llava:7b"]["level"] == "warn"
    assert rows["qwen3:8b"]["level"] == "pass"
    assert report["summary"]["warnings"] == 2


def test_old_ollama_builds_are_asked_per_model_once_not_per_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    models = ["llama3.2:latest", "nomic-embed-text:latest", "unused:1b"]
    with OllamaEmulator(models, old_build=True) as emu:
        entry = provider("ol", "ollama", emu.url, ["llama3.2", "nomic-embed-text"], "A", "B")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"A": KEY, "B": KEY2})
        assert emu.count("/api/show") == 2  # one per configured, listed model; first key only
    assert code == 0
    assert mismatches(report, 0) == {
        "nomic-embed-text": "the endpoint reports embedding, which the file omits"
    }
    assert mismatches(report, 1) == {}


def test_ollama_behind_its_openai_route_is_asked_at_its_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OllamaEmulator(["nomic-embed-text:latest", "llama3.2:latest"]) as emu:
        entry = provider("ol", "openai", emu.url + "/v1", ["nomic-embed-text", "llama3.2"])
        code, report = run(tmp_path, monkeypatch, capsys, [entry])
        assert emu.count("^/api/show$") == 2  # /v1/models says nothing about capabilities
    assert code == 0
    assert mismatches(report) == {
        "nomic-embed-text": "the endpoint reports embedding, which the file omits"
    }


def test_metadata_that_says_nothing_or_fails_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        OllamaEmulator(["nomic-embed-text:latest"], old_build=True, show_capabilities=False) as old,
        OllamaEmulator(["nomic-embed-text:latest"], old_build=True) as broken,
    ):
        broken.inject("^/api/show$", Reply(500, {"error": "boom"}), times=1)
        broken.inject("^/api/show$", Reply(200, "[" * 100_000 + "]" * 100_000, raw=True))
        entries = [
            provider("old", "ollama", old.url, ["nomic-embed-text"]),
            provider("broken", "ollama", broken.url, ["nomic-embed-text"]),
            provider("nested", "ollama", broken.url, ["nomic-embed-text"]),
        ]
        code, report = run(tmp_path, monkeypatch, capsys, entries)
    assert code == 0 and report["summary"]["warnings"] == 0


def test_openrouter_listing_and_its_hidden_embedding_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenRouterEmulator({KEY: {}}) as emu:
        models: list[Any] = [
            "vendor/model-x",
            {"id": "vendor/plain", "capabilities": ["function_calling"]},
            {"id": "vendor/embed-1", "capabilities": ["embedding"]},
        ]
        entry = provider("or", "openai", emu.url + "/api/v1", models, "K")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"K": KEY})
        assert emu.count("^/api/v1/models$") == 2  # default list, then output_modalities=all
    assert code == 0
    assert [r["status"] for r in by_model(report).values()] == ["ok", "ok", "ok"]
    assert mismatches(report) == {
        "vendor/model-x": "the endpoint reports vision, reasoning, function_calling, "
        "which the file omits",
        "vendor/plain": "the file declares function_calling, which the endpoint says it lacks",
    }


def test_anthropic_records_with_and_without_capabilities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    caps = {"image_input": {"supported": True}, "thinking": {"supported": False}}
    models = ["claude-new", "claude-old"]
    with AnthropicEmulator([KEY], models, capabilities={"claude-new": caps}) as emu:
        files: list[Any] = [{"id": "claude-new", "capabilities": ["reasoning"]}, "claude-old"]
        entry = provider("an", "anthropic", emu.url, files, "K")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"K": KEY})
    assert code == 0
    assert mismatches(report) == {
        "claude-new": "the endpoint reports vision, which the file omits; "
        "the file declares reasoning, which the endpoint says it lacks"
    }


def test_gemini_embedding_models_and_thinking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    models = ["gemini-2.5-flash", "text-embedding-004"]
    with GeminiEmulator([KEY], models, thinking={"gemini-2.5-flash": True}) as emu:
        entry = provider("ge", "gemini", emu.url, models, "K")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"K": KEY})
    assert code == 0
    assert mismatches(report) == {
        "gemini-2.5-flash": "the endpoint reports reasoning, which the file omits",
        "text-embedding-004": "the endpoint reports embedding, which the file omits",
    }


def test_litellm_model_info_once_per_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    info = {
        "my-gpt": {"mode": "chat", "supports_vision": True, "supports_function_calling": None},
        "my-embed": {"mode": "embedding", "max_input_tokens": 8191},
    }
    with LiteLLMEmulator(KEY, list(info), model_info=info) as emu:
        entry = provider("lite", "openai", emu.url, ["my-gpt", "my-embed"], "A", "B")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"A": KEY, "B": KEY})
        assert emu.count("^/model/info$") == 1 and emu.count("^/health$") == 0
    assert code == 0
    assert mismatches(report) == {
        "my-gpt": "the endpoint reports vision, which the file omits",
        "my-embed": "the endpoint reports embedding, which the file omits",
    }


@pytest.mark.parametrize(
    ("version", "native"),
    [
        ("v1", {"type": "llm", "capabilities": {"vision": True, "trained_for_tool_use": False}}),
        ("v0", {"type": "vlm", "capabilities": []}),
    ],
)
def test_lmstudio_native_lists(
    version: str,
    native: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LMStudioEmulator(["qwen-vl"], native={"qwen-vl": native}, native_version=version) as emu:
        models: list[Any] = [{"id": "qwen-vl", "capabilities": ["function_calling"]}]
        code, report = run(
            tmp_path, monkeypatch, capsys, [provider("lm", "openai", emu.url, models)]
        )
    assert code == 0
    assert mismatches(report) == {
        "qwen-vl": "the endpoint reports vision, which the file omits; "
        "the file declares function_calling, which the endpoint says it lacks"
    }


def test_llamacpp_props_behind_the_key_are_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    props = {"modalities": {"vision": True}, "chat_template_caps": {"supports_tool_calls": True}}
    with LlamaCppEmulator("my-alias", keys=[KEY], props=props) as emu:
        entry = provider("llama", "openai", emu.url, ["my-alias"], "K")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"K": KEY})
        assert emu.count("^/props$") == 1  # the key proof's reply is reused
    assert code == 0
    assert mismatches(report) == {
        "my-alias": "the endpoint reports vision, function_calling, which the file omits"
    }


def test_new_api_endpoint_types_reveal_embedding_and_rerank_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kinds = {"gpt-4o": ["openai"], "bge-m3": ["embeddings"], "bge-reranker": ["jina-rerank"]}
    with RelayEmulator({"tok-0123456789": Token()}, kinds) as emu:
        models = [{"id": m, "endpoint_type": "openai"} for m in kinds]
        models[2]["capabilities"] = ["embedding"]
        entry = provider("relay", "new-api", emu.url, models, "K")
        code, report = run(tmp_path, monkeypatch, capsys, [entry], {"K": "sk-tok-0123456789"})
    assert code == 0
    assert mismatches(report) == {
        "bge-m3": "the endpoint reports embedding, which the file omits",
        "bge-reranker": "the endpoint reports rerank, which the file omits; "
        "the file declares embedding, which the endpoint says it lacks",
    }


def test_mistral_capability_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    card = {
        "id": "pixtral-large",
        "object": "model",
        "created": 1,
        "owned_by": "mistralai",
        "max_context_length": 131072,
        "type": "base",
        "capabilities": {
            "completion_chat": True,
            "function_calling": True,
            "reasoning": False,
            "vision": True,
        },
    }
    with OpenAIEmulator([KEY], ["pixtral-large"]) as emu:
        emu.inject("^/v1/models$", Reply(body={"object": "list", "data": [card]}))
        models: list[Any] = [
            {"id": "pixtral-large", "capabilities": ["vision", "function_calling"]}
        ]
        code, report = run(
            tmp_path,
            monkeypatch,
            capsys,
            [provider("mi", "openai", emu.url, models, "K")],
            {"K": KEY},
        )
    assert code == 0 and mismatches(report) == {}


def test_siliconflow_kinds_come_from_two_filtered_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The official host is recognised; here the dialect's host check is bypassed by the
    emulator's loopback address, so the kinds are read through the metadata helper."""
    import asyncio

    from cherrysync.check.dialects.metadata import siliconflow_kinds
    from cherrysync.check.runner import Connections
    from cherrysync.check.settings import Settings
    from cherrysync.resolve import resolve_providers
    from cherrysync.secrets import Secret
    from cherrysync.validate.pipeline import validate_text

    kinds = {"Qwen/Qwen3-8B": "chat", "BAAI/bge-m3": "embedding", "BAAI/bge-reranker": "reranker"}
    with SiliconFlowEmulator({KEY: "1"}, kinds) as emu:
        entry = {"name": "sf", "type": "openai", "base_url": emu.url}
        validated = validate_text(json.dumps({"version": 1, "providers": [entry]}), "p.yaml")
        assert validated.model is not None
        (resolved,), _ = resolve_providers(validated.model, {})

        async def read() -> dict[str, Any]:
            connections = Connections(Settings(timeout=2, retries=0))
            try:
                dialect = connections.dialect(resolved)
                return await siliconflow_kinds(
                    dialect, dialect.endpoint.base, Secret(KEY), list(kinds)
                )
            finally:
                await connections.aclose()

        found = asyncio.run(read())
        assert emu.count("/v1/models") == 2
    assert {m: sorted(i.capabilities) for m, i in found.items()} == {
        "Qwen/Qwen3-8B": [],
        "BAAI/bge-m3": ["embedding"],
        "BAAI/bge-reranker": ["rerank"],
    }
