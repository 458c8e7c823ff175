"""Fractional-index order keys as Cherry Studio 2.x stores them (reference §4.9).

The app computes every new key from the current maximum of a scope, so one invalid key breaks
all later inserts there: cherrysync validates each key it writes and refuses to append after an
invalid maximum. Only "append after the last key" is needed; existing keys are never rewritten.
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(DIGITS)}
_SMALLEST_INTEGER = "A" + "0" * 26
FIRST_KEY = "a0"


class OrderKeyError(ValueError):
    """A key that does not follow the grammar, or a scope that cannot grow further."""


def _integer_length(head: str) -> int:
    if "a" <= head <= "z":
        return ord(head) - ord("a") + 2
    if "A" <= head <= "Z":
        return ord("Z") - ord(head) + 2
    raise OrderKeyError(f"invalid order key head {head!r}")


def integer_part(key: str) -> str:
    """The integer part of ``key`` (its head fixes the length)."""
    if not key:
        raise OrderKeyError("empty order key")
    length = _integer_length(key[0])
    if length > len(key):
        raise OrderKeyError(f"order key {key!r} is shorter than its head demands")
    return key[:length]


def is_valid(key: str) -> bool:
    """True when ``key`` is a well-formed key the app accepts."""
    try:
        validate(key)
    except OrderKeyError:
        return False
    return True


def validate(key: str) -> None:
    """Raise :class:`OrderKeyError` unless ``key`` is well formed."""
    if key == _SMALLEST_INTEGER:
        raise OrderKeyError(f"order key {key!r} is reserved")
    integer = integer_part(key)
    if any(c not in _INDEX for c in key[1:]):
        raise OrderKeyError(f"order key {key!r} holds a character outside base 62")
    fraction = key[len(integer) :]
    if fraction.endswith("0"):
        raise OrderKeyError(f"order key {key!r} has a fraction ending in 0")


def _increment_integer(integer: str) -> str:
    head, digits = integer[0], list(integer[1:])
    for i in range(len(digits) - 1, -1, -1):
        value = _INDEX[digits[i]] + 1
        if value < len(DIGITS):
            digits[i] = DIGITS[value]
            return head + "".join(digits)
        digits[i] = DIGITS[0]
    # every digit overflowed: move to the next head (one digit longer, or shorter if negative)
    if head == "Z":
        return "a" + DIGITS[0]
    if head == "z":
        raise OrderKeyError("order key scope is full (no integer after 'z' + 26 digits)")
    new_head = chr(ord(head) + 1)
    if new_head > "a":
        digits.append(DIGITS[0])
    else:
        digits.pop()
    return new_head + "".join(digits)


def key_after(last: str | None) -> str:
    """The key that sorts right after ``last`` (``a0`` for an empty scope)."""
    if last is None:
        return FIRST_KEY
    validate(last)
    key = _increment_integer(integer_part(last))
    validate(key)
    return key


def keys_after(last: str | None, count: int) -> list[str]:
    """``count`` increasing keys after ``last``."""
    keys: list[str] = []
    for _ in range(count):
        last = key_after(last)
        keys.append(last)
    return keys
