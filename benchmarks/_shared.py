"""What the 1.x benchmarks apply: one small providers file, resolved as the commands do.

Imported by ``bench_v1_apply.py`` and ``bench_v1_memory.py`` (a script's own folder is first on
``sys.path``). cherrysync is imported inside :func:`bench_providers`, in the measured child
process, so that a parent which only builds backups does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cherrysync.resolve import ResolvedProvider

PROVIDERS_YAML = """\
version: 1
providers:
  - name: Relay
    id: relay
    type: openai
    base_url: https://relay.example.com/
    api_key: sk-bench-not-a-secret
    models: [gpt-4o, gpt-4o-mini]
"""


def bench_providers() -> list[ResolvedProvider]:
    """:data:`PROVIDERS_YAML` parsed, validated into the model and resolved (no variables)."""
    from cherrysync.load.yamldoc import parse_yaml
    from cherrysync.model import ProvidersFile
    from cherrysync.resolve import resolve_providers

    document, _ = parse_yaml(PROVIDERS_YAML, "bench.yaml")
    assert document is not None
    providers, _ = resolve_providers(ProvidersFile.from_data(document.data), {})
    return providers
