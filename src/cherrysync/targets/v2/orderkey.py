"""Fractional-index order keys as Cherry Studio 2.x stores them (reference §4.9).

The app makes its keys with the npm package ``fractional-indexing``; the PyPI package of the same
name ports it, and its keys are byte-identical (tests/targets/v2/test_v2_orderkey.py holds keys
the npm package computed), so cherrysync uses the port rather than a copy of the algorithm. This
module adds only what the port lacks: type hints, one error type, and a check that every
character is a base-62 digit (the port, like the npm package, accepts any character and then
fails or sorts wrongly on it).

The app computes every new key from the current maximum of a scope, so one invalid key breaks
all later inserts there: cherrysync validates each key it writes and refuses to append after an
invalid maximum. Existing keys are never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable

import fractional_indexing as _fi

DIGITS: str = _fi.BASE_62_DIGITS
FIRST_KEY = "a0"

# the port has no type hints: pin the signatures cherrysync relies on here, in one place
_between: Callable[[str | None, str | None], str] = _fi.generate_key_between
_check: Callable[[str], None] = _fi.validate_order_key
_PortError: type[Exception] = _fi.FIError


class OrderKeyError(ValueError):
    """A key that does not follow the grammar, or two keys with nothing between them."""


def validate(key: str) -> None:
    """Raise :class:`OrderKeyError` unless ``key`` is a well-formed key the app accepts."""
    if not key:
        raise OrderKeyError("empty order key")
    if any(c not in DIGITS for c in key[1:]):
        raise OrderKeyError(f"order key {key!r} holds a character outside base 62")
    try:
        _check(key)
    except _PortError as exc:
        raise OrderKeyError(f"order key {key!r} is invalid: {exc}") from None


def is_valid(key: str) -> bool:
    """True when ``key`` is a well-formed key the app accepts."""
    try:
        validate(key)
    except OrderKeyError:
        return False
    return True


def key_between(before: str | None, after: str | None) -> str:
    """The key the app makes between ``before`` and ``after`` (``None``: the scope's end)."""
    for key in (before, after):
        if key is not None:
            validate(key)
    if before is not None and after is not None and before >= after:
        raise OrderKeyError(f"order key {before!r} does not sort before {after!r}")
    try:
        key = _between(before, after)
    except _PortError as exc:  # e.g. nothing sorts before the smallest key
        raise OrderKeyError(f"no order key between {before!r} and {after!r} ({exc})") from None
    validate(key)
    return key


def key_after(last: str | None) -> str:
    """The key that sorts right after ``last`` (``a0`` for an empty scope).

    Normally the next integer (the fraction is dropped); past the largest integer
    (``z`` + 26 ``z``) a fraction is appended, as the app does.
    """
    return key_between(last, None)


def keys_after(last: str | None, count: int) -> list[str]:
    """``count`` increasing keys after ``last``, as the app appends them one by one."""
    keys: list[str] = []
    for _ in range(count):
        last = key_after(last)
        keys.append(last)
    return keys
