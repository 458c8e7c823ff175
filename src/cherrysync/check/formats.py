"""Render check results as a text table, JSON (the documented contract), JUnit XML, GitHub
workflow annotations or SARIF, plus a job-summary table and a progress line for terminals.

:data:`CHECK_FORMATS` is the one list of ``check --format`` values: the parser takes its choices
from it. This module stays free of the HTTP stack so the parser can import it. Every text a
result carries is shown through :func:`~cherrysync.validate.formats.printable` (or JSON's own
escapes): server text is data, never terminal control.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Protocol, TextIO, TypeVar

from cherrysync.check.result import CheckResult
from cherrysync.escaping import (
    cut,
    github_annotation,
    json_text,
    markdown_cell,
    markdown_heading,
    printable,
)

T = TypeVar("T")

#: where a result belongs, as (file, line, column); see :mod:`.positions`. The file is "" for
#: the main providers file, or the overlay the value came from.
Locator = Callable[[CheckResult], tuple[str, int, int]]
_MAX_CELL = 100


def nowhere(result: CheckResult) -> tuple[str, int, int]:
    """The locator without a document: the top of the main file."""
    return "", 1, 1


def _place(result: CheckResult, file: str, locate: Locator) -> tuple[str, int, int]:
    """The result's (file, line, column), ``file`` standing in for the main providers file."""
    source, line, column = locate(result)
    return source or file, line, column


class ResultRenderer(Protocol):
    """One ``--format``: the results as the text to print. ``file`` and ``locate`` place a
    result in the providers file for the formats that annotate it (GitHub, SARIF)."""

    def __call__(
        self, results: Sequence[CheckResult], *, file: str | None, locate: Locator
    ) -> str: ...


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


def summary_sentence(results: Sequence[CheckResult]) -> str:
    """``N checks: … passed, … skipped, … warnings, … failed`` (no full stop)."""
    s = summary(results)
    return (
        f"{s['total']} checks: {s['passed']} passed, {s['skipped']} skipped, "
        f"{s['warnings']} warnings, {s['failed']} failed"
    )


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 when nothing failed (warnings allowed), 1 otherwise."""
    return 1 if any(r.level == "fail" for r in results) else 0


def percentile(values: Sequence[int], share: float) -> int:
    """Nearest-rank percentile of a non-empty list (``share`` 0.5 for p50)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_by_provider(results: Sequence[CheckResult]) -> dict[str, tuple[int, int]]:
    """p50 and p95 of the results' ``latency_ms`` per provider, in file order (results
    without a latency, such as skipped ones, are left out)."""
    values: dict[str, list[int]] = {}
    for r in results:
        if r.latency_ms is not None:
            values.setdefault(r.provider, []).append(r.latency_ms)
    return {p: (percentile(v, 0.5), percentile(v, 0.95)) for p, v in values.items()}


def latency_lines(results: Sequence[CheckResult]) -> list[str]:
    """``latency PROVIDER  p50 12 ms, p95 40 ms``, aligned, one line per provider."""
    table = latency_by_provider(results)
    shown = {printable(p): figures for p, figures in table.items()}
    width = max((len(p) for p in shown), default=0)
    return [
        f"latency {provider.ljust(width)}  p50 {p50} ms, p95 {p95} ms"
        for provider, (p50, p95) in shown.items()
    ]


def _cell(text: str | None, width: int = _MAX_CELL) -> str:
    return "-" if text is None else cut(printable(text), width)


