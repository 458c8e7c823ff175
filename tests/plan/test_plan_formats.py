"""Plan rendering: the Terraform-style text, its colours, the JSON contract, the registry."""

from __future__ import annotations

import io
import json

import pytest

from cherrysync.cli import build_parser
from cherrysync.plan.diff import Change, Plan
from cherrysync.plan.formats import PLAN_FORMATS, print_plan, render_plan_text
from cherrysync.secrets import Secret

KEY = Secret("sk-plan-secret-0123456789")

PLAN = Plan(
    "the test database",
    [
        Change(
            "add",
            "provider",
            "acme",
            None,
            ("name", "api_keys", "notes"),
            None,
            {"name": "ACME", "api_keys": [KEY], "notes": None},
        ),
        Change("change", "model", "acme", "gpt-4o", ("name",), {"name": "a"}, {"name": "b"}),
        Change("remove", "provider", "old", None, (), {"name": "Old Relay"}, None),
    ],
    notes=["a note"],
    blockers=["a blocker"],
)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_aligns_set_attributes_masks_secrets_and_names_removed_providers() -> None:
    text = render_plan_text(PLAN)
    assert text.splitlines() == [
        "cherrysync will perform these actions on the test database:",
        "",
        '  + provider "acme"',
        '      + name     = "ACME"',
        f'      + api_keys = ["{KEY.masked}"]',  # notes is unset: not shown
        '  ~ model "acme::gpt-4o"',
        '      ~ name = "a" -> "b"',
        '  - provider "old" (Old Relay)',
        "",
        "Plan: 1 to add, 1 to change, 1 to remove.",
        "warning: a note",
        "error: a blocker",
    ]
    assert "sk-plan-secret" not in text


def test_colour_follows_the_stream_and_paints_only_change_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal, pipe = _Terminal(), io.StringIO()
    print_plan(PLAN, "text", terminal)
    print_plan(PLAN, "text", pipe)
    assert "\033[" not in pipe.getvalue()
    painted = [line for line in terminal.getvalue().splitlines() if "\033[" in line]
    assert painted[0] == '\033[32m  + provider "acme"\033[0m'
    assert painted[-1] == '\033[31m  - provider "old" (Old Relay)\033[0m'
    assert len(painted) == 6  # three labels, three attribute lines
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    print_plan(PLAN, "text", plain)
    assert plain.getvalue() == pipe.getvalue()


def test_json_is_the_contract_without_colour_or_secrets() -> None:
    out = _Terminal()
    print_plan(PLAN, "json", out)
    payload = json.loads(out.getvalue())
    assert payload["summary"] == {"add": 1, "change": 1, "remove": 1}
    assert payload["changes"][0]["after"]["api_keys"] == [KEY.masked]
    assert payload["blockers"] == ["a blocker"]


def test_plan_takes_its_format_choices_from_the_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    for name in PLAN_FORMATS:
        assert parser.parse_args(["plan", "--target", "x", "--format", name]).format == name
    with pytest.raises(SystemExit, match="2"):
        parser.parse_args(["plan", "--target", "x", "--format", "junit"])
    with pytest.raises(SystemExit, match="0"):
        parser.parse_args(["plan", "--help"])
    assert "{" + ",".join(PLAN_FORMATS) + "}" in capsys.readouterr().out
