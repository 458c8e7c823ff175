"""Structural checks: JSON Schema errors turned into positioned, readable diagnostics."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from cherrysync.diagnostics import Diagnostic
from cherrysync.load.yamldoc import Path, YamlDocument
from cherrysync.validate.fileschema import SCHEMAS

_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "list",
    dict: "mapping",
    type(None): "null",
}


@lru_cache(maxsize=len(SCHEMAS))
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[kind]())


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected(schema: dict[str, Any]) -> list[str]:
    """Human names of the types a (sub)schema accepts."""
    names = {
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "array": "a list",
        "object": "a mapping",
        "null": "null",
    }
    if "anyOf" in schema:
        return [n for branch in schema["anyOf"] for n in _expected(branch)]
    if "$ref" in schema:
        return ["a mapping"]
    if "const" in schema:
        return [repr(schema["const"])]
    if "enum" in schema:
        return ["one of " + ", ".join(map(str, schema["enum"]))]
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    out = []
    for kind in kinds:
        if kind == "array" and isinstance(schema.get("items"), dict):
            inner = [n for n in _expected(schema["items"]) if n != "null"]
            out.append(
                "a list of "
                + " or ".join(i.removeprefix("a ").removeprefix("an ") + "s" for i in inner)
            )
        else:
            out.append(names.get(kind, str(kind)))
    return out


def _where(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "document"


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """Descend into ``anyOf``: report the branch that fits the value's type, not all of them."""
    if error.validator != "anyOf" or not error.context:
        yield error
        return
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    depth = len(error.absolute_path)
    for errors in by_branch.values():
        type_mismatch = any(e.validator == "type" and len(e.absolute_path) == depth for e in errors)
        if not type_mismatch:
            for sub in errors:
                yield from _leaves(sub)
            return
    yield error


class StructureChecker:
    """Turns every schema violation of a document into diagnostics at the offending node."""

    def __init__(self, filename: str, document: YamlDocument, kind: str = "providers") -> None:
        self.filename = filename
        self.document = document
        self.kind = kind  # "overlay" checks an --overlay file against its own schema
        #: indices of providers with structural errors (the rest can still be checked further)
        self.broken_providers: set[int] = set()

    def check(self) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        for error in _validator(self.kind).iter_errors(self.document.data):
            path = tuple(error.absolute_path)
            if len(path) > 1 and path[0] == "providers" and isinstance(path[1], int):
                self.broken_providers.add(path[1])
            else:
                self.broken_providers.add(-1)
            for leaf in _leaves(error):
                diagnostics.extend(self._convert(leaf))
        # jsonschema reports each missing required key separately; _convert lists all of them
        return list(dict.fromkeys(diagnostics))

    def _diag(self, path: Path, rule: str, message: str, key: bool = False) -> Diagnostic:
        pos = self.document.key_position(path) if key else self.document.position(path)
        return Diagnostic(pos.file or self.filename, pos.line, pos.column, "error", rule, message)

    def _convert(self, error: ValidationError) -> Iterator[Diagnostic]:
        path: Path = tuple(error.absolute_path)
        where = _where(path)
        value: Any = error.instance
        schema = error.schema if isinstance(error.schema, dict) else {}
        kind = error.validator
        if kind == "additionalProperties":
            known = sorted(schema.get("properties", {}))
            for key in value:
                if key in known or key.startswith("x-"):
                    continue
                hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                suggestion = (
                    f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(known)})"
                )
                yield self._diag(
                    (*path, key),
                    "unknown-key",
                    f"unknown key '{key}' in {where}{suggestion}",
                    key=True,
                )
        elif kind == "required":
            missing: Any = error.validator_value
            for name in missing:
                if name not in value:
                    yield self._diag(
                        path, "missing-key", f"{where} is missing required key '{name}'"
                    )
        elif kind == "type" or (kind == "anyOf" and error.context):
            expected = " or ".join(dict.fromkeys(n for n in _expected(schema) if n != "null"))
            yield self._diag(
                path, "wrong-type", f"{where} must be {expected}, not {_type_name(value)}"
            )
        elif kind in ("enum", "const"):
            options = list(schema.get("enum", [schema.get("const")]))
            message = f"{where}: {value!r} is not one of " + ", ".join(map(str, options))
            if path == ("version",):
                message = f"unsupported format version {value!r}; this cherrysync reads version 1"
            elif isinstance(value, str):
                hint = difflib.get_close_matches(value, [str(o) for o in options], n=1)
                if hint:
                    message += f"; did you mean '{hint[0]}'?"
            yield self._diag(path, "invalid-value", message)
        elif kind == "pattern" and path[-1:] == ("id",):
            if isinstance(value, str) and "::" in value:
                yield self._diag(
                    path,
                    "id-separator",
                    f"provider id '{value}' contains '::', which the app uses to "
                    "join provider and model ids",
                )
            else:
                yield self._diag(
                    path,
                    "invalid-id",
                    f"invalid provider id '{value}': use lower-case letters, digits, "
                    "'.', '_' and '-', starting with a letter or digit",
                )
        elif kind == "minLength":
            yield self._diag(path, "invalid-value", f"{where} must not be empty")
        elif kind == "maxLength":
            yield self._diag(
                path,
                "invalid-value",
                f"{where} is {len(value)} characters; at most "
                f"{error.validator_value} are allowed (the app's limit)",
            )
        else:
            yield self._diag(path, "invalid-value", f"{where}: {error.message}")
