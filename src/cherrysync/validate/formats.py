"""Render diagnostics as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cherrysync.diagnostics import Diagnostic

FORMATS = ("text", "json", "github", "sarif")


def github_escape(text: str, prop: bool = False) -> str:
    """Escape for a workflow command; ``prop`` also escapes ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> str:
    if not colour:
        return "".join(d.as_text() + "\n" for d in diagnostics)
    paint = {"error": "\033[31merror\033[0m", "warning": "\033[33mwarning\033[0m"}
    return "".join(
        f"\033[1m{d.file}:{d.line}:{d.column}:\033[0m {paint[d.severity]}: {d.message} "
        f"\033[2m[{d.rule}]\033[0m\n"
        for d in diagnostics
    )


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
                f"file={github_escape(d.file, True)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={github_escape(d.rule, True)}",
            ]
        )
        lines.append(f"::{d.severity} {props}::{github_escape(d.message)}\n")
    return "".join(lines)


def render_sarif_log(diagnostics: Sequence[Diagnostic]) -> str:
    from cherrysync.sarif import SarifResult, render_sarif
    from cherrysync.validate.catalog import VALIDATE_RULES

    results = [
        SarifResult(d.rule, d.severity, d.message, d.file, d.line, d.column) for d in diagnostics
    ]
    return render_sarif(results, VALIDATE_RULES)


def render_summary(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    """A Markdown summary (for ``$GITHUB_STEP_SUMMARY``)."""
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    icon = "❌" if errors else "✅"
    lines = [
        f"### {icon} cherrysync validate",
        "",
        f"{len(files)} file(s), {errors} error(s), {warnings} warning(s).",
        "",
    ]
    if diagnostics:
        lines += ["| file | line | severity | rule | message |", "|---|---|---|---|---|"]
        for d in diagnostics:
            message = d.message.replace("|", "\\|")
            lines.append(
                f"| {d.file} | {d.line}:{d.column} | {d.severity} | `{d.rule}` | {message} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def render(
    fmt: str, diagnostics: Sequence[Diagnostic], files: Sequence[str], colour: bool = False
) -> str:
    if fmt == "sarif":
        return render_sarif_log(diagnostics)
    if fmt == "json":
        return render_json(diagnostics, files)
    if fmt == "github":
        return render_github(diagnostics)
    return render_text(diagnostics, colour)
