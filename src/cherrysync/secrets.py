"""Secret values and ``${VAR}`` references.

Resolved keys live in :class:`Secret`, whose ``str`` and ``repr`` only ever show the mask, so a
key that slips into an f-string, a log line or an exception message is still not leaked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ELLIPSIS = "…"


def mask(value: str) -> str:
    """Mask a secret as ``sk-a…wxyz``; short values reveal less, tiny ones nothing."""
    if len(value) >= 16:
        return f"{value[:4]}{ELLIPSIS}{value[-4:]}"
    if len(value) >= 8:
        return f"{value[:2]}{ELLIPSIS}{value[-2:]}"
    return ELLIPSIS if value else ""


class Secret:
    """A resolved secret. Only :meth:`reveal` returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values cannot be pickled")


def redact(text: str, secrets: Iterable[Secret | str]) -> str:
    """Replace every occurrence of any secret in ``text`` by its mask (longest first).

    Values shorter than 4 characters are left alone: replacing every "x" in a message hides
    nothing and garbles the text (a header value can be that short; a real key never is).
    """
    values = sorted(
        {v for v in (s.reveal() if isinstance(s, Secret) else s for s in secrets) if len(v) >= 4},
        key=len,
        reverse=True,
    )
    for value in values:
        if value in text:
            text = text.replace(value, mask(value))
    return text


# --------------------------------------------------------------------------- references

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_REF = re.compile(r"\$(?:(\$)|\{(" + _NAME + r")(?:(:-|:\?)([^}]*))?\}|(\{))")


@dataclass(frozen=True)
class EnvRef:
    """One ``${NAME}``, ``${NAME:-default}`` or ``${NAME:?message}`` in a value."""

    name: str
    default: str | None = None
    required_message: str | None = None


class EnvSyntaxError(ValueError):
    """A ``${`` that does not form a valid reference; ``offset`` is 0-based within the value."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class UnsetVariableError(LookupError):
    """A referenced variable is unset and has no default."""

    def __init__(self, ref: EnvRef) -> None:
        detail = f": {ref.required_message}" if ref.required_message else ""
        super().__init__(f"environment variable {ref.name} is not set{detail}")
        self.ref = ref


Segment = str | EnvRef


def parse_template(text: str) -> list[Segment]:
    """Split a value into literal text and references; ``$$`` is a literal ``$``."""
    segments: list[Segment] = []
    pos = 0
    literal: list[str] = []
    for match in _REF.finditer(text):
        literal.append(text[pos : match.start()])
        pos = match.end()
        if match.group(1):
            literal.append("$")
            continue
        if match.group(5):
            raise EnvSyntaxError(
                "invalid variable reference: expected ${NAME}, ${NAME:-default} or "
                "${NAME:?message} (write $$ for a literal $)",
                match.start(),
            )
        if literal:
            segments.append("".join(literal))
            literal = []
        name, op, arg = match.group(2), match.group(3), match.group(4)
        if op == ":-":
            segments.append(EnvRef(name, default=arg))
        elif op == ":?":
            segments.append(EnvRef(name, required_message=arg or None))
        else:
            segments.append(EnvRef(name))
    literal.append(text[pos:])
    tail = "".join(literal)
    if tail:
        segments.append(tail)
    return segments


def references(text: str) -> list[EnvRef]:
    """The references in a value (raises :class:`EnvSyntaxError` on bad syntax)."""
    return [s for s in parse_template(text) if isinstance(s, EnvRef)]


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Substitute references; an unset variable without a default raises, never passes through.

    As in POSIX shells, ``:-`` also applies when the variable is set but empty.
    """
    out: list[str] = []
    for segment in parse_template(text):
        if isinstance(segment, str):
            out.append(segment)
            continue
        value = env.get(segment.name)
        if value:
            out.append(value)
        elif segment.default is not None:
            out.append(segment.default)
        elif value is not None and segment.required_message is None:
            out.append(value)
        else:
            raise UnsetVariableError(segment)
    return "".join(out)


# --------------------------------------------------------------------------- secret headers

_SECRET_HEADER = re.compile(r"(auth|key|token|secret|cookie)", re.IGNORECASE)


def is_secret_header(name: str) -> bool:
    """Whether a header's value is a credential by its name (``Authorization``, ``X-Api-Key``,
    ``Cookie``, …): such values are shown only as their references, like keys."""
    return bool(_SECRET_HEADER.search(name))
