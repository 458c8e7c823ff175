"""Semantic rules on whole files: every problem of a file in one run, exact positions and
messages, the exemptions, and values that hold ``${VAR}`` references."""

from __future__ import annotations

import pytest

from cherrysync.validate.pipeline import ValidationOptions, validate_text
from cherrysync.validate.rules import RuleOptions, check_semantics

Row = tuple[int, int, str, str, str]


def diagnostics(body: str, options: ValidationOptions | None = None) -> list[Row]:
    """(line, column, severity, rule, message) of each diagnostic of a file with ``body`` as its
    provider list; line 3 is the first line of ``body``."""
    result = validate_text(f"version: 1\nproviders:\n{body}", "p.yaml", options)
    assert result.model is not None, result.diagnostics
    return [(d.line, d.column, d.severity, d.rule, d.message) for d in result.diagnostics]


def rules(body: str, options: ValidationOptions | None = None) -> list[tuple[int, str]]:
    return [(line, rule) for line, _, _, rule, _ in diagnostics(body, options)]


def provider(name: str, base_url: str | None, ptype: str = "openai", extra: str = "") -> str:
    url = f"    base_url: '{base_url}'\n" if base_url is not None else ""
    return f"  - name: {name}\n    type: {ptype}\n{url}{extra}"


SCHEME = "must be an http:// or https:// URL"


# ------------------------------------------------------------------------------- base URLs


def test_every_bad_base_url_of_a_file_is_reported() -> None:
    """Providers without a base URL, or with one that starts with a reference, do not end the
    rule: the bad URLs after them are still reported."""
    body = (
        provider("Default host", None)
        + provider("From env", "${RELAY_URL}")
        + provider("Ftp", "ftp://files.example.com")
        + provider("Azure", None, "azure-openai", "    api_version: '2024-10-21'\n")
        + provider("Endpoint", "https://relay.example.com/v1/chat/completions")
        + provider("Query", "https://relay.example.com/v1/?x=1")
        + provider("Local Llama", None, "ollama")
        + provider("Slash", "https://relay.example.com/v1")
    )
    assert rules(body) == [
        (10, "base-url-scheme"),
        (12, "base-url-required"),
        (16, "base-url-endpoint"),
        (19, "base-url-query"),
        (24, "base-url-v1-slash"),
    ]


def test_ollama_and_azure_are_exempt_from_the_version_slash_rule() -> None:
    body = (
        provider("Local Llama", "http://localhost:11434/v1", "ollama")
        + provider(
            "Azure", "https://c.openai.azure.com/openai/v1", "azure-openai", "    api_version: v1\n"
        )
        + provider("Vllm", "http://localhost:8000/v1")
        + provider("Gem", "https://generativelanguage.googleapis.com/v1beta", "gemini")
    )
    assert rules(body) == [(12, "base-url-v1-slash"), (15, "base-url-v1-slash")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://relay.example.com/v1#", ["base-url-verbatim"]),
        ("https://relay.example.com/v1/chat/completions#", ["base-url-verbatim"]),
        ("https://relay.example.com/v1/chat/completions/", ["base-url-endpoint"]),
        ("https://relay.example.com/my-models/", []),  # a longer segment is no endpoint
        ("https://relay.example.com/v1/modelsX/", []),
        ("https://relay.example.com/v1X", []),  # no version segment
        ("https://relay.example.com/v1/##", ["base-url-query"]),
        ("https://relay.example.com/v1/#a#", ["base-url-query"]),
        ("https://relay.example.com/v1/#frag", ["base-url-query"]),
        ("http://relay.example.com:0/", ["base-url-scheme"]),
        ("http://relay.example.com:1/", []),
        ("http://relay.example.com:65535/", []),
    ],
)
def test_base_url_shapes(url: str, expected: list[str]) -> None:
    assert [rule for _, rule in rules(provider("A", url))] == expected


