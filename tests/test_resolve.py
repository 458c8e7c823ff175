"""Resolving a validated file: a ``${VAR}`` set to an empty string is an error where it is used."""

from __future__ import annotations

from cherrysync.resolve import resolve_providers
from cherrysync.validate.pipeline import validate_text

FILE = """\
version: 1
providers:
  - name: Empty key
    type: openai
    api_key: ${EMPTY_KEY}
  - name: Optional second key
    type: openai
    api_key: ["${OK_KEY}", "${SECOND_KEY:-}"]
  - name: Empty URL
    type: new-api
    base_url: ${RELAY_URL}
    models: [{id: gpt-4o, endpoint_type: openai}]
"""


def test_an_empty_variable_is_an_error_not_a_keyless_provider() -> None:
    env = {"EMPTY_KEY": "", "OK_KEY": "sk-ok-0123456789ab", "SECOND_KEY": "", "RELAY_URL": ""}
    validated = validate_text(FILE, "providers.yaml")
    assert validated.model is not None
    resolved, problems = resolve_providers(
        validated.model, env, filename="providers.yaml", document=validated.document
    )
    assert [d.as_text() for d in problems] == [
        "providers.yaml:5:14: error: EMPTY_KEY is set but empty, so the provider would have no "
        "key; set it, or write ${EMPTY_KEY:-} where an empty value is meant [env-empty]",
        "providers.yaml:11:15: error: RELAY_URL is set but empty, so base_url would be empty; "
        "set it, or write ${RELAY_URL:-} where an empty value is meant [env-empty]",
    ]
    # ${VAR:-} says an empty value is meant: the optional second key is simply left out
    assert [len(p.api_keys) for p in resolved] == [0, 1, 0]
