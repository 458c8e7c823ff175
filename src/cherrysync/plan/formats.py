"""Render a plan: Terraform-style text (coloured on a terminal) or the JSON contract.

:data:`PLAN_FORMATS` is the one list of ``plan --format`` values: the parser takes its choices
from it. The plan itself is data (:mod:`cherrysync.plan.diff`); only this module knows how it
looks.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Protocol, TextIO

from cherrysync.console import use_colour
from cherrysync.escaping import json_text, printable
from cherrysync.plan.diff import Action, Change, Plan, json_safe, plan_as_dict


class PlanRenderer(Protocol):
    """One ``--format``: the plan as the text to print; ``colour`` only where it means ANSI."""

    def __call__(self, plan: Plan, *, colour: bool) -> str: ...


#: the sign and ANSI colour of each action, shared by every Terraform-style rendering
SIGN: dict[Action, str] = {"add": "+", "change": "~", "remove": "-"}
COLOUR: dict[Action, str] = {"add": "\033[32m", "change": "\033[33m", "remove": "\033[31m"}


def _show(value: Any) -> str:
    """A value as JSON, with the controls JSON leaves raw (C1, bidi overrides) escaped."""
    text = json.dumps(json_safe(value), ensure_ascii=False, sort_keys=True, allow_nan=False)
    return printable(text)


def change_label(change: Change) -> str:
    """``  + provider "id"``; a removed provider also shows its display name if it differs."""
    name = change.provider if change.model is None else f"{change.provider}::{change.model}"
    label = f'  {SIGN[change.action]} {change.kind} "{name}"'
    display = (change.before or {}).get("name") if change.action == "remove" else None
    if change.kind == "provider" and isinstance(display, str) and display != name:
        label += f" ({display})"
    return printable(label)


def _field_values(change: Change) -> list[tuple[str, str]]:
    """The attributes a change sets (add) or changes (change), as shown; none for remove."""
    before, after = change.before, change.after
    if change.action == "add" and after is not None:
        # like Terraform: an unset attribute of a new object is noise
        return [(f, _show(after.get(f))) for f in change.fields if after.get(f) is not None]
    if change.action == "change" and before is not None and after:
        return [(f, f"{_show(before.get(f))} -> {_show(after.get(f))}") for f in change.fields]
    return []


def change_block(change: Change, values: list[tuple[str, str]], colour: bool) -> list[str]:
    """A change's label, then ``      + name = value`` lines with the ``=`` signs in one column,
    each line in the action's colour when ``colour`` (``plan`` and ``diff`` alike)."""
    width = max((len(name) for name, _ in values), default=0)
    sign = SIGN[change.action]
    lines = [change_label(change)]
    lines += [f"      {sign} {name:<{width}} = {value}" for name, value in values]
    if not colour:
        return lines
    return [f"{COLOUR[change.action]}{line}\033[0m" for line in lines]


def render_plan_text(plan: Plan, colour: bool = False) -> str:
    """The changes with a count line (or "No changes."), then the notes and blockers."""
    if plan.empty:
        lines = [f"No changes. {plan.target} already matches the providers file."]
    else:
        lines = [f"cherrysync will perform these actions on {plan.target}:", ""]
        for change in plan.changes:
            lines += change_block(change, _field_values(change), colour)
        lines += [
            "",
            f"Plan: {plan.count('add')} to add, {plan.count('change')} to change, "
            f"{plan.count('remove')} to remove.",
        ]
    lines += [f"warning: {note}" for note in plan.notes]
    lines += [f"error: {blocker}" for blocker in plan.blockers]
    return "\n".join(lines) + "\n"


def render_plan_json(plan: Plan, *, colour: bool = False) -> str:
    """The documented JSON contract (:func:`~cherrysync.plan.diff.plan_as_dict`)."""
    return json_text(plan_as_dict(plan))


#: ``plan --format`` value -> renderer; the order is the order ``--help`` lists them in.
PLAN_FORMATS: dict[str, PlanRenderer] = {"text": render_plan_text, "json": render_plan_json}


def print_plan(plan: Plan, fmt: str = "text", stream: TextIO | None = None) -> None:
    """Write the plan to ``stream`` (stdout); colour follows the stream (a TTY, no NO_COLOR)."""
    out = stream or sys.stdout
    out.write(PLAN_FORMATS[fmt](plan, colour=use_colour(out)))


def message_stream(fmt: str) -> TextIO:
    """Where lines for people beside a plan in ``fmt`` go (the found line, progress).

    stdout with ``text``; stderr with a machine-readable format, so that stdout parses as one
    document (the Ansible module reads ``--format json`` from it).
    """
    return sys.stdout if fmt == "text" else sys.stderr
