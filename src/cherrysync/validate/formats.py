"""Render diagnostics as text, JSON, GitHub workflow annotations or SARIF.

:data:`DIAGNOSTIC_FORMATS` is the one list of ``validate --format`` values: the parser takes its
choices from it. Every string is escaped by :mod:`cherrysync.escaping`, as in every other
command's output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cherrysync.diagnostics import Diagnostic
from cherrysync.escaping import (
    github_annotation,
    json_text,
    markdown_cell,
    markdown_heading,
    printable,
)


class DiagnosticRenderer(Protocol):
    """One ``--format``: the diagnostics found in ``files`` as the text to print."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], *, files: Sequence[str], colour: bool
    ) -> str: ...


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
        return "".join(printable(d.as_text()) + "\n" for d in diagnostics)
    paint = {"error": "\033[31merror\033[0m", "warning": "\033[33mwarning\033[0m"}
    return "".join(
        f"\033[1m{printable(d.file)}:{d.line}:{d.column}:\033[0m {paint[d.severity]}: "
        f"{printable(d.message)} \033[2m[{d.rule}]\033[0m\n"
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
    return json_text(payload)


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
                f"| {markdown_cell(d.file)} | {d.line}:{d.column} | {d.severity} | `{d.rule}` | "
                f"{markdown_cell(d.message)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
