"""The model's strict conversion: what JSON Schema accepts, converted; anything else refused at
its place (tests/validate/test_properties.py checks the two agree on generated files)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from cherrysync.model import (
    PROVIDER_TYPES,
    CheckOptions,
    ModelError,
    ModelSpec,
    Provider,
    ProvidersFile,
)
from cherrysync.strict import field_specs, kind_of, where

pytestmark = pytest.mark.usefixtures("fresh_converters")


def _file(**provider: Any) -> dict[str, Any]:
    return {"version": 1, "providers": [{"name": "Relay", "type": "openai", **provider}]}


def _refused(data: Any) -> ModelError:
    with pytest.raises(ModelError) as caught:
        ProvidersFile.from_data(data)
    return caught.value


def test_a_full_provider_converts_to_the_typed_model() -> None:
    parsed = ProvidersFile.from_data(
        _file(
            id="relay",
            api_key=["${A}", "${B}"],
            headers={"X-Team": "core"},
            models=["gpt-4o", {"id": "embed", "capabilities": ["embedding"]}],
            check={"timeout": 5, "min_balance": 0},
            tags=["work"],
        )
    )
    provider = parsed.providers[0]
    assert provider.api_keys == ["${A}", "${B}"]
    assert provider.model_specs == [
        ModelSpec(id="gpt-4o"),
        ModelSpec(id="embed", capabilities=["embedding"]),
    ]
    assert provider.check == CheckOptions(timeout=5.0, min_balance=0.0)
    assert isinstance(provider.check.timeout, float)  # an integer in YAML, a float in the model
    assert provider.enabled is True and provider.notes is None  # defaults filled in


def test_x_keys_are_dropped_at_every_level() -> None:
    parsed = ProvidersFile.from_data(
        {"version": 1, "x-anchors": [1], "providers": [{"name": "a", "type": "ollama", "x-n": 1}]}
    )
    assert parsed.providers[0] == Provider(name="a", type="ollama")


def test_empty_capabilities_force_nothing_like_leaving_them_out() -> None:
    assert ModelSpec.from_data({"id": "m", "capabilities": []}).capabilities is None
    assert ModelSpec(id="m", capabilities=[]) == ModelSpec(id="m")


P = ("providers", 0)


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ("version: 1", (), "must be a mapping"),
        ({"version": True, "providers": []}, ("version",), "must be one of 1"),
        ({"version": "1", "providers": []}, ("version",), "must be one of 1"),
        ({"version": 1, "providers": {}}, ("providers",), "must be a list"),
        ({"version": 1, "providers": ["x"]}, P, "must be a mapping"),
        (_file(enabled="yes"), (*P, "enabled"), "must be true or false"),
        (_file(enabled=1), (*P, "enabled"), "must be true or false"),
        (_file(name=""), (*P, "name"), "is too short (at least 1)"),
        (_file(name="n" * 33), (*P, "name"), "is too long (at most 32)"),
        (_file(type="azure"), (*P, "type"), f"must be one of {', '.join(PROVIDER_TYPES)}"),
        (_file(base_url=7), (*P, "base_url"), "must be a string"),
        (_file(api_key=[]), (*P, "api_key"), "is too short (at least 1)"),
        (_file(api_key=3), (*P, "api_key"), "must be a string or a list"),
        (_file(api_key=["ok", 3]), (*P, "api_key", 1), "must be a string"),
        (_file(headers="X: 1"), (*P, "headers"), "must be a mapping"),
        (_file(headers={"X": 1}), (*P, "headers", "X"), "must be a string"),
        (_file(headers={1: "x"}), (*P, "headers"), "must have string keys"),
        (_file(models=[{"id": 3}]), (*P, "models", 0, "id"), "must be a string"),
        (_file(models=[1.5]), (*P, "models", 0), "must be a string or a mapping"),
        (_file(models=[None]), (*P, "models", 0), "must be a string or a mapping"),
        (_file(check="skip"), (*P, "check"), "must be a mapping"),
        (_file(check={"timeout": 0}), (*P, "check", "timeout"), "must be greater than 0"),
        (_file(check={"timeout": True}), (*P, "check", "timeout"), "must be a number"),
        (_file(check={"timeout": "5"}), (*P, "check", "timeout"), "must be a number"),
        (_file(check={"min_balance": -1}), (*P, "check", "min_balance"), "must be at least 0"),
        (_file(check={"timeout": 10**400}), (*P, "check", "timeout"), "is too large a number"),
        (_file(tags=["Work"]), (*P, "tags", 0), "does not match its pattern"),
        (_file(bogus=1), P, "has an unknown key 'bogus'"),
        (_file(**{"x" * 60: 1}), P, f"has an unknown key '{'x' * 40}'"),  # cut: it may be long
        ({"version": 1, "providers": [{"type": "openai"}]}, P, "is missing required key 'name'"),
    ],
)
def test_what_does_not_fit_is_refused_at_its_place(
    data: dict[str, Any], path: tuple[str | int, ...], message: str
) -> None:
    error = _refused(data)
    assert (error.path, error.message, str(error)) == (path, message, message)


def test_bounds_are_inclusive() -> None:
    parsed = ProvidersFile.from_data(_file(name="n" * 32, check={"min_balance": 0}))
    assert len(parsed.providers[0].name) == 32


def test_null_is_accepted_wherever_a_key_may_be_left_out() -> None:
    nulls = dict.fromkeys(("id", "base_url", "api_key", "headers", "check", "tags"))
    assert ProvidersFile.from_data(_file(**nulls)) == ProvidersFile.from_data(_file())


def test_a_pattern_end_is_the_end_of_the_text_not_a_final_newline() -> None:
    # ECMA-262 (JSON Schema) "$": Python's would accept "relay\n" as an id
    assert _refused(_file(id="relay\n")).path == ("providers", 0, "id")


def test_unknown_keys_that_are_not_strings_are_refused_not_crashed_on() -> None:
    assert "unknown key" in _refused(_file(**{"models": [{"id": "m", 1: 2}]})).message


def test_where_reads_like_the_file() -> None:
    assert where(("providers", 0, "check", "timeout")) == "providers[0].check.timeout"
    assert where(()) == "document"


@pytest.mark.parametrize("cls", [ProvidersFile, Provider, ModelSpec, CheckOptions])
def test_every_key_is_described_for_editors(cls: type) -> None:
    assert all(spec.description for spec in field_specs(cls))
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_a_union_option_without_a_name_is_a_model_bug_caught_when_it_is_built() -> None:
    assert [kind_of(t) for t in (str, list[str], ModelSpec)] == ["a string", "a list", "a mapping"]
    with pytest.raises(TypeError, match=r"union option strict\.py cannot name: <class 'int'>"):
        kind_of(int)