def render_text(
    results: Sequence[CheckResult], *, file: str | None = None, locate: Locator = nowhere
) -> str:
    """A table with one row per check, latency percentiles per provider, the summary sentence."""
    header = ("PROVIDER", "KEY", "MODEL", "STATUS", "MESSAGE")
    rows = [
        (
            _cell(r.provider),
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
    lines.append("")
    lines += latency_lines(results)
    lines.append(summary_sentence(results))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_json(
    results: Sequence[CheckResult], *, file: str | None = None, locate: Locator = nowhere
) -> str:
    """The documented JSON contract."""
    payload = {"results": [r.as_dict() for r in results], "summary": summary(results)}
    return json_text(payload)


def _case_name(result: CheckResult) -> str:
    return printable(f"{result.key or 'no key'} / {result.model or '(key)'}")


def _xml(text: str) -> str:
    """Attribute text for XML 1.0, which cannot carry most control characters even escaped."""
    from xml.sax.saxutils import quoteattr  # imports urllib.request: only for JUnit

    return quoteattr(printable(text))


def _junit_case(provider: str, r: CheckResult) -> list[str]:
    from xml.sax.saxutils import escape

    seconds = (r.latency_ms or 0) / 1000
    message = printable(r.message)
    out = [
        f'    <testcase classname={_xml(provider)} name={_xml(_case_name(r))} time="{seconds:.3f}">'
    ]
    if r.balance is not None:
        out += [
            "      <properties>",
            f'        <property name="balance" value={_xml(r.balance.text())}/>',
            "      </properties>",
        ]
    if r.level == "fail":
        out.append(
            f"      <failure type={_xml(r.status)} message={_xml(message)}>"
            f"{escape(message)}</failure>"
        )
    elif r.status == "skipped":
        out.append(f"      <skipped message={_xml(message)}/>")
    elif r.level == "warn":
        out.append(f"      <system-out>{escape(r.rule + ': ' + message)}</system-out>")
    out.append("    </testcase>")
    return out


def render_junit(
    results: Sequence[CheckResult], *, file: str | None = None, locate: Locator = nowhere
) -> str:
    """One test suite per provider, one test case per check (for CI test reports)."""
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
            f'  <testsuite name={_xml(provider)} tests="{len(items)}" '
            f'failures="{failures}" skipped="{skipped}">'
        )
        for r in items:
            out += _junit_case(provider, r)
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _findings(results: Sequence[CheckResult]) -> Iterator[tuple[CheckResult, str]]:
    """The results worth an annotation, with their severity: failures and warnings."""
    for r in results:
        if r.level != "pass":
            yield r, "error" if r.level == "fail" else "warning"


def render_github(
    results: Sequence[CheckResult], *, file: str | None = None, locate: Locator = nowhere
) -> str:
    """One workflow annotation per failure or warning (at its node when ``file`` is given),
    and a notice for each balance read on a passing key."""

    def where(r: CheckResult) -> tuple[str, int, int] | None:
        return None if file is None else _place(r, file, locate)

    lines = [
        github_annotation(level, f"{r.provider} {_case_name(r)}: {r.rule}", r.message, where(r))
        for r, level in _findings(results)
    ]
    lines += [
        github_annotation(
            "notice", f"{r.provider} {_case_name(r)}: balance", r.balance.text(), where(r)
        )
        for r in results
        if r.balance is not None and r.level == "pass"
    ]
    lines.append(summary_sentence(results))
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
    "low_balance": "The key's balance is below the provider's check.min_balance.",
}

#: one line per warning rule a passing check can carry (``CheckResult.findings``)
FINDING_HELP: dict[str, str] = {
    "capability-mismatch": "The file's capabilities differ from what the endpoint reports.",
    "balance-unavailable": "check.min_balance is set but the balance could not be read.",
}


def render_sarif(
    results: Sequence[CheckResult], *, file: str | None = None, locate: Locator = nowhere
) -> str:
    """SARIF with one result per failure or warning; rule ids are ``check/<status>``."""
    from cherrysync.sarif import SarifResult
    from cherrysync.sarif import render_sarif as render_log

    file = file or "providers.yaml"
    items = [
        SarifResult(
            f"check/{r.rule}",
            level,
            printable(f"{r.provider} {_case_name(r)}: {r.message}"),
            *_place(r, file, locate),
        )
        for r, level in _findings(results)
    ]
    rules = {f"check/{rule}": text for rule, text in {**STATUS_HELP, **FINDING_HELP}.items()}
    balances = [
        {"provider": r.provider, "key": r.key, **r.balance.as_dict()}
        for r in results
        if r.balance is not None
    ]
    # balances are facts, not findings: a code-scanning alert per key and run would be noise
    return render_log(items, rules, properties={"balances": balances} if balances else None)


#: ``check --format`` value -> renderer; the order is the order ``--help`` lists them in.
CHECK_FORMATS: dict[str, ResultRenderer] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "sarif": render_sarif,
}


def render(
    fmt: str, results: Sequence[CheckResult], file: str | None = None, locate: Locator = nowhere
) -> str:
    return CHECK_FORMATS[fmt](results, file=file, locate=locate)


def render_markdown(results: Sequence[CheckResult]) -> str:
    """A job-summary table (``$GITHUB_STEP_SUMMARY``); keys appear masked only."""
    lines = [
        markdown_heading("check", summary(results)["failed"] > 0),
        "",
        summary_sentence(results) + ".",
        "",
        "| provider | key | model | status | message |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        provider, key, model = (markdown_cell(_cell(t)) for t in (r.provider, r.key, r.model))
        message = markdown_cell(_cell(r.message, 200))
        lines.append(f"| {provider} | {key} | {model} | `{r.status}` | {message} |")
    return "\n".join(lines) + "\n\n"


class Progress:
    """``checked N/M`` on stderr, redrawn in place, only when stderr is a terminal.

    Drawn as soon as the run starts and redrawn every :attr:`tick` seconds with the time spent
    (:meth:`track`), so a run waiting on a slow endpoint shows that it is alive at once, not
    only when its first result arrives.
    """

    tick = 0.5

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.last: str | None = None
        self.started = time.monotonic()
        self.enabled = self.stream.isatty()

    def update(self, result: CheckResult) -> None:
        self.done += 1
        self.last = result.provider
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        line = f"checked {self.done}/{self.total}"
        if self.last is not None:
            line += f" ({printable(self.last)})"
        elapsed = time.monotonic() - self.started
        if elapsed >= 1:
            line += f", {elapsed:.0f}s"
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()

    async def track(self, work: Awaitable[T]) -> T:
        """Await ``work`` with the line drawn now and redrawn until it is done."""
        if not self.enabled:
            return await work
        self.started = time.monotonic()
        self._draw()
        ticker = asyncio.create_task(self._ticking())
        try:
            return await work
        finally:
            ticker.cancel()

    async def _ticking(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            self._draw()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
