"""A providers file as plan states: semantic values, secrets shown only by their references."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cherrysync.model import ProvidersFile
from cherrysync.plan.filestate import WrittenSecret, diff_files, shown_reference
from cherrysync.plan.review import DIFF_FORMATS, FileDiff
from cherrysync.secrets import mask


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("${OPENAI_API_KEY}", "${OPENAI_API_KEY}"),
        ("Bearer ${TOKEN}", "…${TOKEN}"),
        ("${KEY:-sk-fallback-0123456789}", "${KEY:-…}"),
        ("${KEY:?ask #platform}", "${KEY:?…}"),
        ("${keyring:cherrysync/openai}", "${keyring:cherrysync/openai}"),
        ("${op://Team/OpenAI/credential}", "${op://Team/OpenAI/credential}"),
        ("sk-literal-0123456789", "(literal)"),
        ("price$$5", "(literal)"),
        ("", ""),
        ("${broken", "(literal)"),  # cannot happen after validation; still shows nothing
    ],
)
def test_a_secret_shows_only_its_references(written: str, shown: str) -> None:
    assert shown_reference(written) == shown
    secret = WrittenSecret(written)
    assert str(secret) == shown and repr(secret) == f"Secret({shown!r})"


def _file(key: str, header: str) -> ProvidersFile:
    return ProvidersFile.from_data(
        {
            "version": 1,
            "providers": [
                {
                    "name": "Lab",
                    "type": "openai",
                    "api_key": key,
                    "headers": {"Authorization": header, "X-Team": "lab"},
                    "models": ["gpt2"],
                }
            ],
        }
    )


#: a prefix no output contains, so finding a secret (or its mask) in one means it leaked
_literal = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="$,"),
    min_size=8,
    max_size=40,
).map(lambda text: "sk-Q" + text)


@given(old=_literal, new=_literal, header=_literal)
def test_no_format_ever_shows_a_literal_secret(old: str, new: str, header: str) -> None:
    before = _file(old, f"Bearer {header}")
    after = _file(new, f"Bearer ${{TOKEN:-{header}}}")
    diff = FileDiff("old.yaml", "new.yaml", diff_files(before, after, "old -> new"))
    for render in DIFF_FORMATS.values():
        out = render(diff, colour=False)
        for secret in {old, new, header}:
            # neither the secret nor its mask (sk-a…wxyz), which shows its ends
            assert secret not in out and mask(secret) not in out


def test_same_literal_is_no_change_and_one_key_equals_a_list_of_one() -> None:
    plain = _file("sk-literal-0123456789", "Bearer ${T}")
    provider = dataclasses.asdict(plain.providers[0]) | {"api_key": ["sk-literal-0123456789"]}
    listed = ProvidersFile.from_data(dataclasses.asdict(plain) | {"providers": [provider]})
    assert diff_files(plain, listed, "x").empty
    assert not diff_files(plain, _file("sk-literal-9876543210", "Bearer ${T}"), "x").empty
