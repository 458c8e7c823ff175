"""Providers files for the v2 tests; the databases come from :mod:`cherrysync.samples.v2db`."""

from __future__ import annotations

from pathlib import Path

from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.samples.v2db import (  # noqa: F401 - re-exported for the tests
    MIGRATIONS_20,
    MIGRATIONS_21,
    T0,
    USER_PROVIDER_ID,
    build_data_folder,
    build_database,
    empty_database,
    insert,
    model,
    provider,
    schema_sql,
)
from cherrysync.validate.pipeline import ValidationOptions, validate_path

# ----------------------------------------------------------------------------- providers files

ENV = {
    "ACME_KEY": "sk-acme-first-0123456789",
    "ACME_KEY_2": "sk-acme-second-0123456789",
    "TEAM_TOKEN": "team-token-0123456789",
    "ANT_KEY": "sk-ant-0123456789abcdef",
    "GEM_KEY": "gm-0123456789abcdefgh",
    "AZ_KEY": "az-0123456789abcdefgh",
    "RELAY_KEY": "sk-relay-0123456789abc",
}

#: Every provider type; its ids (:data:`IDS`) are what the tests treat as managed.
FILE = """\
version: 1
providers:
  - name: ACME Relay
    id: acme
    type: openai
    base_url: https://relay.acme.example/v1
    api_key: ["${ACME_KEY}", "${ACME_KEY_2}"]
    headers: {X-Team: "${TEAM_TOKEN}"}
    notes: Team relay
    models:
      - gpt-4o
      - id: text-embed
        capabilities: [embedding]
      - id: chat-2
        name: Chat Two
        group: chat
        capabilities: [vision, function_calling, web_search, reasoning, rerank]
        description: second model
  - name: Responses
    id: resp
    type: openai-response
    api_key: ${ACME_KEY}
    models: [o4-mini]
  - name: Claude
    id: claude
    type: anthropic
    api_key: ${ANT_KEY}
    models: [claude-sonnet-4-5]
  - name: Gem
    id: gem
    type: gemini
    api_key: ${GEM_KEY}
    models: [gemini-2.5-flash]
  - name: Azure EU
    id: azure-eu
    type: azure-openai
    base_url: https://contoso.openai.azure.com
    api_key: ${AZ_KEY}
    api_version: "2024-10-21"
    models: [{id: gpt-4o-prod, name: GPT-4o EU}]
  - name: Local Ollama
    id: local-ollama
    type: ollama
    base_url: http://localhost:11434
    models: ["llama3.2:3b"]
  - name: New Relay
    id: newrelay
    type: new-api
    base_url: https://newapi.example
    api_key: ${RELAY_KEY}
    models:
      - {id: gpt-4o, endpoint_type: openai}
      - {id: claude-x, endpoint_type: anthropic}
  - name: Off
    id: off
    type: openai
    base_url: http://localhost:8000/
    enabled: false
    models: [gpt2]
"""
#: The providers' ids in file order, the order apply adds them in.
IDS = ["acme", "resp", "claude", "gem", "azure-eu", "local-ollama", "newrelay", "off"]
MANAGED = set(IDS)


def write_file(folder: Path, text: str = FILE, name: str = "providers.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, env: dict[str, str] | None = None) -> list[ResolvedProvider]:
    """Validate and resolve a providers file the way the commands do."""
    env = ENV if env is None else env
    validated = validate_path(str(path), ValidationOptions(env=env))
    assert validated.ok and validated.model is not None, validated.diagnostics
    resolved, problems = resolve_providers(validated.model, env)
    assert not problems, problems
    return resolved