def test_base_url_messages() -> None:
    body = (
        provider("A", "https://relay.example.com/v1/chat/completions")
        + provider("B", "https://relay.example.com/v1#")
        + provider("C", "https://relay.example.com/$$team/v1")
    )
    assert diagnostics(body) == [
        (
            5,
            15,
            "error",
            "base-url-endpoint",
            "base_url ends in the endpoint path '/chat/completions', which the app appends "
            "itself; use 'https://relay.example.com/v1/' (or "
            "'https://relay.example.com/v1/chat/completions#' to make the app use the URL "
            "verbatim)",
        ),
        (
            8,
            15,
            "warning",
            "base-url-verbatim",
            "a trailing '#' (use the URL verbatim) is honoured by Cherry Studio 1.6+ only; older "
            "1.x and some 2.x releases append paths anyway",
        ),
        (
            11,
            15,
            "warning",
            "base-url-v1-slash",
            # as written: the suggestion is pasted back into the file, where '$' is '$$'
            "older app versions turn 'https://relay.example.com/$$team/v1' into "
            "'https://relay.example.com/$$team/v1/v1/'; write "
            "'https://relay.example.com/$$team/v1/' (with the trailing slash), which every "
            "version reads the same",
        ),
    ]


# ------------------------------------------------------------------- references inside URLs


def test_references_inside_a_url_are_checked_around_the_reference() -> None:
    body = (
        provider("Host", "https://${RELAY_HOST}/v1")
        + provider("Default", "https://${RELAY_HOST:-relay.example.com}/v1/")
        + provider("Ftp", "ftp://${RELAY_HOST}/")
        + provider("Path", "https://relay.example.com/${PREFIX}/chat/completions")
        + provider("Whole", "${RELAY_URL}")
        + provider("Escaped", "https://relay.example.com/$${NOT_A_REF}/")
    )
    assert [(line, rule) for line, _, _, rule, _ in diagnostics(body)] == [
        (5, "base-url-v1-slash"),
        (11, "base-url-scheme"),
        (14, "base-url-endpoint"),
    ]
    # the message quotes the URL as written in the file
    assert diagnostics(body)[1][4] == f"base_url 'ftp://${{RELAY_HOST}}/' {SCHEME}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:${PORT}/v1/", []),
        ("http://localhost:${PORT}", []),
        ("http://localhost:8${PORT_TAIL}/v1/", []),
        ("http://${HOST}:${PORT}/v1/", []),
        ("http://${HOST}:8080/v1/", []),
        ("https://api.${DOMAIN}/v1/", []),
        ("http://[::1]:${PORT}/v1/", []),
        ("http://[${IPV6}]/v1/", []),  # nothing literal to check but the path
        ("${SCHEME}://relay.example.com/v1", []),
        ("http${TLS}://relay.example.com/v1", []),
        ("https://relay.example.com/${PREFIX}/", []),
        ("https://relay.example.com/v1/${ROUTE}", []),
        ("http://localhost:${PORT}/v1", ["base-url-v1-slash"]),
        ("http://localhost:${PORT}/v1/chat/completions", ["base-url-endpoint"]),
        ("http://${USER}:${PASSWORD}@relay.example.com/", ["base-url-credentials"]),
        ("https://relay.example.com/v1/?key=${KEY}", ["base-url-query"]),
        ("ftp://localhost:${PORT}/", ["base-url-scheme"]),
        ("http://localhost:${PORT}:1/", ["base-url-scheme"]),
        ("http://X:${PORT}/v1/", []),
        ("http://[::1]:${PORT}/v1", ["base-url-v1-slash"]),
        ("http://[user@${HOST}/", ["base-url-scheme"]),  # an unclosed bracket before the '@'
        ("://${HOST}/", ["base-url-scheme"]),
        # a URL in the path (a proxy) is path: its brackets are no IPv6 host
        ("https://gw.example.com/https://[${V6}]/v1", ["base-url-v1-slash"]),
    ],
)
def test_a_reference_is_checked_where_it_stands(url: str, expected: list[str]) -> None:
    """A reference in the port, the host or the path stands for a value valid there; only what
    the literal text decides is reported."""
    assert [rule for _, rule in rules(provider("A", url))] == expected


