"""Fractional-index order keys: the grammar the app enforces, appending and inserting.

Every expected key below was computed by the npm package ``fractional-indexing`` (the one the app
uses), versions 3.2.0 and 4.0.0 alike, with ``generateKeyBetween``: cherrysync's keys must be
byte-identical to the app's.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cherrysync.targets.v2 import orderkey

LARGEST_INTEGER = "z" * 27  # head 'z' + 26 digits 'z': no integer sorts after it


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, "a0"),
        ("a0", "a1"),
        ("a9", "aA"),
        ("aZ", "aa"),
        ("az", "b00"),
        ("a1V", "a2"),  # the fraction is dropped
        ("a0V", "a1"),
        ("bzz", "c000"),
        ("Zz", "a0"),
        ("Yzz", "Z0"),
        ("z" * 26 + "y", LARGEST_INTEGER),
        # past the last integer key the app takes a midpoint in the fraction
        (LARGEST_INTEGER, LARGEST_INTEGER + "V"),
        (LARGEST_INTEGER + "V", LARGEST_INTEGER + "l"),
        (LARGEST_INTEGER + "zzy", LARGEST_INTEGER + "zzz"),
    ],
)
def test_key_after(last: str | None, expected: str) -> None:
    assert orderkey.key_after(last) == expected
    if last is not None:
        assert last < expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("a0", "a1", "a0V"),
        ("a1", "a2", "a1V"),
        ("a0V", "a1", "a0l"),
        ("Zz", "a0", "ZzV"),
        ("Zz", "a1", "a0"),
        ("a0", "a0V", "a0G"),
        ("a0", "a0G", "a08"),
        ("b125", "b129", "b127"),
        ("a0", "a1V", "a1"),
        ("Zz", "a01", "a0"),
        ("a1", "a1V", "a1G"),
        ("az", "b00", "azV"),
        ("a0V", "a0W", "a0VV"),
        ("a0zz", "a1", "a0zzV"),
        (LARGEST_INTEGER, LARGEST_INTEGER + "V", LARGEST_INTEGER + "G"),
    ],
)
def test_key_between(before: str, after: str, expected: str) -> None:
    assert orderkey.key_between(before, after) == expected
    assert before < expected < after


def test_keys_after_match_the_app() -> None:
    assert orderkey.keys_after("a4", 8) == "a5 a6 a7 a8 a9 aA aB aC".split()
    assert orderkey.keys_after("ay", 64)[-3:] == ["b0y", "b0z", "b10"]


def test_key_between_refuses_keys_out_of_order() -> None:
    with pytest.raises(orderkey.OrderKeyError, match="does not sort before"):
        orderkey.key_between("a1", "a0")
    with pytest.raises(orderkey.OrderKeyError, match="does not sort before"):
        orderkey.key_between("a1", "a1")


@pytest.mark.parametrize("key", ["a0", "a0V", "b00", "Zz", "zzzzzzzzzzzzzzzzzzzzzzzzzzz"])
def test_valid_keys(key: str) -> None:
    assert orderkey.is_valid(key)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "empty order key"),
        ("zz", "order key 'zz' is invalid"),
        ("a", "order key 'a' is invalid"),
        ("b0", "order key 'b0' is invalid"),
        ("a00", "order key 'a00' is invalid"),
        ("a1V0", "order key 'a1V0' is invalid"),
        ("A" + "0" * 26, "order key 'A" + "0" * 26 + "' is invalid"),
        ("0a", "order key '0a' is invalid: invalid order key head"),
        ("a-", "order key 'a-' holds a character outside base 62"),
        ("a0é", "order key 'a0é' holds a character outside base 62"),
    ],
)
def test_invalid_keys(key: str, problem: str) -> None:
    assert not orderkey.is_valid(key)
    with pytest.raises(orderkey.OrderKeyError, match=re.escape(problem)):
        orderkey.key_after(key)
    with pytest.raises(orderkey.OrderKeyError, match=re.escape(problem)):
        orderkey.key_between(key, None)


def test_a_key_the_library_would_make_invalid_is_refused() -> None:
    reserved = "A" + "0" * 26  # the smallest integer, never a valid key
    assert orderkey.key_between(None, "a0") == "Zz"
    assert orderkey.key_between(None, reserved + "V") == reserved + "G"
    # the npm package and the port decrement to the reserved key here; we refuse instead
    with pytest.raises(orderkey.OrderKeyError, match="is invalid"):
        orderkey.key_between(None, "A" + "0" * 25 + "1")


@settings(deadline=None, max_examples=60)
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=200))
def test_appended_keys_are_valid_and_increasing(skip: int, count: int) -> None:
    start = orderkey.keys_after(None, skip)[-1] if skip else None
    keys = orderkey.keys_after(start, count)
    assert all(orderkey.is_valid(k) for k in keys)
    assert keys == sorted(set(keys))
    assert start is None or start < keys[0]
