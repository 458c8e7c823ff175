"""References, masking, dotenv files and resolution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cherrysync.load.envfile import EnvFileError, parse_env_text
from cherrysync.resolve import resolve_providers
from cherrysync.secrets import (
    EnvRef,
    EnvSyntaxError,
    Secret,
    UnsetVariableError,
    interpolate,
    is_secret_header,
    mask,
    redact,
    references,
)
from cherrysync.validate.pipeline import validate_text


def test_mask() -> None:
    assert mask("sk-abcdefghijklmnopwxyz") == "sk-a…wxyz"
    assert mask("short-key1") == "sh…y1"
    assert mask("tiny") == "…"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("0123456789abcdef", "0123…cdef"),  # 16: the first length that shows four each side
        ("0123456789abcde", "01…de"),  # 15
        ("01234567", "01…67"),  # 8: the first length that shows anything
        ("0123456", "…"),  # 7
        ("x", "…"),
        ("", ""),
    ],
)
def test_mask_lengths(value: str, masked: str) -> None:
    assert mask(value) == masked
    assert Secret(value).masked == masked
    assert str(Secret(value)) == masked
    assert repr(Secret(value)) == f"Secret({masked!r})"


def test_secret_never_shows_its_value() -> None:
    secret = Secret("sk-abcdefghijklmnopwxyz")
    for text in (str(secret), repr(secret), f"{secret}", f"{[secret]}", str({"k": secret})):
        assert "abcdefghijklmnop" not in text
    assert secret.reveal() == "sk-abcdefghijklmnopwxyz"
    with pytest.raises(TypeError, match=r"^Secret values cannot be pickled$"):
        import pickle

        pickle.dumps(secret)


def test_secret_equality_and_hashing() -> None:
    one, same, other = Secret("sk-one-0123456789"), Secret("sk-one-0123456789"), Secret("sk-two")
    assert one == same and hash(one) == hash(same)
    assert one != other and hash(one) != hash(other)
    assert one != "sk-one-0123456789"  # a secret never equals its plain value
    assert {one, same, other} == {one, other}
    assert len({one, same}) == 1


def test_redact() -> None:
    text = "failed with sk-abcdefghijklmnopwxyz at host"
    assert redact(text, [Secret("sk-abcdefghijklmnopwxyz")]) == "failed with sk-a…wxyz at host"


def test_redact_every_occurrence_of_every_secret() -> None:
    text = "a=sk-first-0123456789 b=hdr-value-0123 again sk-first-0123456789"
    secrets = [Secret("sk-first-0123456789"), "hdr-value-0123", "absent-secret-000"]
    assert redact(text, secrets) == "a=sk-f…6789 b=hd…23 again sk-f…6789"
    assert redact("", secrets) == ""
    assert redact(text, []) == text


def test_redact_overlapping_secrets_longest_first() -> None:
    """A key that contains another configured value is masked whole, not around the shorter one
    (masking the short one first would leave the long key's tail readable)."""
    long, short = "sk-abcdefgh-0123456789xyz", "sk-abcdefgh"
    text = f"got {long} and {short}"
    expected = "got sk-a…9xyz and sk…gh"
    assert redact(text, [short, long]) == expected
    assert redact(text, [Secret(short), Secret(long)]) == expected
    assert redact(text, [long, short]) == expected
    assert "0123456789" not in redact(text, [short, long])
    # longest first, not alphabetical: a header value that contains the key
    key = "sk-live-0123456789abcdef"
    header = f"Bearer {key}"
    assert redact(f"sent '{header}'", [key, header]) == "sent 'Bear…cdef'"


def test_redact_length_floor() -> None:
    assert redact("code abcd here", ["abcd"]) == "code … here"  # four characters: redacted
    assert redact("code abc here", ["abc"]) == "code abc here"  # three: left alone


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${A}", "alpha"),
        ("x-${A}-y", "x-alpha-y"),
        ("${UNSET:-fallback}", "fallback"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${EMPTY}", ""),
        ("$$A and $${A}", "$A and ${A}"),
        ("cost $5", "cost $5"),
        ("${A:-fallback}", "alpha"),
        ("${A:?ask ops}", "alpha"),
        ("$$${A}", "$alpha"),
        ("pre$$-${A}-$$post", "pre$-alpha-$post"),
        ("${A}$$", "alpha$"),
        ("${A}${A}", "alphaalpha"),
        ("${UNSET:-}", ""),
        ("${UNSET:-a b:c}-x", "a b:c-x"),
    ],
)
def test_interpolate(template: str, expected: str) -> None:
    assert interpolate(template, {"A": "alpha", "EMPTY": ""}) == expected


def test_references() -> None:
    assert references("${A}-${B:-b}-${C:?say}-$${D}") == [
        EnvRef("A"),
        EnvRef("B", default="b"),
        EnvRef("C", required_message="say"),
    ]
    assert references("${C:?}") == [EnvRef("C")]  # an empty message is no message
    assert references("${B:-}") == [EnvRef("B", default="")]
    assert references("sk-typed-into-the-file") == references("$${NOT_A_REF}") == []


def test_interpolate_errors() -> None:
    with pytest.raises(UnsetVariableError, match="UNSET is not set: ask ops") as unset:
        interpolate("${UNSET:?ask ops}", {})
    assert unset.value.ref == EnvRef("UNSET", required_message="ask ops")
    with pytest.raises(UnsetVariableError, match="UNSET is not set"):
        interpolate("${UNSET}", {})
    with pytest.raises(UnsetVariableError, match=r"^environment variable EMPTY is not set: ask$"):
        interpolate("${EMPTY:?ask}", {"EMPTY": ""})
    with pytest.raises(EnvSyntaxError, match=r"write \$\$ for a literal \$") as info:
        interpolate("abc${bad name}", {})
    assert info.value.offset == 3
    with pytest.raises(EnvSyntaxError, match=r"write \$\$ for a literal \$") as info:
        interpolate("$${A}-${", {"A": "alpha"})
    assert info.value.offset == 6


