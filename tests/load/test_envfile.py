"""Dotenv files: read as python-dotenv reads them, with cherrysync's rules on top."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from cherrysync.cli import main
from cherrysync.load.envfile import MAX_BYTES, EnvFileError, parse_env_text, read_env_file
from cherrysync.targets.importer import render_env

ENVIRON = {"HOME_DIR": "/home/me", "EMPTY": ""}

# lines whose value python-dotenv and cherrysync agree on, expansion included
SAME_AS_PYTHON_DOTENV = [
    "A=plain",
    "A=plain # comment",
    "A=#not-a-comment",
    "A= # only a comment",
    "A=",
    "  export   A = spaced  ",
    'A="two # words"',
    'A="a\\nb\\tc\\\\d\\"e"',
    'A="line one\nline two"',
    "A='x y'  # note",
    "A='a\\\\b\\'c'",
    "A='line one\nline two'",
    "'A'=quoted key",
    "A.B-C=odd key",
    "A=${HOME_DIR}/bin",
    'A="${HOME_DIR}/bin"',
    "A=${UNSET_VAR}",
    "A=${UNSET_VAR:-fallback}",
    "A=${EMPTY:-fallback}",
    "A=$HOME_DIR",
    "A=x\r\nB=${A}y\r\n",
    "A=1\nB=${A}2\nA=3",
    "\ufeffA=bom",
]


@pytest.mark.parametrize("text", SAME_AS_PYTHON_DOTENV)
def test_values_are_what_python_dotenv_reads(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("UNSET_VAR", "A", "B"):
        monkeypatch.delenv(name, raising=False)
    for name, value in ENVIRON.items():
        monkeypatch.setenv(name, value)
    expected = dotenv_values(stream=io.StringIO(text))
    assert parse_env_text(text, ".env", environ=ENVIRON) == expected


def test_single_quoted_values_are_never_expanded() -> None:
    text = "A='${HOME_DIR}'\nB='$${X:-y}'\n"
    assert parse_env_text(text, ".env", environ=ENVIRON) == {"A": "${HOME_DIR}", "B": "$${X:-y}"}


def test_expansion_order_environment_then_lines_above_then_earlier_files() -> None:
    text = "B=${A}\nC=${ONLY_EARLIER}\nA=file\nD=${A}\n"
    inherited = {"A": "earlier", "ONLY_EARLIER": "e"}
    assert parse_env_text(text, ".env", inherited=inherited) == {
        "B": "earlier",
        "C": "e",
        "A": "file",
        "D": "file",
    }
    assert parse_env_text(text, ".env", environ={"A": "env"}, inherited=inherited)["D"] == "env"


@given(
    st.text(st.characters(exclude_categories=("C", "Z"), exclude_characters="'\\"), max_size=200),
    st.text('$"{}:- xA`', max_size=20),
)
def test_what_import_writes_reads_back_exactly(value: str, tricky: str) -> None:
    env = {"KEY": value, "KEY_2": tricky, "KEY_3": "${KEY}"}
    text = render_env(env, "providers.yaml")
    assert parse_env_text(text, ".env", environ={"KEY": "from-environment"}) == env


SECRET = "sk-secret-0123456789"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{SECRET}\n", r"^\.env:1: expected KEY=value$"),
        (f"A=1\n\n# c\n{SECRET} more\n", r"^\.env:4: expected KEY=value$"),
        (f"A=1\n=  {SECRET}\n", r"^\.env:2: expected KEY=value$"),
        (f'A=1\n\nB="{SECRET}\n', r'^\.env:3: unterminated " quote$'),
        (f"A='{SECRET}\\'\n", r"^\.env:1: unterminated ' quote$"),
        (f'\n\nA="x\ny" {SECRET}\n', r"^\.env:3: unexpected text after the closing quote$"),
        (f"A=1\nB={' ' * 300}{SECRET}\n", r"^\.env:2: more than 256 blanks in a row$"),
    ],
)
def test_errors_name_file_and_line_never_the_value(text: str, message: str) -> None:
    with pytest.raises(EnvFileError, match=message) as info:
        parse_env_text(text, ".env")
    assert SECRET not in str(info.value)


def test_size_and_encoding_are_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.env"
    big.write_bytes(b"A=" + b"x" * MAX_BYTES)
    with pytest.raises(EnvFileError, match=r"big\.env: larger than 1 MiB"):
        read_env_file(big)
    latin = tmp_path / "latin.env"
    latin.write_bytes(b"A=1\nB=caf\xe9\n")
    with pytest.raises(EnvFileError, match=r"latin\.env:2: not valid UTF-8"):
        read_env_file(latin)


def test_the_largest_hostile_file_is_read_quickly(tmp_path: Path) -> None:
    """python-dotenv's comment stripping is quadratic in a run of blanks; the cap keeps it fast."""
    line = "A=x" + (" " * 256 + "x") * 60 + "\n"
    hostile = tmp_path / "hostile.env"
    hostile.write_text(line * (MAX_BYTES // len(line)))
    started = time.perf_counter()
    assert read_env_file(hostile)["A"].startswith("x ")
    assert time.perf_counter() - started < 5


def test_env_files_chain_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CS_BASE", "CS_KEY"):
        monkeypatch.delenv(name, raising=False)
    source = tmp_path / "p.yaml"
    source.write_text(
        "version: 1\nproviders:\n  - name: A\n    type: openai\n    api_key: ${CS_KEY}\n"
    )
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    first.write_text("CS_BASE=sk-team\n")
    second.write_text('CS_KEY="${CS_BASE}-0123456789"\n')
    args = ["validate", "--require-env", "--env-file", str(first), "--env-file", str(second)]
    assert main([*args, str(source)]) == 0
    second.write_text("CS_KEY\n")
    assert main([*args, str(source)]) == 2
    assert f"{second}:1: expected KEY=value" in capsys.readouterr().err


def test_the_readme_example_reads_as_documented(root: Path) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("```dotenv\n", 1)[1].split("```", 1)[0]
    assert parse_env_text(block, "README.md") == {
        "OPENAI_API_KEY": "sk-proj-abc123",
        "ANTHROPIC_API_KEY": "sk-ant-api03-xyz",
        "RELAY_API_KEY": "sk-$literal",
        "AZURE_OPENAI_API_KEY": "sk-proj-abc123",
        "CA_CERT": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
    }
