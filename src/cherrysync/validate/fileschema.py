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
