"""JSON from the app's files is decoded only within a nesting limit, measured without recursion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cherrysync.samples.v1backup import data_json, js, persist_state, write_backup
from cherrysync.targets import boundedjson
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1.target import BackupTarget

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


def test_brackets_inside_strings_do_not_count() -> None:
    assert boundedjson.depth(json.dumps(["[[[{{{", 'a "quoted" ] \\', {"k]": "}"}])) == 2
    assert boundedjson.loads('{"a": "[[["}') == {"a": "[[["}


def test_deep_json_is_a_value_error_not_a_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(boundedjson.TooDeep, match="deeper than 256"):
        boundedjson.loads(deep)
    with pytest.raises(ValueError, match="deeper than 256"):
        boundedjson.loads("[" * 100_000)  # unbalanced: still stopped before decoding
    assert boundedjson.loads("[" * 256 + "]" * 256) is not None


def test_deep_backups_are_clear_errors(tmp_path: Path) -> None:
    doc = data_json(indexedDB={"topics": "PLACEHOLDER"})
    text = js(doc).replace('"PLACEHOLDER"', "[" * 50_000 + "]" * 50_000)
    write_backup(tmp_path / "top.zip", raw_data_json=text.encode())
    with pytest.raises(TargetError, match="nested deeper than 256 levels"):
        BackupTarget(tmp_path / "top.zip").plan([], prune=False)
    persist = persist_state()
    llm = json.loads(persist["llm"]) | {"x": "PLACEHOLDER"}
    persist["llm"] = js(llm).replace('"PLACEHOLDER"', "[" * 10_000 + "]" * 10_000)
    write_backup(tmp_path / "llm.zip", data_json(persist))
    with pytest.raises(TargetError, match=r"'llm' slice .*deeper than 256"):
        BackupTarget(tmp_path / "llm.zip").plan([], prune=False)
