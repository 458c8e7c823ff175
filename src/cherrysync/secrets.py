"""Secret values and ``${VAR}`` references.

Resolved keys live in :class:`Secret`, whose ``str`` and ``repr`` only ever show the mask, so a
key that slips into an f-string, a log line or an exception message is still not leaked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
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
#
# One syntax family: everything inside ``${...}``. A bare name is an environment variable
# (with the shell's ``:-`` and ``:?``); a lower-case scheme and a colon is a secret store:
# ``${keyring:service/user}`` (the OS keychain) and ``${op://vault/item/field}`` (1Password's
# own reference syntax, pasted as 1Password copies it). Store references have no defaults:
# a missing secret is an error, never an empty key.

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SCHEME = r"[a-z][a-z0-9+.-]*"
_REF = re.compile(
    r"\$(?:(\$)|\{(" + _NAME + r")(?:(:-|:\?)([^}]*))?\}|\{(" + _SCHEME + r"):([^}]*)\}|(\{))"
)
_OP_SEGMENT = re.compile(r"[^/?\x00-\x1f]+")
_SYNTAX = (
    "expected ${NAME}, ${NAME:-default}, ${NAME:?message}, ${keyring:service/user} or "
    "${op://vault/item/field} (write $$ for a literal $)"
)


@dataclass(frozen=True)
class EnvRef:
    """One ``${NAME}``, ``${NAME:-default}`` or ``${NAME:?message}`` in a value."""

    name: str
    default: str | None = None
    required_message: str | None = None


@dataclass(frozen=True)
class KeyringRef:
    """``${keyring:service/user}``: an entry of the OS keychain (split at the last ``/``)."""

    service: str
    user: str

    def __str__(self) -> str:
        return f"${{keyring:{self.service}/{self.user}}}"


@dataclass(frozen=True)
class OpRef:
    """``${op://vault/item[/section]/field[?attribute=...]}``, read with ``op read``."""

    uri: str

    def __str__(self) -> str:
        return f"${{{self.uri}}}"


StoreRef = KeyringRef | OpRef
Reference = EnvRef | StoreRef


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


class SecretLookupError(LookupError):
    """A store reference that cannot be read; the message names the reference, never a value."""

    def __init__(self, ref: StoreRef, reason: str) -> None:
        super().__init__(f"{ref}: {reason}")
        self.ref = ref
        self.reason = reason


Segment = str | Reference


def _store_ref(scheme: str, body: str, offset: int) -> StoreRef:
    if scheme == "keyring":
        service, _, user = body.rpartition("/")
        if not service or not user or not body.isprintable():
            raise EnvSyntaxError(
                "invalid keychain reference: expected ${keyring:service/user}", offset
            )
        return KeyringRef(service, user)
    if scheme == "op":
        path, _, query = body.partition("?")
        parts = path.removeprefix("//").split("/")
        if (
            not path.startswith("//")
            or len(parts) not in (3, 4)
            or not all(_OP_SEGMENT.fullmatch(p) for p in parts)
            or not body.isprintable()
            or (query and "=" not in query)
        ):
            raise EnvSyntaxError(
                "invalid 1Password reference: expected ${op://vault/item/field} or "
                "${op://vault/item/section/field}",
                offset,
            )
        return OpRef(f"op:{body}")
    raise EnvSyntaxError(
        f"unknown secret store '{scheme}:'; cherrysync reads ${{keyring:service/user}} and "
        "${op://vault/item/field}",
        offset,
    )


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
        if match.group(7):
            raise EnvSyntaxError(f"invalid reference: {_SYNTAX}", match.start())
        if literal:
            segments.append("".join(literal))
            literal = []
        if match.group(5):
            segments.append(_store_ref(match.group(5), match.group(6), match.start()))
            continue
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


def references(text: str) -> list[Reference]:
    """The references in a value (raises :class:`EnvSyntaxError` on bad syntax)."""
    return [s for s in parse_template(text) if not isinstance(s, str)]


StoreReader = Callable[[StoreRef], str]


def interpolate(text: str, env: Mapping[str, str], read_store: StoreReader | None = None) -> str:
    """Substitute references; an unset variable without a default raises, never passes through.

    As in POSIX shells, ``:-`` also applies when the variable is set but empty. Store references
    are read through ``read_store`` (which raises :class:`SecretLookupError`); without one they
    cannot be resolved here.
    """
    out: list[str] = []
    for segment in parse_template(text):
        if isinstance(segment, str):
            out.append(segment)
            continue
        if not isinstance(segment, EnvRef):
            if read_store is None:
                raise SecretLookupError(segment, "secret stores are not read here")
            out.append(read_store(segment))
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
