"""Strict conversion of parsed YAML into the frozen dataclasses of :mod:`cherrysync.model`.

The model's annotations are the one statement of the file format: this module converts data by
them, and :mod:`cherrysync.validate.fileschema` writes the JSON Schema from them. Conversion is
strict the way JSON Schema is: no coercion (``"1"`` is no integer, ``1`` no boolean), unknown
keys refused, ``x-`` keys dropped. It raises :class:`ModelError` at the first problem; only then
does the pipeline load JSON Schema to explain every problem at its node.

pydantic did this job until its import and validator build cost ~55 ms of every run, about half
of ``validate``'s start-up; this module is the part of it the format needs.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

#: a place in the data: keys and list indices
Path = tuple[str | int, ...]
#: converts a value found at a path, or raises ModelError
Converter = Callable[[Any, Path], Any]
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Constraints on a value, written in the model as ``Annotated[str, Limits(...)]``.

    ``min_length`` and ``max_length`` count characters of a string or items of a list; ``gt`` and
    ``ge`` bound a number; ``pattern`` is a JSON Schema (ECMA-262) regular expression.
    """

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    gt: float | None = None
    ge: float | None = None


class ModelError(ValueError):
    """The data does not fit the model: where, and why. A value is never quoted (it may be an
    API key); an unknown key's name is, cut to 40 characters."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class _WrongType(ModelError):
    """The value is not even of the type asked for (a union then tries its next option)."""


def doc(description: str) -> dict[str, str]:
    """A field's metadata: its description, which the schema carries (editors show it)."""
    return {"description": description}


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One key of a model class, as both the converter and the schema writer read it."""

    name: str
    hint: Any
    required: bool
    #: the default written into the schema; ``dataclasses.MISSING`` for none (a factory's list)
    default: Any
    description: str


@cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    specs = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        description = str(f.metadata.get("description", ""))
        specs.append(FieldSpec(f.name, hints[f.name], required, f.default, description))
    return tuple(specs)


def parse(cls: type[T], data: Any) -> T:
    """``data`` as an instance of the model class ``cls``, or :class:`ModelError`."""
    convert = converter(typing.cast(typing.Hashable, cls))
    return typing.cast(T, convert(data, ()))


def where(path: Path) -> str:
    """``providers[0].check.timeout``: a place in the data the way a reader of the file says it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "document"


def kind_of(hint: Any) -> str:
    """What a value of one option of a union is called in a message."""
    hint = _unannotated(hint)
    if dataclasses.is_dataclass(hint):
        return "a mapping"
    if typing.get_origin(hint) is list:
        return "a list"
    if hint is str:
        return "a string"
    raise TypeError(f"the model has a union option strict.py cannot name: {hint!r}")


def _unannotated(hint: Any) -> Any:
    return typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint


