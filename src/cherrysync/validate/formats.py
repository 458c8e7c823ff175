"""Render diagnostics as text, JSON, GitHub workflow annotations or SARIF.

:data:`DIAGNOSTIC_FORMATS` is the one list of ``validate --format`` values: the parser takes its
choices from it. The GitHub and Markdown helpers are shared with ``check`` so both commands
escape and word their annotations and job summaries the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol

from cherrysync.diagnostics import Diagnostic


class DiagnosticRenderer(Protocol):
    """One ``--format``: the diagnostics found in ``files`` as the text to print."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], *, files: Sequence[str], colour: bool
    ) -> str: ...


# ------------------------------------------------------------------- shared with check/formats


def github_escape(text: str, prop: bool = False) -> str:
    """Escape for a workflow command; ``prop`` also escapes ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(
    level: str, title: str, message: str, where: tuple[str, int, int] | None = None
) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (no newline); ``where`` is optional."""
    props = []
    if where is not None:
        file, line, column = where
        props = [f"file={github_escape(file, True)}", f"line={line}", f"col={column}"]
    props.append(f"title={github_escape(title, True)}")
    return f"::{level} {','.join(props)}::{github_escape(message)}"


def markdown_heading(command: str, failed: bool) -> str:
    """The first line of a job summary: a red cross or a green tick, then the command."""
    return f"### {'❌' if failed else '✅'} cherrysync {command}"


def markdown_cell(text: str) -> str:
    """A table cell: a '|' in the text would end the cell."""
    return text.replace("|", "\\|")


# ------------------------------------------------------------------------------------ formats


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(d.severity == "error" for d in diagnostics)
    return errors, len(diagnostics) - errors


def render_text(
    diagnostics: Sequence[Diagnostic], *, files: Sequence[str] = (), colour: bool = False
) -> str:
    """``file:line:column: severity: message [rule]``, one per line (the compiler convention)."""
    if not colour:
        return "".join(d.as_text() + "\n" for d in diagnostics)
    paint = {"error": "\033[31merror\033[0m", "warning": "\033[33mwarning\033[0m"}
    return "".join(
        f"\033[1m{d.file}:{d.line}:{d.column}:\033[0m {paint[d.severity]}: {d.message} "
        f"\033[2m[{d.rule}]\033[0m\n"
        for d in diagnostics
    )


def render_json(
    diagnostics: Sequence[Diagnostic], *, files: Sequence[str] = (), colour: bool = False
) -> str:
    """The documented JSON contract."""
    errors, warnings = _counts(diagnostics)
    payload = {
        "files": list(files),
        "summary": {"errors": errors, "warnings": warnings},
        "diagnostics": [d.as_dict() for d in diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_github(
    diagnostics: Sequence[Diagnostic], *, files: Sequence[str] = (), colour: bool = False
) -> str:
    """One workflow annotation per diagnostic, at its position."""
    return "".join(
        github_annotation(d.severity, d.rule, d.message, (d.file, d.line, d.column)) + "\n"
        for d in diagnostics
    )


def render_sarif_log(
    diagnostics: Sequence[Diagnostic], *, files: Sequence[str] = (), colour: bool = False
) -> str:
    """SARIF 2.1.0 with the rule catalog, for code scanning."""
    from cherrysync.sarif import SarifResult, render_sarif
    from cherrysync.validate.catalog import VALIDATE_RULES

    results = [
        SarifResult(d.rule, d.severity, d.message, d.file, d.line, d.column) for d in diagnostics
    ]
    return render_sarif(results, VALIDATE_RULES)


#: ``validate --format`` value -> renderer; the order is the order ``--help`` lists them in.
DIAGNOSTIC_FORMATS: dict[str, DiagnosticRenderer] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif_log,
}


def render(
    fmt: str, diagnostics: Sequence[Diagnostic], files: Sequence[str], colour: bool = False
) -> str:
    return DIAGNOSTIC_FORMATS[fmt](diagnostics, files=files, colour=colour)


def render_summary(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    """A Markdown summary (for ``$GITHUB_STEP_SUMMARY``)."""
    errors, warnings = _counts(diagnostics)
    lines = [
        markdown_heading("validate", bool(errors)),
        "",
        f"{len(files)} file(s), {errors} error(s), {warnings} warning(s).",
        "",
    ]
    if diagnostics:
        lines += ["| file | line | severity | rule | message |", "|---|---|---|---|---|"]
        for d in diagnostics:
            lines.append(
                f"| {d.file} | {d.line}:{d.column} | {d.severity} | `{d.rule}` | "
                f"{markdown_cell(d.message)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
