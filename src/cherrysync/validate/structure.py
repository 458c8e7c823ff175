"""Structural checks: JSON Schema errors turned into positioned, readable diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from cherrysync.diagnostics import Diagnostic
from cherrysync.load.yamldoc import Path, YamlDocument
from cherrysync.strict import where
from cherrysync.validate.fileschema import SCHEMAS
from cherrysync.validate.hints import key_hint, value_hint

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


@dataclass(frozen=True)
class _Violation:
    """A schema error with what every message needs: where it is and what was found."""

    error: ValidationError
    path: Path
    where: str
    value: Any
    schema: dict[str, Any]

    @classmethod
    def of(cls, error: ValidationError) -> _Violation:
        path: Path = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        return cls(error, path, where(path), error.instance, schema)


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
        """One violation as diagnostics, worded by the keyword that failed."""
        kind = str(error.validator)
        if kind == "anyOf" and error.context:  # _leaves kept it whole: no branch fits the type
            kind = "type"
        convert = _BY_KEYWORD.get(kind, StructureChecker._generic)
        return convert(self, _Violation.of(error))

    def _unknown_keys(self, v: _Violation) -> Iterator[Diagnostic]:
        known = sorted(v.schema.get("properties", {}))
        for key in v.value:
            if key in known or key.startswith("x-"):
                continue
            hint = key_hint(key, known, v.value[key])
            suggestion = f"; {hint}" if hint else f" (known: {', '.join(known)})"
            message = f"unknown key '{key}' in {v.where}{suggestion}"
            yield self._diag((*v.path, key), "unknown-key", message, key=True)

    def _missing_keys(self, v: _Violation) -> Iterator[Diagnostic]:
        missing: Any = v.error.validator_value
        for name in missing:
            if name not in v.value:
                yield self._diag(
                    v.path, "missing-key", f"{v.where} is missing required key '{name}'"
                )

    def _wrong_type(self, v: _Violation) -> Iterator[Diagnostic]:
        expected = " or ".join(dict.fromkeys(n for n in _expected(v.schema) if n != "null"))
        message = f"{v.where} must be {expected}, not {_type_name(v.value)}"
        yield self._diag(v.path, "wrong-type", message)

    def _not_an_option(self, v: _Violation) -> Iterator[Diagnostic]:
        """``enum`` and ``const``: list the options, suggest the closest one."""
        options = list(v.schema.get("enum", [v.schema.get("const")]))
        message = f"{v.where}: {v.value!r} is not one of " + ", ".join(map(str, options))
        if v.path == ("version",):
            message = f"unsupported format version {v.value!r}; this cherrysync reads version 1"
        else:
            hint = value_hint(v.value, [str(o) for o in options])
            if hint:
                message += f"; {hint}"
        yield self._diag(v.path, "invalid-value", message)

    def _pattern(self, v: _Violation) -> Iterator[Diagnostic]:
        """Only provider ids have a pattern worth its own wording."""
        if v.path[-1:] != ("id",):
            yield from self._generic(v)
        elif isinstance(v.value, str) and "::" in v.value:
            yield self._diag(
                v.path,
                "id-separator",
                f"provider id '{v.value}' contains '::', which the app uses to "
                "join provider and model ids",
            )
        else:
            yield self._diag(
                v.path,
                "invalid-id",
                f"invalid provider id '{v.value}': use lower-case letters, digits, "
                "'.', '_' and '-', starting with a letter or digit",
            )

    def _empty(self, v: _Violation) -> Iterator[Diagnostic]:
        yield self._diag(v.path, "invalid-value", f"{v.where} must not be empty")

    def _too_long(self, v: _Violation) -> Iterator[Diagnostic]:
        yield self._diag(
            v.path,
            "invalid-value",
            f"{v.where} is {len(v.value)} characters; at most "
            f"{v.error.validator_value} are allowed (the app's limit)",
        )

    def _generic(self, v: _Violation) -> Iterator[Diagnostic]:
        yield self._diag(v.path, "invalid-value", f"{v.where}: {v.error.message}")


#: JSON Schema keyword that failed -> how to word it; any other keyword gets the generic text
_BY_KEYWORD: dict[str, Callable[[StructureChecker, _Violation], Iterator[Diagnostic]]] = {
    "additionalProperties": StructureChecker._unknown_keys,
    "required": StructureChecker._missing_keys,
    "type": StructureChecker._wrong_type,
    "enum": StructureChecker._not_an_option,
    "const": StructureChecker._not_an_option,
    "pattern": StructureChecker._pattern,
    "minLength": StructureChecker._empty,
    "maxLength": StructureChecker._too_long,
}