@cache
def converter(hint: Any) -> Converter:
    """The converter of a type, built once per type."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        limits = [m for m in hint.__metadata__ if isinstance(m, Limits)]
        return _limited(converter(args[0]), limits)
    if origin in (typing.Union, types.UnionType):
        return _union(args)
    if origin is typing.Literal:
        return _literal(args)
    if origin is list:
        return _list(converter(args[0]), kind_of(hint))
    if origin is dict:
        return _dict(converter(args[1]))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _record(hint)
    if hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"the model uses a type strict.py does not convert: {hint!r}")


def _string(value: Any, path: Path) -> str:
    if not isinstance(value, str):
        raise _WrongType(path, "must be a string")
    return value


def _boolean(value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        raise _WrongType(path, "must be true or false")
    return value


def _number(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _WrongType(path, "must be a number")
    try:
        return float(value)
    except OverflowError:  # an integer of 400 digits is a number to JSON, not to a float
        raise ModelError(path, "is too large a number") from None


_SCALARS: dict[Any, Converter] = {str: _string, bool: _boolean, float: _number}


def _limit_checks(limits: Limits) -> list[Callable[[Any], str | None]]:
    """One check per constraint: the problem it finds in a value, or None."""
    checks: list[Callable[[Any], str | None]] = []
    low, high, gt, ge = limits.min_length, limits.max_length, limits.gt, limits.ge
    if low is not None:
        checks.append(lambda v: f"is too short (at least {low})" if len(v) < low else None)
    if high is not None:
        checks.append(lambda v: f"is too long (at most {high})" if len(v) > high else None)
    if limits.pattern is not None:
        # ECMA-262's "$" ends the text; Python's would also match before a final newline
        pattern = limits.pattern
        search = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern).search
        checks.append(lambda v: None if search(v) else "does not match its pattern")
    if gt is not None:
        checks.append(lambda v: None if v > gt else f"must be greater than {gt}")
    if ge is not None:
        checks.append(lambda v: None if v >= ge else f"must be at least {ge}")
    return checks


def _limited(inner: Converter, limits: list[Limits]) -> Converter:
    checks = [check for limit in limits for check in _limit_checks(limit)]

    def convert(value: Any, path: Path) -> Any:
        value = inner(value, path)
        for check in checks:
            problem = check(value)
            if problem:
                raise ModelError(path, problem)
        return value

    return convert


def _union(options: tuple[Any, ...]) -> Converter:
    """The option whose type fits the value; ``None`` only where the union allows it."""
    nullable = type(None) in options
    choices = [o for o in options if o is not type(None)]
    if nullable and len(choices) == 1:  # an optional key: most of the model
        inner = converter(choices[0])
        return lambda value, path: None if value is None else inner(value, path)
    branches = [converter(o) for o in choices]
    expected = " or ".join(kind_of(o) for o in choices)

    def convert(value: Any, path: Path) -> Any:
        if value is None and nullable:
            return None
        for branch in branches:  # the options are of different JSON types: one at most fits
            try:
                return branch(value, path)
            except _WrongType as error:
                if error.path != path:  # the option's type fits; something inside does not
                    raise
        raise _WrongType(path, f"must be {expected}")

    return convert


def _literal(values: tuple[Any, ...]) -> Converter:
    """One of the values, of the same type (``True`` equals ``1`` in Python, not in JSON)."""
    allowed = frozenset((type(v), v) for v in values)
    listed = ", ".join(map(str, values))

    def convert(value: Any, path: Path) -> Any:
        try:
            if (type(value), value) in allowed:
                return value
        except TypeError:  # an unhashable value: a list or a mapping
            pass
        raise ModelError(path, f"must be one of {listed}")

    return convert


def _list(item: Converter, expected: str) -> Converter:
    def convert(value: Any, path: Path) -> list[Any]:
        if not isinstance(value, list):
            raise _WrongType(path, f"must be {expected}")
        return [item(v, (*path, i)) for i, v in enumerate(value)]

    return convert


def _dict(item: Converter) -> Converter:
    def convert(value: Any, path: Path) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _WrongType(path, "must be a mapping")
        out: dict[str, Any] = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ModelError(path, "must have string keys")
            out[key] = item(v, (*path, key))
        return out

    return convert


def _record(cls: type) -> Converter:
    """A mapping with the class's keys: required ones present, no unknown ones but ``x-``."""
    specs = field_specs(cls)
    fields = {s.name: converter(s.hint) for s in specs}
    required = [s.name for s in specs if s.required]

    def convert(value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            raise _WrongType(path, "must be a mapping")
        kwargs: dict[str, Any] = {}
        for key, v in value.items():
            convert_field = fields.get(key)
            if convert_field is not None:
                kwargs[key] = convert_field(v, (*path, key))
            elif not (isinstance(key, str) and key.startswith("x-")):
                raise ModelError(path, f"has an unknown key {str(key)[:40]!r}")
        for name in required:
            if name not in kwargs:
                raise ModelError(path, f"is missing required key '{name}'")
        return cls(**kwargs)

    return convert
