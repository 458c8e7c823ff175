"""A providers file for the 1.x target tests, resolved without the CLI."""

from __future__ import annotations

import io
from typing import Any

from cherrysync.model import ProvidersFile
from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.targets.v1 import datajson
from cherrysync.targets.v1.backupdata import BackupData

FILE = """\
version: 1
providers:
  - name: Relay
    id: relay
    type: new-api
    base_url: https://relay.example.com/
    api_key: ["${RELAY_KEY}", "${RELAY_KEY_2}"]
    headers: {X-Team: platform}
    notes: Shared relay
    models:
      - id: gpt-4o
        endpoint_type: openai
      - id: claude-sonnet-4-5
        name: Claude Sonnet 4.5
        endpoint_type: anthropic
        capabilities: [vision, reasoning]
  - name: Azure EU
    id: azure-eu
    type: azure-openai
    base_url: https://contoso.openai.azure.com
    api_key: ${AZ_KEY}
    api_version: "2024-10-21"
    enabled: false
    models: [gpt-4o-prod]
"""
ENV = {"RELAY_KEY": "sk-relay-1", "RELAY_KEY_2": "sk-relay-2", "AZ_KEY": "az-secret-key"}


def resolved(text: str = FILE, env: dict[str, str] | None = None) -> list[ResolvedProvider]:
    from ruamel.yaml import YAML

    pf = ProvidersFile.from_data(YAML(typ="safe").load(text))
    providers, problems = resolve_providers(pf, ENV if env is None else env)
    assert not problems
    return providers


def spliced_file(data: BackupData, original: bytes, providers: list[Any]) -> bytes:
    """``original`` (the ``data.json`` ``data`` was read from) with only ``llm.providers``
    replaced, in memory: the whole file the streaming splice of apply writes."""
    value = data.replacement(providers)
    return b"".join(datajson.spliced(io.BytesIO(original), data.persist_span, data.size, value))
