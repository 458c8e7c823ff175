"""The JSON Schemas of providers and overlay files, written from the model's annotations.

The committed ``schema/providers.schema.json`` and ``schema/overlay.schema.json`` are what
editors and other tools read; ``cherrysync schema --check`` keeps them equal to what this module
generates. The overlay schema is derived from the providers schema, so the two cannot drift: an
overlay entry takes every provider key, requires only ``id``, and has no defaults (a key left
out keeps the value of the file below).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cherrysync.model import ID_PATTERN, ProvidersFile
from cherrysync.strict import Limits, field_specs

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://cherrysync.dev/schema/"


def _node(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of one annotation; model classes go to ``defs`` and are referenced."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        node = _node(args[0], defs)
        for limits in (m for m in hint.__metadata__ if isinstance(m, Limits)):
            node.update(_constraints(limits, node["type"]))
        return node
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_node(option, defs) for option in args]}
    if origin is typing.Literal:
        kind = _JSON_TYPES[type(args[0])]
        if len(args) == 1:
            return {"const": args[0], "type": kind}
        return {"enum": list(args), "type": kind}
    if origin is list:
        return {"items": _node(args[0], defs), "type": "array"}
    if origin is dict:
        return {"additionalProperties": _node(args[1], defs), "type": "object"}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if hint.__name__ not in defs:
            defs[hint.__name__] = {}  # reserved first: a class may refer to itself
            defs[hint.__name__] = _record(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    return {"type": _JSON_TYPES[hint]}


def _constraints(limits: Limits, kind: str) -> dict[str, Any]:
    sized = ("minItems", "maxItems") if kind == "array" else ("minLength", "maxLength")
    found = {
        sized[0]: limits.min_length,
        sized[1]: limits.max_length,
        "pattern": limits.pattern,
        "exclusiveMinimum": limits.gt,
        "minimum": limits.ge,
    }
    return {k: v for k, v in found.items() if v is not None}


def _record(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    """A model class: its keys in order, ``x-`` keys allowed, nothing else."""
    properties: dict[str, Any] = {}
    for spec in field_specs(cls):
        node = _node(spec.hint, defs)
        if spec.default is not dataclasses.MISSING:
            node["default"] = spec.default
        node["description"] = spec.description
        properties[spec.name] = node
    required = [spec.name for spec in field_specs(cls) if spec.required]
    return {
        "additionalProperties": False,
        "description": inspect.cleandoc(cls.__doc__ or ""),
        "patternProperties": {"^x-": {}},
        "properties": properties,
        **({"required": required} if required else {}),
        "type": "object",
    }


def _sorted(node: Any, *, keep_order: bool = False) -> Any:
    """Keywords in sorted order, as before; the keys of ``properties`` in the model's order."""
    if isinstance(node, list):
        return [_sorted(v) for v in node]
    if not isinstance(node, dict):
        return node
    keys = node if keep_order else sorted(node)
    return {k: _sorted(node[k], keep_order=(k == "properties" and not keep_order)) for k in keys}


@lru_cache(maxsize=1)
def generate_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _record(ProvidersFile, defs)
    body = _sorted({"$defs": defs, "$id": SCHEMA_BASE + "providers.schema.json", **root})
    return {"$schema": DRAFT, **body, "title": "cherrysync providers file"}


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
