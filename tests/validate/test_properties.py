"""Property tests: round trips, schema/model agreement, and no traceback on any input."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from cherrysync.model import (
    CAPABILITIES,
    ENDPOINT_TYPES,
    PROVIDER_TYPES,
    ModelError,
    ProvidersFile,
)
from cherrysync.validate.fileschema import generate_schema
from cherrysync.validate.pipeline import validate_bytes, validate_text

pytestmark = pytest.mark.usefixtures("fresh_converters")

SETTINGS = settings(
    max_examples=int(os.environ.get("CS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
VALIDATOR = Draft202012Validator(generate_schema())

# YAML folds control characters and line separators, so generated text leaves them out.
chars = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
text = st.text(alphabet=chars, min_size=1, max_size=20)
free_text = st.text(alphabet=chars, min_size=1, max_size=30)
ids = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,12}\Z")
model_spec = st.one_of(
    text,
    st.fixed_dictionaries(
        {"id": text},
        optional={
            "name": text,
            "group": text,
            "capabilities": st.lists(st.sampled_from(CAPABILITIES), max_size=3),
            "endpoint_type": st.sampled_from(ENDPOINT_TYPES),
            "description": free_text,
        },
    ),
)
provider = st.fixed_dictionaries(
    {"name": text.filter(lambda s: len(s) <= 32), "type": st.sampled_from(PROVIDER_TYPES)},
    optional={
        "id": ids,
        "base_url": st.sampled_from(["https://relay.example.com/v1/", "http://localhost:8000/"]),
        "api_key": st.one_of(text, st.lists(text, min_size=1, max_size=3)),
        "api_version": text,
        "enabled": st.booleans(),
        "headers": st.dictionaries(st.from_regex(r"\AX-[A-Za-z]{1,8}\Z"), text, max_size=2),
        "notes": free_text,
        "models": st.lists(model_spec, max_size=4),
        "check": st.fixed_dictionaries(
            {},
            optional={
                "skip": st.booleans(),
                "probe": st.booleans(),
                "timeout": st.floats(min_value=0.5, max_value=60),
            },
        ),
        "tags": st.lists(ids, max_size=3),
        "x-note": free_text,
    },
)
valid_file = st.fixed_dictionaries(
    {"version": st.just(1), "providers": st.lists(provider, max_size=4)}
)

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, width=32),
    st.sampled_from(["", "openai", "x", "1", "https://h/"]),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "name", "type", "x-a", "zz", "models"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


@SETTINGS
@given(valid_file)
def test_generated_files_load_back_equal(data: dict[str, Any]) -> None:
    validated = validate_text(_dump(data), "gen.yaml")
    assert validated.model == ProvidersFile.from_data(data)


def _mutate(data: Any, path: list[int], value: Any, mode: int) -> Any:
    """Replace, drop or add at a pseudo-random place chosen by ``path``."""
    if not path or not isinstance(data, dict | list) or not data:
        if mode == 0 or not isinstance(data, dict):
            return value
        return {**data, "unknown": value}
    step, rest = path[0], path[1:]
    if isinstance(data, list):
        i = step % len(data)
        if mode == 1 and not rest:
            return data[:i] + data[i + 1 :]
        return [*data[:i], _mutate(data[i], rest, value, mode), *data[i + 1 :]]
    keys = sorted(data)
    key = keys[step % len(keys)]
    if mode == 1 and not rest:
        return {k: v for k, v in data.items() if k != key}
    return {**data, key: _mutate(data[key], rest, value, mode)}


@SETTINGS
@given(valid_file, st.lists(st.integers(0, 50), max_size=5), json_value, st.integers(0, 2))
def test_schema_and_model_agree(
    data: dict[str, Any], path: list[int], value: Any, mode: int
) -> None:
    mutated = _mutate(data, path, value, mode)
    schema_ok = VALIDATOR.is_valid(mutated)
    try:
        ProvidersFile.from_data(mutated)
        model_ok = True
    except ModelError:
        model_ok = False
    assert schema_ok == model_ok, mutated


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    result = validate_bytes(raw, "fuzz.yaml")
    assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)


@SETTINGS
@given(valid_file, st.lists(st.tuples(st.integers(0, 10_000), st.text(max_size=3)), max_size=4))
def test_text_mutations_never_raise(data: dict[str, Any], edits: list[tuple[int, str]]) -> None:
    source = _dump(data)
    for position, insert in edits:
        cut = position % (len(source) + 1)
        source = source[:cut] + insert + source[cut + 1 :]
    validate_text(source, "mutated.yaml")
