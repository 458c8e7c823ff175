"""Overlay merging: the rules, positions per file, and associativity (hypothesis)."""

from __future__ import annotations

import io
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cherrysync.load.overlay import effective_id, merge, merge_all
from cherrysync.load.yamldoc import YamlDocument, parse_yaml

SETTINGS = settings(
    max_examples=int(os.environ.get("CS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _doc(data: Any, name: str) -> YamlDocument:
    document, diagnostics = parse_yaml(_dump(data), name)
    assert document is not None, diagnostics
    return document


BASE = {
    "version": 1,
    "providers": [
        {"name": "Relay", "id": "relay", "type": "openai", "models": ["a", "b"]},
        {"name": "Local Box", "type": "ollama", "headers": {"X-A": "1"}},
    ],
}


def test_fields_replace_whole_and_new_ids_append() -> None:
    overlay = {
        "version": 1,
        "providers": [
            {"id": "local-box", "headers": {"X-B": "2"}, "enabled": False},
            {"id": "relay", "models": ["c"]},
            {"id": "extra", "name": "Extra", "type": "gemini"},
        ],
    }
    odoc = _doc(overlay, "o.yaml")
    merged = merge(_doc(BASE, "base.yaml"), odoc)
    relay, box, extra = merged.data["providers"]
    assert relay["models"] == ["c"]  # replaced, not appended to
    assert box["headers"] == {"X-B": "2"} and box["enabled"] is False
    assert box["name"] == "Local Box" and box["id"] == "local-box"  # matched by the name's slug
    assert extra == {"id": "extra", "name": "Extra", "type": "gemini"}
    assert merged.position(("providers", 0, "models", 0)).file == "o.yaml"
    assert merged.position(("providers", 0, "name")).file == "base.yaml"
    assert ("providers", 0, "models", 1) not in merged.values  # the old list's nodes are gone
    assert ("providers", 1, "headers", "X-A") not in merged.keys
    assert merged.key_position(("providers", 1, "headers", "X-B")).file == "o.yaml"
    assert merged.position(("providers", 2)).file == "o.yaml"
    assert merged.position(("providers", 2, "type")) == odoc.position(("providers", 2, "type"))
    assert merged.position(("providers", 0, "models")) == odoc.position(("providers", 1, "models"))


def test_the_id_keeps_the_position_of_the_file_that_first_wrote_it() -> None:
    overlay = {"version": 1, "providers": [{"id": "relay", "notes": "n"}]}
    merged = merge(_doc(BASE, "base.yaml"), _doc(overlay, "o.yaml"))
    assert merged.position(("providers", 0, "id")).file == "base.yaml"
    overlay = {"version": 1, "providers": [{"id": "local-box", "name": "Renamed"}]}
    merged = merge(_doc(BASE, "base.yaml"), _doc(overlay, "o.yaml"))
    box = merged.data["providers"][1]
    assert box["id"] == "local-box" and box["name"] == "Renamed"  # a rename keeps the id
    assert merged.position(("providers", 1, "id")).file == "o.yaml"


def test_inputs_are_not_changed_and_odd_documents_pass_through() -> None:
    base = _doc(BASE, "base.yaml")
    before = (repr(base.data), dict(base.values))
    merge(base, _doc({"version": 1, "providers": [{"id": "relay", "type": "x"}]}, "o.yaml"))
    assert (repr(base.data), dict(base.values)) == before
    scalar = _doc("just text", "s.yaml")
    assert merge(scalar, base) is scalar
    assert merge(base, _doc({"version": 1}, "o.yaml")) is base
    skipped = merge(
        base, _doc({"version": 1, "providers": [{"id": "relay", "type": "x"}]}, "o"), {0}
    )
    assert skipped.data == base.data


def test_effective_id() -> None:
    assert effective_id({"name": "OpenAI Work"}) == "openai-work"
    assert effective_id({"id": 5, "name": "x"}) is None
    assert effective_id(["not", "an", "entry"]) is None


# ----------------------------------------------------------------------------- properties

ids = st.sampled_from(["a", "b", "c", "d"])
values = st.one_of(
    st.sampled_from(["x", "y", "z"]),
    st.integers(0, 3),
    st.lists(st.sampled_from(["m1", "m2", "m3"]), max_size=3),
    st.dictionaries(st.sampled_from(["k1", "k2"]), st.sampled_from(["v", "w"]), max_size=2),
)
fields = st.dictionaries(st.sampled_from(["type", "models", "headers", "notes", "name"]), values)


def _entries(need_id: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    entry = st.builds(lambda pid, rest: {"id": pid, **rest}, ids, fields)
    if not need_id:
        named = st.builds(lambda pid, rest: {**rest, "name": pid}, ids, fields)
        entry = st.one_of(entry, named)
    return st.lists(entry, max_size=4).map(_unique)


def _unique(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str | None] = set()
    out = []
    for entry in entries:
        key = effective_id(entry)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _file(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": 1, "providers": entries}


def _same(x: YamlDocument, y: YamlDocument) -> None:
    assert x.data == y.data
    assert x.values == y.values
    assert x.keys == y.keys


def _oracle(files: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rules in plain words: match by id, replace fields, keep the id, append the rest."""
    result: list[dict[str, Any]] = [dict(e) for e in files[0]]
    for entries in files[1:]:
        for entry in entries:
            match = next((p for p in result if effective_id(p) == entry["id"]), None)
            if match is None:
                result.append(dict(entry))
            else:
                match.update({k: v for k, v in entry.items() if not (k == "id" and "id" in match)})
    return result


@SETTINGS
@given(_entries(need_id=False), _entries(need_id=True), _entries(need_id=True))
def test_merge_is_associative(
    a: list[dict[str, Any]], b: list[dict[str, Any]], c: list[dict[str, Any]]
) -> None:
    da, db, dc = _doc(_file(a), "a.yaml"), _doc(_file(b), "b.yaml"), _doc(_file(c), "c.yaml")
    left = merge(merge(da, db), dc)
    right = merge(da, merge(db, dc))
    in_order = merge_all(da, [db, dc])
    _same(left, right)
    _same(left, in_order)
    assert left.data["providers"] == _oracle([a, b, c])


@SETTINGS
@given(_entries(need_id=False), _entries(need_id=True), _entries(need_id=True))
def test_every_value_points_at_the_file_that_set_it_last(
    a: list[dict[str, Any]], b: list[dict[str, Any]], c: list[dict[str, Any]]
) -> None:
    files = {"a.yaml": a, "b.yaml": b, "c.yaml": c}
    merged = merge_all(
        _doc(_file(a), "a.yaml"), [_doc(_file(b), "b.yaml"), _doc(_file(c), "c.yaml")]
    )
    for i, provider in enumerate(merged.data["providers"]):
        pid = effective_id(provider)
        for field in provider:
            setters = [
                name
                for name, entries in files.items()
                if any(effective_id(e) == pid and field in e for e in entries)
            ]
            expected = setters[0] if field == "id" else setters[-1]
            for path, pos in merged.values.items():
                if path[:3] == ("providers", i, field):
                    assert pos.file == expected, (path, pos, expected)
