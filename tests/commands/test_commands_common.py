"""Shared command plumbing: loading returns diagnostics (printing is the caller's), summaries."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cherrysync.commands.common import append_summary, load_env, load_for_command, load_providers
from cherrysync.errors import CherrysyncError, EnvFileError, ProvidersFileError
from cherrysync.selection import SelectionError

FILE = """\
version: 1
providers:
  - name: Team
    type: openai
    api_key: ${TEAM_KEY}
    models: [gpt-4o]
  - name: Other
    type: openai
    api_key: ${OTHER_KEY}
  - name: Literal
    type: openai
    api_key: sk-literal-0123456789abcdef
"""


@pytest.fixture
def path(tmp_path: Path) -> str:
    file = tmp_path / "providers.yaml"
    file.write_text(FILE, encoding="utf-8")
    return str(file)


def test_load_providers_returns_warnings_and_prints_nothing(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load_providers(path, {"TEAM_KEY": "sk-team-0123", "OTHER_KEY": "sk-other-0123"})
    assert [p.id for p in loaded.providers] == ["team", "other", "literal"]
    assert [d.rule for d in loaded.diagnostics] == ["literal-secret"]
    assert capsys.readouterr() == ("", "")


def test_only_resolves_the_named_providers(path: str) -> None:
    loaded = load_providers(path, {"TEAM_KEY": "sk-team-0123"}, only=["Team"])
    assert [p.id for p in loaded.providers] == ["team"]
    with pytest.raises(CherrysyncError, match=r"^unknown provider nope \(known: team, other,"):
        load_providers(path, {}, only=["nope"])


def test_overlays_and_tags_are_arguments(path: str, tmp_path: Path) -> None:
    overlay = tmp_path / "laptop.yaml"
    overlay.write_text(
        "version: 1\nproviders:\n  - id: other\n    tags: [gpu]\n    api_key: ${LAPTOP_KEY}\n",
        encoding="utf-8",
    )
    env = {"LAPTOP_KEY": "sk-laptop-0123"}
    loaded = load_providers(path, env, overlays=[str(overlay)], tags=["gpu"])
    assert [(p.id, p.api_keys[0].reveal()) for p in loaded.providers] == [
        ("other", "sk-laptop-0123")
    ]
    with pytest.raises(SelectionError, match=r"^no provider carries tag cpu") as unknown:
        load_providers(path, env, overlays=[str(overlay)], tags=["cpu"])
    assert isinstance(unknown.value, CherrysyncError) and unknown.value.code == 2
    with pytest.raises(CherrysyncError, match=r"^cannot read overlay .*absent\.yaml: No such"):
        load_providers(path, env, overlays=[str(tmp_path / "absent.yaml")])


def test_errors_carry_their_diagnostics(path: str, tmp_path: Path) -> None:
    with pytest.raises(ProvidersFileError, match=r"references cannot be used") as unset:
        load_providers(path, {"TEAM_KEY": "sk-team-0123"})
    assert unset.value.code == 1
    assert [(d.rule, d.line) for d in unset.value.diagnostics if d.severity == "error"] == [
        ("env-unset", 9)
    ]
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nproviders:\n  - name: A\n    type: opena\n")
    with pytest.raises(ProvidersFileError, match=r"is not valid; fix the errors above") as bad:
        load_providers(str(broken), {})
    assert [d.rule for d in bad.value.diagnostics] == ["invalid-value"]
    with pytest.raises(CherrysyncError, match=r"^cannot read .*absent\.yaml: No such file") as io:
        load_providers(str(tmp_path / "absent.yaml"), {})
    assert io.value.code == 2


def test_load_for_command_shows_the_diagnostics_before_the_error(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEAM_KEY", raising=False)
    monkeypatch.delenv("OTHER_KEY", raising=False)
    stderr = io.StringIO()
    with pytest.raises(ProvidersFileError, match="references cannot be used"):
        load_for_command(path, (), stderr=stderr)
    shown = stderr.getvalue()
    assert "TEAM_KEY is not set" in shown and "[literal-secret]" in shown
    assert "0123456789abcdef" not in shown


def test_env_files_come_before_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    first.write_text("CS_A=from-a\nCS_B=from-a\n")
    second.write_text("CS_B=from-b\n")
    monkeypatch.setenv("CS_A", "from-process")
    env = load_env([str(first), str(second)])
    assert (env["CS_A"], env["CS_B"]) == ("from-process", "from-b")
    with pytest.raises(CherrysyncError, match=r"^cannot read env file .*absent\.env: No such"):
        load_env([str(tmp_path / "absent.env")])
    second.write_text("not a line\n")
    with pytest.raises(EnvFileError, match=r"b\.env:1: expected KEY=value"):
        load_env([str(second)])


def test_append_summary_appends_or_ends_the_command(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_summary(str(summary), "### one\n")
    append_summary(str(summary), "### two\n")
    assert summary.read_text(encoding="utf-8") == "### one\n### two\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(CherrysyncError, match=r"^cannot write .*a-file/s\.md: Not a directory$"):
        append_summary(str(blocker / "s.md"), "x")
