"""Render check results as a text table, JSON (the documented contract), JUnit XML or GitHub
workflow annotations, plus a progress line for interactive terminals."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from cherrysync.check.result import CheckResult
from cherrysync.validate.formats import github_escape

FORMATS = ("text", "json", "junit", "github", "sarif")
_MAX_CELL = 100


def summary(results: Sequence[CheckResult]) -> dict[str, int]:
    """Counts; a skipped check is neither passed nor failed, so it is counted on its own."""
    skipped = sum(r.status == "skipped" and r.level != "fail" for r in results)
    levels = Counter(r.level for r in results if not (r.status == "skipped" and r.level != "fail"))
    return {
        "total": len(results),
        "passed": levels["pass"],
        "skipped": skipped,
        "warnings": levels["warn"],
        "failed": levels["fail"],
    }


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 when nothing failed (warnings allowed), 1 otherwise."""
    return 1 if any(r.level == "fail" for r in results) else 0


def _cell(text: str | None, width: int = _MAX_CELL) -> str:
    text = "-" if text is None else text
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(results: Sequence[CheckResult]) -> str:
    header = ("PROVIDER", "KEY", "MODEL", "STATUS", "MESSAGE")
    rows = [
        (
            r.provider,
            _cell(r.key),
            _cell(r.model, 40),
            r.status + (" (warning)" if r.level == "warn" else ""),
            _cell(r.message, 200),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        )
    s = summary(results)
    lines.append("")
    lines.append(
        f"{s['total']} checks: {s['passed']} passed, {s['skipped']} skipped, "
        f"{s['warnings']} warnings, {s['failed']} failed"
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_json(results: Sequence[CheckResult]) -> str:
    payload = {"results": [r.as_dict() for r in results], "summary": summary(results)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _case_name(result: CheckResult) -> str:
    return f"{result.key or 'no key'} / {result.model or '(key)'}"


def render_junit(results: Sequence[CheckResult]) -> str:
    by_provider: dict[str, list[CheckResult]] = {}
    for result in results:
        by_provider.setdefault(result.provider, []).append(result)
    s = summary(results)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="cherrysync check" tests="{s["total"]}" failures="{s["failed"]}">',
    ]
    for provider, items in by_provider.items():
        failures = sum(r.level == "fail" for r in items)
        skipped = sum(r.status == "skipped" for r in items)
        out.append(
            f'  <testsuite name={quoteattr(provider)} tests="{len(items)}" '
            f'failures="{failures}" skipped="{skipped}">'
        )
        for r in items:
            seconds = (r.latency_ms or 0) / 1000
            out.append(
                f"    <testcase classname={quoteattr(provider)} name={quoteattr(_case_name(r))} "
                f'time="{seconds:.3f}">'
            )
            if r.level == "fail":
                out.append(
                    f"      <failure type={quoteattr(r.status)} message={quoteattr(r.message)}>"
                    f"{escape(r.message)}</failure>"
                )
            elif r.status == "skipped":
                out.append(f"      <skipped message={quoteattr(r.message)}/>")
            elif r.level == "warn":
                out.append(f"      <system-out>{escape(r.status + ': ' + r.message)}</system-out>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


#: result -> (file, line, column); the file is "" for the main providers file, or the overlay
#: the value came from
Locator = Callable[[CheckResult], tuple[str, int, int]]


def _nowhere(result: CheckResult) -> tuple[str, int, int]:
    return "", 1, 1


def render_github(
    results: Sequence[CheckResult], file: str | None = None, locate: Locator = _nowhere
) -> str:
    lines = []
    for r in results:
        if r.level == "pass":
            continue
        command = "error" if r.level == "fail" else "warning"
        title = github_escape(f"{r.provider} {_case_name(r)}: {r.status}", prop=True)
        where = ""
        if file is not None:
            source, line, column = locate(r)
            where = f"file={github_escape(source or file, prop=True)},line={line},col={column},"
        lines.append(f"::{command} {where}title={title}::{github_escape(r.message)}")
    s = summary(results)
    lines.append(
        f"{s['total']} checks: {s['passed']} passed, {s['skipped']} skipped, "
        f"{s['warnings']} warnings, {s['failed']} failed"
    )
    return "\n".join(lines) + "\n"


#: one line per status, for SARIF rule metadata
STATUS_HELP: dict[str, str] = {
    "auth_failed": "The provider rejected the key.",
    "permission_denied": "The key is valid but not allowed to use this resource.",
    "wrong_base_url": "The base URL does not serve the provider's API (404, HTML, redirect).",
    "model_missing": "The configured model is not offered by the endpoint.",
    "rate_limited": "The provider answered 429 after every retry.",
    "quota_exhausted": "The account has no quota or credit left.",
    "timeout": "The endpoint did not answer in time.",
    "unreachable": "The host could not be resolved or refused the connection.",
    "tls_error": "The TLS handshake or certificate check failed.",
    "server_error": "The provider answered with a 5xx error.",
    "bad_response": "The endpoint answered with a body that is not its API's.",
    "bad_request": "The provider rejected the request itself.",
    "not_verifiable": "The endpoint offers no way to verify this without --probe.",
    "skipped": "The check was skipped.",
}


def render_sarif(results: Sequence[CheckResult], file: str, locate: Locator = _nowhere) -> str:
    """SARIF with one result per failure or warning; rule ids are ``check/<status>``."""
    from cherrysync.sarif import SarifResult
    from cherrysync.sarif import render_sarif as render_log

    items = []
    for r in results:
        if r.level == "pass":
            continue
        source, line, column = locate(r)
        message = f"{r.provider} {_case_name(r)}: {r.message}"
        items.append(
            SarifResult(
                f"check/{r.status}",
                "error" if r.level == "fail" else "warning",
                message,
                source or file,
                line,
                column,
            )
        )
    rules = {f"check/{status}": text for status, text in STATUS_HELP.items()}
    return render_log(items, rules)


def render_markdown(results: Sequence[CheckResult]) -> str:
    """A job-summary table (``$GITHUB_STEP_SUMMARY``); keys appear masked only."""
    s = summary(results)
    icon = "❌" if s["failed"] else "✅"
    lines = [
        f"### {icon} cherrysync check",
        "",
        f"{s['total']} checks: {s['passed']} passed, {s['skipped']} skipped, "
        f"{s['warnings']} warnings, {s['failed']} failed.",
        "",
        "| provider | key | model | status | message |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        message = _cell(r.message, 200).replace("|", "\\|")
        lines.append(
            f"| {r.provider} | {_cell(r.key)} | {_cell(r.model, 60)} | `{r.status}` | {message} |"
        )
    return "\n".join(lines) + "\n\n"


def render(
    fmt: str, results: Sequence[CheckResult], file: str | None = None, locate: Locator = _nowhere
) -> str:
    if fmt == "github":
        return render_github(results, file, locate)
    if fmt == "sarif":
        return render_sarif(results, file or "providers.yaml", locate)
    renderers = {"text": render_text, "json": render_json, "junit": render_junit}
    return renderers[fmt](results)


class Progress:
    """``checked N/M`` on stderr, redrawn in place, only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.enabled = self.stream.isatty()

    def update(self, result: CheckResult) -> None:
        self.done += 1
        if self.enabled:
            self.stream.write(f"\rchecked {self.done}/{self.total} ({result.provider})\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
