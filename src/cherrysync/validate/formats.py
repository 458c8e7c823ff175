"""Render diagnostics as text, JSON, GitHub workflow annotations or SARIF.

:data:`DIAGNOSTIC_FORMATS` is the one list of ``validate --format`` values: the parser takes its
choices from it. The helpers above the formats are shared with ``check`` and ``models`` so every
command escapes its output the same way: text from a file or a server is data, never terminal
control (:func:`printable`), and every JSON document is strict JSON (:func:`json_text`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any, Protocol

from cherrysync.diagnostics import Diagnostic


class DiagnosticRenderer(Protocol):
    """One ``--format``: the diagnostics found in ``files`` as the text to print."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], *, files: Sequence[str], colour: bool
    ) -> str: ...


# ------------------------------------------------------------------- shared with check/formats

#: C0 and C1 controls, DEL, line and paragraph separators and the bidi overrides that reorder
#: what a terminal shows ("Trojan source"): none of them may reach a terminal or a log raw.
_NOT_C0 = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[\x00-\x1f{_NOT_C0}]")
#: the ones ``json.dumps(ensure_ascii=False)`` leaves raw (it escapes only C0)
_JSON_RAW = re.compile(f"[{_NOT_C0}]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control character written as its escape (``\\n``, ``\\x1b``).

    Text from a server or a providers file then cannot move the cursor, recolour the terminal,
    start a new line in a CI log or turn into a GitHub workflow command.
    """
    return CONTROL.sub(_escape, text)


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities (which JSON cannot express) as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_text(payload: Any, indent: int | None = 2) -> str:
    """``payload`` as strict JSON (no NaN or Infinity) plus a newline; the controls JSON leaves
    raw are escaped too, so printing the document never sends a control sequence."""
    text = json.dumps(_finite(payload), indent=indent, ensure_ascii=False, allow_nan=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def github_escape(text: str, prop: bool = False) -> str:
    """Escape for a workflow command: line breaks as GitHub's ``%0A``, every other control
    character through :func:`printable`; ``prop`` also escapes ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = printable(text)
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
    """A table cell: a '|' would end the cell and a line break the row."""
    return printable(text).replace("|", "\\|")


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