def test_messages_quote_references_as_written() -> None:
    body = provider("Host", "https://${RELAY_HOST}/v1") + provider(
        "Endpoint", "http://localhost:${PORT}/v1/chat/completions"
    )
    assert [(line, rule, message) for line, _, _, rule, message in diagnostics(body)] == [
        (
            5,
            "base-url-v1-slash",
            "older app versions turn 'https://${RELAY_HOST}/v1' into "
            "'https://${RELAY_HOST}/v1/v1/'; write 'https://${RELAY_HOST}/v1/' (with the "
            "trailing slash), which every version reads the same",
        ),
        (
            8,
            "base-url-endpoint",
            "base_url ends in the endpoint path '/chat/completions', which the app appends "
            "itself; use 'http://localhost:${PORT}/v1/' (or "
            "'http://localhost:${PORT}/v1/chat/completions#' to make the app use the URL "
            "verbatim)",
        ),
    ]


def test_trailing_whitespace_does_not_hide_an_endpoint_path() -> None:
    """validate trims the URL as the app and the checker do."""
    assert rules(provider("A", "https://relay.example.com/v1/chat/completions ")) == [
        (5, "base-url-endpoint")
    ]


# ------------------------------------------------------------------------- keys and secrets


def test_key_characters() -> None:
    body = (
        "  - name: A\n    type: openai\n    api_key: sk-XYZ-0123456789\n"
        "  - name: B\n    type: openai\n    api_key: 'sk-a&b-0123456789'\n"
        "  - name: C\n    type: openai\n    api_key: ['${K1}', 'sk-a,b-0123456789']\n"
        "  - name: D\n    type: openai\n    api_key: 'sk-a，b-0123456789'\n"
    )
    literal = "api_key holds a literal secret; reference it as ${VAR} and keep the value out of Git"
    split = (
        "api_key contains a comma or whitespace, which the app treats as a key separator; "
        "list several keys as a YAML list instead"
    )
    assert diagnostics(body) == [
        (5, 14, "warning", "literal-secret", literal),
        (
            8,
            14,
            "warning",
            "key-chars",
            "api_key contains '&', '=' or '+', which broke model fetching in some app releases",
        ),
        (8, 14, "warning", "literal-secret", literal),
        (11, 24, "error", "key-chars", split),
        (11, 24, "warning", "literal-secret", literal),
        (14, 14, "error", "key-chars", split),
        (14, 14, "warning", "literal-secret", literal),
    ]


def test_require_env_accepts_variables_that_are_set() -> None:
    body = (
        "  - name: A\n    type: openai\n    api_key: ${SET_KEY}\n"
        "    base_url: https://${UNSET_HOST:?ask ops}/v1/\n"
        "    headers: {X-Team: '${TEAM:-core}'}\n"
    )
    options = ValidationOptions(require_env=True, env={"SET_KEY": "sk-0123456789abcdef"})
    assert diagnostics(body, options) == [
        (6, 15, "error", "env-unset", "environment variable UNSET_HOST is not set: ask ops"),
    ]
    assert diagnostics(body, ValidationOptions(env={})) == []


def test_require_env_with_tags_asks_only_the_tagged_providers() -> None:
    body = (
        "  - name: Untagged\n    type: openai\n    api_key: ${A_KEY}\n"
        "  - name: Work\n    type: openai\n    api_key: ${B_KEY}\n    tags: [work]\n"
        "  - name: Home\n    type: openai\n    api_key: ${C_KEY}\n    tags: [home]\n"
    )
    options = ValidationOptions(require_env=True, env={}, tags=frozenset({"work"}))
    assert diagnostics(body, options) == [
        (8, 14, "error", "env-unset", "environment variable B_KEY is not set"),
    ]


def test_header_secrets_and_names() -> None:
    body = (
        "  - name: A\n    type: openai\n    headers:\n"
        "      X-Team: platform\n"
        "      X-Api-Key: literal-key-0123\n"
        "      Bad Header: v\n"
    )
    assert diagnostics(body) == [
        (
            7,
            18,
            "warning",
            "literal-secret",
            "header 'X-Api-Key' holds a literal secret; reference it as ${VAR} and keep the "
            "value out of Git",
        ),
        (8, 7, "error", "header-name", "'Bad Header' is not a valid HTTP header name"),
    ]


