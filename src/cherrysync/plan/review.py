"""Render the diff of two providers files for a reviewer: text, the JSON contract, Markdown.

:data:`DIFF_FORMATS` is the one list of ``diff --format`` values: the parser takes its choices
from it. The diff itself is a :class:`~cherrysync.plan.diff.Plan` built by
:func:`~cherrysync.plan.filestate.diff_files`; keys and credential headers in it are
:class:`~cherrysync.plan.filestate.WrittenSecret` values, which every format shows by their
references only. A secret whose shown form is the same on both sides (a literal key replaced by
another, a changed default) is reported as changed, its value not shown. Every text from the
files (names, URLs, headers) is shown through :func:`~cherrysync.validate.formats.printable`:
it is data, never terminal control or a line of its own.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from cherrysync.console import use_colour
from cherrysync.escaping import cut, json_text, printable
from cherrysync.plan.diff import Action, Change, Plan, plan_as_dict
from cherrysync.plan.filestate import WrittenSecret
from cherrysync.plan.formats import change_block

NOT_SET = "(not set)"
HIDDEN = "changed; the value is not shown"
_MAX_CELL = 100
_EMOJI: dict[Action, str] = {"add": "➕", "change": "✏️", "remove": "➖"}


@dataclass(frozen=True)
class FileDiff:
    """The changes from the file ``old`` to ``new``, each named as the user gave it."""

    old: str
    new: str
    plan: Plan

    def counts(self) -> str:
        """``1 added, 2 changed, 0 removed``."""
        p = self.plan
        return f"{p.count('add')} added, {p.count('change')} changed, {p.count('remove')} removed"


class DiffRenderer(Protocol):
    """One ``--format``: the diff as the text to print; ``colour`` only where it means ANSI."""

    def __call__(self, diff: FileDiff, *, colour: bool) -> str: ...


def show(value: Any) -> str:
    """A value for people: JSON for plain values, a secret by its references (no quotes)."""
    if value is None:
        return NOT_SET
    if isinstance(value, WrittenSecret):
        return value.masked
    if isinstance(value, list | tuple) and any(isinstance(v, WrittenSecret) for v in value):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hidden(before: Any, after: Any) -> bool:
    """A secret changed in a way its shown form cannot tell (e.g. one literal key for another)."""
    return before != after and show(before) == show(after)


def field_rows(change: Change) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the change sets or changes; none for a removal."""
    if change.action == "remove":
        return []
    before, after = change.before or {}, change.after or {}
    return [(f, before.get(f), after.get(f)) for f in change.fields]


# ------------------------------------------------------------------------------------- text


def _text_value(change: Change, before: Any, after: Any) -> str:
    if change.action == "add":
        return printable(show(after))
    if _hidden(before, after):
        return f"{printable(show(after))} ({HIDDEN})"
    return printable(f"{show(before)} -> {show(after)}")


def _text_block(change: Change, colour: bool) -> list[str]:
    values = [(f, _text_value(change, b, a)) for f, b, a in field_rows(change)]
    return change_block(change, values, colour)


def render_diff_text(diff: FileDiff, *, colour: bool = False) -> str:
    """Terraform-style blocks, as ``plan`` prints them, then the counts."""
    old, new = printable(diff.old), printable(diff.new)
    if diff.plan.empty:
        return f"No changes from {old} to {new}.\n"
    lines = [f"Changes from {old} to {new}:", ""]
    for change in diff.plan.changes:
        lines += _text_block(change, colour)
    lines += ["", f"Diff: {diff.counts()}."]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------- JSON


def diff_as_dict(diff: FileDiff) -> dict[str, Any]:
    """The documented ``diff --format json`` object: the plan's ``summary`` and ``changes``."""
    plan = plan_as_dict(diff.plan)
    return {
        "old": diff.old,
        "new": diff.new,
        "summary": plan["summary"],
        "changes": plan["changes"],
    }


def render_diff_json(diff: FileDiff, *, colour: bool = False) -> str:
    return json_text(diff_as_dict(diff))


# --------------------------------------------------------------------------------- Markdown


def code(text: str, limit: int = _MAX_CELL) -> str:
    """``text`` as a code span that is safe in a table cell: no HTML or Markdown inside it is
    rendered, a ``|`` cannot end the cell, other control characters are escaped, long text is
    cut."""
    text = cut(printable(" ".join(text.split("\n"))), limit)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def fenced(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block no line of it can close (the fence outgrows its runs)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}\n"


def _entry(change: Change) -> str:
    name = change.provider if change.model is None else f"{change.provider}::{change.model}"
    entry = f"{change.kind} {code(name)}"
    display = (change.before or {}).get("name")
    if change.action == "remove" and change.kind == "provider" and display not in (None, name):
        entry += f" ({code(str(display))})"
    return entry


def _markdown_rows(change: Change) -> list[str]:
    first = f"| {_EMOJI[change.action]} | {_entry(change)} |"
    rows = field_rows(change)
    if not rows:
        return [first + " | | |"]
    lines = []
    for i, (f, before, after) in enumerate(rows):
        old = "" if change.action == "add" else code(show(before))
        new = code(show(after)) + (f" ({HIDDEN})" if _hidden(before, after) else "")
        lead = first if i == 0 else "| | |"
        lines.append(f"{lead} {code(f)} | {old} | {new} |")
    return lines


def render_diff_markdown(diff: FileDiff, *, colour: bool = False) -> str:
    """A heading, the counts and one table row per changed field (for a pull request comment)."""
    lines = [f"### cherrysync diff: {code(diff.old)} → {code(diff.new)}", ""]
    if diff.plan.empty:
        return "\n".join([*lines, "No changes.", ""]) + "\n"
    lines += [
        f"{diff.counts()}.",
        "",
        "| | entry | field | before | after |",
        "|---|---|---|---|---|",
    ]
    for change in diff.plan.changes:
        lines += _markdown_rows(change)
    return "\n".join([*lines, ""]) + "\n"


#: ``diff --format`` value -> renderer; the order is the order ``--help`` lists them in.
DIFF_FORMATS: dict[str, DiffRenderer] = {
    "text": render_diff_text,
    "json": render_diff_json,
    "markdown": render_diff_markdown,
}


def print_diff(diff: FileDiff, fmt: str = "text", stream: TextIO | None = None) -> None:
    """Write the diff to ``stream`` (stdout); colour follows the stream (a TTY, no NO_COLOR)."""
    out = stream or sys.stdout
    out.write(DIFF_FORMATS[fmt](diff, colour=use_colour(out)))
