"""Render diagnostics as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cherrysync.diagnostics import Diagnostic

FORMATS = ("text", "json", "github")


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(d.as_text() + "\n" for d in diagnostics)


def render_json(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    payload = {
        "files": list(files),
        "summary": {"errors": errors, "warnings": len(diagnostics) - errors},
        "diagnostics": [d.as_dict() for d in diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = ",".join(
            [
                f"file={_gh_escape(d.file, True)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={_gh_escape(d.rule, True)}",
            ]
        )
        lines.append(f"::{d.severity} {props}::{_gh_escape(d.message)}\n")
    return "".join(lines)


def render(fmt: str, diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    if fmt == "json":
        return render_json(diagnostics, files)
    if fmt == "github":
        return render_github(diagnostics)
    return render_text(diagnostics)