# ------------------------------------------------------------------------------ models, links


def test_model_id_characters() -> None:
    body = (
        "  - name: A\n    type: openai\n    models:\n"
        "      - gpt-X\n"
        "      - a?b#c\n"
        "      - {id: ' padded'}\n"
    )
    assert diagnostics(body) == [
        (
            7,
            9,
            "error",
            "model-id-chars",
            "model id 'a?b#c' contains '#', '?', which the app does not allow in model ids",
        ),
        (
            8,
            14,
            "error",
            "model-id-chars",
            "model id ' padded' has leading or trailing whitespace (the app trims it)",
        ),
    ]


def test_deeplink_characters_in_a_key_are_not_quoted() -> None:
    """Parentheses travel as JSON escapes; only the quote cannot travel, and the key that
    holds it is never quoted in the message."""
    body = (
        "  - name: A\n    type: openai\n    api_key: 'sk-(paren)-0123456789'\n"
        "  - name: B\n    type: openai\n    api_key: \"sk-'quote'-0123456789\"\n"
    )
    assert [d for d in diagnostics(body) if d[3] == "deeplink-chars"] == [
        (
            8,
            14,
            "warning",
            "deeplink-chars",
            'api_key (a secret) contains "\'", which a deep link cannot carry '
            "(the Cherry Studio 1.x handler rewrites or breaks on it)",
        )
    ]


def test_findings_name_the_exact_node_and_severity() -> None:
    """What the rules hand to the pipeline: the path of the offending node (a single key is
    the ``api_key`` scalar itself, a string model is the list item) and the severity."""
    text = (
        "version: 1\nproviders:\n"
        "  - name: A 'EU'\n    type: openai\n    base_url: https://relay.example.com/v1\n"
        "    api_key: 'sk-a&b-0123456789'\n    models: ['a?b']\n"
        "  - name: B\n    type: openai\n    base_url: https://relay.example.com/v1#\n"
        "    api_key: ['${K}', 'sk-c+d-0123456789']\n    models: [{id: 'c#d'}]\n"
    )
    validated = validate_text(text, "p.yaml")
    assert validated.model is not None
    findings = check_semantics(validated.model, RuleOptions())
    assert [(f.path, f.severity, f.rule) for f in findings] == [
        (("providers", 0, "models", 0), "error", "model-id-chars"),
        (("providers", 1, "models", 0, "id"), "error", "model-id-chars"),
        (("providers", 0, "base_url"), "warning", "base-url-v1-slash"),
        (("providers", 1, "base_url"), "warning", "base-url-verbatim"),
        (("providers", 0, "api_key"), "warning", "literal-secret"),
        (("providers", 0, "api_key"), "warning", "key-chars"),
        (("providers", 1, "api_key", 1), "warning", "literal-secret"),
        (("providers", 1, "api_key", 1), "warning", "key-chars"),
        (("providers", 0, "name"), "warning", "deeplink-chars"),
    ]


# ------------------------------------------------------------------------- env-unbraced


def test_unbraced_references_name_every_variable_and_a_bare_name_is_only_a_warning() -> None:
    """Shell-style ``$A ... $B`` is an error naming each variable once; a bare variable name as
    the key is a warning (it could, in principle, be a real key)."""
    body = (
        "  - name: Shell\n    type: openai\n    api_key: ${OK}\n"
        "    headers: {X-Auth: '$TEAM_A-$TEAM_B-$TEAM_A'}\n"
        "  - name: Bare\n    type: openai\n    api_key: OPENAI_API_KEY\n"
    )
    found = [row for row in diagnostics(body) if row[3] == "env-unbraced"]
    assert found == [
        (
            6,
            23,
            "error",
            "env-unbraced",
            "header 'X-Auth': '$TEAM_A', '$TEAM_B' is taken literally (only ${...} is a "
            "reference); did you mean '${TEAM_A}', '${TEAM_B}'?",
        ),
        (
            9,
            14,
            "warning",
            "env-unbraced",
            "api_key: 'OPENAI_API_KEY' looks like a variable name but is taken as the literal "
            "key; did you mean '${OPENAI_API_KEY}'?",
        ),
    ]
