"""``diff`` rendering: Markdown that file content cannot break, colours, the registry."""

from __future__ import annotations

import argparse
import io

import pytest

from cherrysync.cli import build_parser
from cherrysync.plan.diff import Change, Plan
from cherrysync.plan.review import (
    DIFF_FORMATS,
    FileDiff,
    code,
    fenced,
    print_diff,
    render_diff_markdown,
)

DIFF = FileDiff(
    "old.yaml",
    "new.yaml",
    Plan(
        "old -> new",
        [
            Change("add", "model", "lab", "odd|`id`", (), None, {"name": "odd|`id`"}),
            Change("change", "provider", "lab", None, ("notes",), {"notes": "a"}, {"notes": "b"}),
        ],
    ),
)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("plain", "`plain`"),
        ("a|b", "`a\\|b`"),
        ("x `y` z", "``x `y` z``"),
        ("`edge`", "`` `edge` ``"),
        ("<img src=x>", "`<img src=x>`"),
    ],
)
def test_code_spans_hold_any_text(text: str, span: str) -> None:
    assert code(text) == span


def test_long_cells_are_cut() -> None:
    assert code("x" * 500) == "`" + "x" * 99 + "…`"


def test_a_fence_no_content_can_close() -> None:
    assert fenced("a\n```\nb\n") == "````text\na\n```\nb\n````\n"
    assert fenced("plain") == "```text\nplain\n```\n"


def test_markdown_rows_escape_ids() -> None:
    rows = render_diff_markdown(DIFF).splitlines()
    assert rows[6] == "| ➕ | model `` lab::odd\\|`id` `` | | | |"
    assert rows[7] == '| ✏️ | provider `lab` | `notes` | `"a"` | `"b"` |'


#: escape sequences, a bell, NEL, a bidi override: what a file may hold in a name or a header
HOSTILE = "A\x1b[2J\x07\x85\u202e"


def test_file_text_is_data_in_every_format() -> None:
    """Names, values and the sides' labels reach no terminal, log or comment raw."""
    removed = {"name": HOSTILE, "type": "openai"}
    diff = FileDiff(
        f"old{HOSTILE}.yaml",
        "new.yaml",
        Plan(
            "old -> new",
            [
                Change("change", "provider", "lab", None, ("name",), {"name": "a"}, removed),
                Change("remove", "provider", "gone", None, ("name",), removed, None),
            ],
        ),
    )
    for fmt, render in DIFF_FORMATS.items():
        shown = render(diff, colour=False)
        assert [c for c in "\x1b\x07\x85\u202e" if c in shown] == [], fmt
        assert "\\x1b[2J" in shown or "\\u001b[2J" in shown, fmt
    text = DIFF_FORMATS["text"](diff, colour=False)
    assert '- provider "gone" (A\\x1b[2J\\x07\\x85\\u202e)' in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal, pipe = _Terminal(), io.StringIO()
    print_diff(DIFF, "text", terminal)
    print_diff(DIFF, "text", pipe)
    assert "\033[33m  ~ provider" in terminal.getvalue() and "\033[" not in pipe.getvalue()


def test_format_choices_come_from_the_registry() -> None:
    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    (fmt,) = (a for a in sub.choices["diff"]._actions if a.dest == "format")
    assert list(fmt.choices or ()) == list(DIFF_FORMATS) == ["text", "json", "markdown"]