def test_env_file_parsing() -> None:
    text = 'A=1\nexport B="two # not a comment"\nC=\'x y\'  # note\n# c\n\nD=plain # c\nE="a\\nb"\n'
    assert parse_env_text(text, ".env") == {
        "A": "1",
        "B": "two # not a comment",
        "C": "x y",
        "D": "plain",
        "E": "a\nb",
    }
    with pytest.raises(EnvFileError, match=r"\.env:1: expected KEY=value"):
        parse_env_text("sk-secret-line-without-equals\n", ".env")
    with pytest.raises(EnvFileError, match="unterminated"):
        parse_env_text('A="open\n', ".env")


def test_resolve_reports_unset_variable_with_its_line(tmp_path: Path) -> None:
    text = (
        "version: 1\nproviders:\n  - name: A\n    type: openai\n    api_key:\n"
        "      - ${KEY_ONE}\n      - ${KEY_TWO}\n    headers: {X-Org: '${ORG:-acme}'}\n"
    )
    validated = validate_text(text, "p.yaml")
    assert validated.model is not None
    resolved, problems = resolve_providers(
        validated.model,
        {"KEY_ONE": "sk-one-0123456789abcdef"},
        filename="p.yaml",
        document=validated.document,
    )
    assert [p.as_text() for p in problems] == [
        "p.yaml:7:9: error: environment variable KEY_TWO is not set [env-unset]"
    ]
    provider = resolved[0]
    assert provider.api_keys == (Secret("sk-one-0123456789abcdef"),)
    assert provider.headers["X-Org"].reveal() == "acme"
    assert provider.base_url == "https://api.openai.com"
    assert "0123456789abcdef" not in repr(provider)


@pytest.mark.parametrize("value", ["http://relay:99999/", "http://[::1/", "ftp://relay/", "relay"])
def test_base_url_from_the_environment_gets_the_url_checks(value: str) -> None:
    text = "version: 1\nproviders:\n  - name: A\n    type: openai\n    base_url: ${RELAY_URL}\n"
    validated = validate_text(text, "p.yaml")
    assert validated.model is not None and validated.ok
    resolved, problems = resolve_providers(
        validated.model, {"RELAY_URL": value}, filename="p.yaml", document=validated.document
    )
    assert [(p.line, p.column, p.rule) for p in problems] == [(5, 15, "base-url-scheme")]
    assert "${RELAY_URL} (as set in the environment)" in problems[0].message
    assert value not in problems[0].message
    assert resolved[0].base_url is None


@pytest.mark.parametrize(
    ("key", "header"),
    [
        ("sk-abc\ndef-0123456789", "ok"),
        ("sk-ünïcode-0123456789", "ok"),
        ("sk-a,sk-b-0123", "ok"),
        ("sk-fine-0123456789", "a\r\nX-Evil: 1"),
        ("sk-fine-0123456789", "café"),
    ],
)
def test_environment_values_that_http_cannot_carry_are_errors(key: str, header: str) -> None:
    text = (
        "version: 1\nproviders:\n  - name: A\n    type: openai\n    api_key: ${K}\n"
        "    headers: {X-A: '${H}'}\n"
    )
    validated = validate_text(text, "p.yaml")
    assert validated.model is not None
    _, problems = resolve_providers(
        validated.model, {"K": key, "H": header}, filename="p.yaml", document=validated.document
    )
    bad_key = key != "sk-fine-0123456789"
    assert [p.rule for p in problems] == ["key-chars" if bad_key else "header-value"]
    assert all(key not in p.message and header not in p.message for p in problems)


def test_short_values_are_not_redacted_into_garbage() -> None:
    assert redact("unexpected error", [Secret("x")]) == "unexpected error"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("${keyring:}", "invalid keychain reference"),
        ("${keyring:svc/us\x01er}", "invalid keychain reference"),
        ("${op://vault/item/field?attribute}", "invalid 1Password reference"),
        ("${op://vault/item/field\x7f}", "invalid 1Password reference"),
        ("${op://vault/item/field}", None),
        ("${op://vault/item/field?attribute=otp}", None),
        ("${vault:kv/relay}", "unknown secret store 'vault:'"),
    ],
)
def test_store_reference_errors_point_at_their_reference(bad: str, message: str | None) -> None:
    """A store reference must be printable, and a 1Password query must be ``name=value``; the
    error's offset is where the ``${`` stands in the value."""
    if message is None:
        assert len(references("key: " + bad)) == 1
        return
    with pytest.raises(EnvSyntaxError, match=re.escape(message)) as caught:
        references("key: " + bad)
    assert caught.value.offset == 5


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("X-Api-Key", True),
        ("x-auth-token", True),
        ("Cookie", True),
        ("X-Client-Secret", True),
        ("Accept", False),
        ("X-Title", False),
    ],
)
def test_secret_headers_are_known_by_name(name: str, secret: bool) -> None:
    assert is_secret_header(name) is secret


def test_store_references_are_read_through_the_reader() -> None:
    def read(ref: object) -> str:
        return f"<{ref}>"

    assert interpolate("Bearer ${keyring:s/u} ${ENV}", {"ENV": "e"}, read) == (
        "Bearer <${keyring:s/u}> e"
    )
