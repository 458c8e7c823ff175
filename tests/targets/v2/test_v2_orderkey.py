"""Fractional-index order keys: the grammar the app enforces and appending after the last key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cherrysync.targets.v2 import orderkey


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, "a0"),
        ("a0", "a1"),
        ("a9", "aA"),
        ("aZ", "aa"),
        ("az", "b00"),
        ("a1V", "a2"),  # the fraction is dropped
        ("bzz", "c000"),
        ("Zz", "a0"),
        ("Yzz", "Z0"),
    ],
)
def test_key_after(last: str | None, expected: str) -> None:
    assert orderkey.key_after(last) == expected
    if last is not None:
        assert last < expected


@pytest.mark.parametrize("key", ["a0", "a0V", "b00", "Zz", "zzzzzzzzzzzzzzzzzzzzzzzzzzz"])
def test_valid_keys(key: str) -> None:
    assert orderkey.is_valid(key)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "empty order key"),
        ("zz", "order key 'zz'"),
        ("a", "order key 'a'"),
        ("b0", "order key 'b0'"),
        ("a00", "order key 'a00'"),
        ("a1V0", "order key 'a1V0'"),
        ("A" + "0" * 26, "order key 'A" + "0" * 26 + "'"),
        ("0a", "invalid order key head"),
        ("a-", "order key 'a-' holds a character outside base 62"),
        ("a0é", "order key 'a0é' holds a character outside base 62"),
    ],
)
def test_invalid_keys(key: str, problem: str) -> None:
    assert not orderkey.is_valid(key)
    with pytest.raises(orderkey.OrderKeyError, match=re.escape(problem)):
        orderkey.key_after(key)


def test_scope_end_is_an_error() -> None:
    with pytest.raises(orderkey.OrderKeyError, match=r"order key scope is full"):
        orderkey.key_after("z" + "z" * 26)


@settings(deadline=None, max_examples=60)
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=200))
def test_appended_keys_are_valid_and_increasing(skip: int, count: int) -> None:
    start = orderkey.keys_after(None, skip)[-1] if skip else None
    keys = orderkey.keys_after(start, count)
    assert all(orderkey.is_valid(k) for k in keys)
    assert keys == sorted(set(keys))
    assert start is None or start < keys[0]
