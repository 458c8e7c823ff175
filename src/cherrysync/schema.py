"""The JSON Schema of the providers file, generated from the pydantic model.

The committed ``schema/providers.schema.json`` is what editors and other tools read;
``cherrysync schema --check`` keeps it equal to what this module generates.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cherrysync.model import ProvidersFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _clean(node: Any) -> Any:
    """Drop pydantic's auto titles: they only repeat the key and clutter editor hovers."""
    if isinstance(node, dict):
        return {
            k: _clean(v)
            for k, v in node.items()
            if not (k == "title" and isinstance(v, str) and "description" in node)
        }
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


@lru_cache(maxsize=1)
def generate_schema() -> dict[str, Any]:
    schema = _clean(ProvidersFile.model_json_schema(mode="validation"))
    ordered: dict[str, Any] = {"$schema": DRAFT}
    ordered.update(schema)
    ordered["title"] = "cherrysync providers file"
    return ordered


def render_schema() -> str:
    """The schema file's exact text (stable key order, trailing newline)."""
    return json.dumps(generate_schema(), indent=2, ensure_ascii=False) + "\n"
