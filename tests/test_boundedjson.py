"""JSON is decoded only within the caller's nesting limit, measured without recursion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cherrysync import boundedjson

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(json_values)
def test_depth_matches_the_structure(value: object) -> None:
    assert boundedjson.depth(json.dumps(value)) == _depth(value)
    assert boundedjson.depth(json.dumps(value, ensure_ascii=False, indent=1)) == _depth(value)
    assert boundedjson.depth(json.dumps(value).encode()) == _depth(value)


def test_brackets_inside_strings_do_not_count() -> None:
    assert boundedjson.depth(json.dumps(["[[[{{{", 'a "quoted" ] \\', {"k]": "}"}])) == 2
    assert boundedjson.loads('{"a": "[[["}', max_depth=1) == {"a": "[[["}


def test_deep_json_is_a_value_error_not_a_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(boundedjson.TooDeep, match="deeper than 256"):
        boundedjson.loads(deep, max_depth=256)
    with pytest.raises(ValueError, match="deeper than 256"):
        boundedjson.loads("[" * 100_000, max_depth=256)  # unbalanced: still stopped before decoding
    assert boundedjson.loads("[" * 256 + "]" * 256, max_depth=256) is not None


def test_bytes_and_constants() -> None:
    assert boundedjson.loads(b'{"a": "]]]"}', max_depth=1) == {"a": "]]]"}
    with pytest.raises(boundedjson.TooDeep, match="deeper than 1 levels"):
        boundedjson.loads(b"[[1]]", max_depth=1)
    assert boundedjson.loads("[NaN]", max_depth=1) != [0]  # the standard decoder's NaN
    with pytest.raises(ValueError, match="NaN is not JSON"):
        boundedjson.loads(b"[NaN]", max_depth=1, constants=False)
