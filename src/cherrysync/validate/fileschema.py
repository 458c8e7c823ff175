"""The JSON Schemas of providers and overlay files, generated from the pydantic model.

The committed ``schema/providers.schema.json`` and ``schema/overlay.schema.json`` are what
editors and other tools read; ``cherrysync schema --check`` keeps them equal to what this module
generates. The overlay schema is derived from the providers schema, so the two cannot drift: an
overlay entry takes every provider key, requires only ``id``, and has no defaults (a key left
out keeps the value of the file below).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cherrysync.model import ID_PATTERN, ProvidersFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://cherrysync.dev/schema/"


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


@lru_cache(maxsize=1)
def generate_overlay_schema() -> dict[str, Any]:
    """The overlay file: ``version: 1`` and partial provider entries matched by ``id``."""
    schema = copy.deepcopy(generate_schema())
    defs = schema["$defs"]
    entry = defs.pop("Provider")
    entry["description"] = (
        "A change to one provider, matched by id: the keys it sets replace the provider's; a new "
        "id adds a provider, which then needs every required key."
    )
    entry["required"] = ["id"]
    for spec in entry["properties"].values():
        spec.pop("default", None)
    entry["properties"]["id"] = {
        "description": "Id of the provider to change or add (a provider without `id` is "
        "matched by the slug of its name).",
        "pattern": ID_PATTERN,
        "type": "string",
    }
    defs["ProviderOverlay"] = entry
    schema["$id"] = SCHEMA_BASE + "overlay.schema.json"
    schema["description"] = "Per-machine changes applied on top of a providers file (--overlay)."
    schema["properties"]["providers"] = {
        "description": "Entries applied in order, by provider id.",
        "items": {"$ref": "#/$defs/ProviderOverlay"},
        "type": "array",
    }
    schema["title"] = "cherrysync overlay file"
    return schema


#: kind -> generator; ``cherrysync schema --kind`` and the structure checker read this table
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "providers": generate_schema,
    "overlay": generate_overlay_schema,
}
#: where each schema is committed
SCHEMA_PATHS: dict[str, str] = {
    "providers": "schema/providers.schema.json",
    "overlay": "schema/overlay.schema.json",
}


def render_schema(kind: str = "providers") -> str:
    """The schema file's exact text (stable key order, trailing newline)."""
    return json.dumps(SCHEMAS[kind](), indent=2, ensure_ascii=False) + "\n"


def _kind(spec: dict[str, Any]) -> str:
    if "anyOf" in spec:
        return " or ".join(k for k in (_kind(b) for b in spec["anyOf"]) if k != "null")
    if "$ref" in spec:
        return "mapping"
    if "const" in spec:
        return f"`{spec['const']}`"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_kind(spec.get('items', {}))}"
    if kind == "object":
        return "mapping"
    return str(kind)


def render_markdown() -> str:
    """The field reference for the README, from the same descriptions editors show."""
    schema = generate_schema()
    sections = [("Top level", schema)] + [
        (f"`{name}`", schema["$defs"][name]) for name in ("Provider", "ModelSpec", "CheckOptions")
    ]
    lines: list[str] = []
    for title, node in sections:
        required = set(node.get("required", []))
        lines += [
            f"**{title}**",
            "",
            "| key | type | required | description |",
            "|---|---|---|---|",
        ]
        for key, spec in node["properties"].items():
            description = spec.get("description", "").replace("|", "\\|")
            default = spec.get("default")
            if default not in (None, [], {}) and "default" not in description.lower():
                description += f" Default: `{json.dumps(default)}`."
            need = "yes" if key in required else ""
            lines.append(f"| `{key}` | {_kind(spec)} | {need} | {description} |")
        lines.append("")
    lines.append("Keys starting with `x-` are allowed anywhere and ignored (anchors, notes).")
    return "\n".join(lines) + "\n"
