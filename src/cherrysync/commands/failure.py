"""Machine-readable output for a command that ended before it had anything to report.

``validate``, ``check``, ``plan``, ``apply`` and ``diff --format json|sarif|junit|github`` (each
the formats it has) are read by programs (CI
annotations, code scanning, test reports). When the file is missing or invalid, or an option
names something that is not there, the command ends with its usual message and exit code; a
program reading stdout must still find a document of the format it asked for, carrying the
error, rather than nothing (which most parsers report as a crash of their own).

One renderer per format, in :data:`FAILURE_FORMATS`; a command without one (``text``) prints
nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from cherrysync.diagnostics import Diagnostic
from cherrysync.errors import CherrysyncError, ProvidersFileError
from cherrysync.escaping import json_text, printable

#: the rule id of a failure that has no position of its own (the SARIF result, annotation title)
FAILURE_RULE = "cherrysync/error"


@dataclass(frozen=True)
class Failure:
    """Why ``command`` stopped: its message and exit code, and the file's diagnostics if any.

    ``empty`` holds the fields of the command's normal JSON contract, empty (``results: []``), so
    a reader that ignores ``error`` still finds the shape it expects.
    """

    command: str
    file: str
    message: str
    code: int
    diagnostics: Sequence[Diagnostic] = ()
    empty: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, command: str, file: str, exc: CherrysyncError, empty: Mapping[str, Any]) -> Failure:
        diagnostics = exc.diagnostics if isinstance(exc, ProvidersFileError) else []
        return cls(command, file, exc.message, exc.code, diagnostics, empty)

    @property
    def reported(self) -> list[Diagnostic]:
        """The file's diagnostics; when none of them is an error, the failure itself as one,
        placed at the top of the file, so every format carries the reason."""
        found = list(self.diagnostics)
        if any(d.severity == "error" for d in found):
            return found
        return [*found, Diagnostic(self.file, 1, 1, "error", FAILURE_RULE, self.message)]


def render_json(failure: Failure) -> str:
    payload = {
        **failure.empty,
        "error": {"message": failure.message, "exit_code": failure.code},
        "diagnostics": [d.as_dict() for d in failure.reported],
    }
    return json_text(payload)


def render_sarif(failure: Failure) -> str:
    """A run with the errors as results and the failure as a tool execution notification."""
    from cherrysync.sarif import SarifResult
    from cherrysync.sarif import render_sarif as render_log
    from cherrysync.validate.catalog import VALIDATE_RULES

    results = [
        SarifResult(d.rule, d.severity, d.message, d.file, d.line, d.column)
        for d in failure.reported
    ]
    rules = {**VALIDATE_RULES, FAILURE_RULE: "The command could not run; the message says why."}
    import json

    log = json.loads(render_log(results, {r.rule: rules.get(r.rule, r.rule) for r in results}))
    log["runs"][0]["invocations"] = [
        {
            "executionSuccessful": False,
            "exitCode": failure.code,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": failure.message}}
            ],
        }
    ]
    return json_text(log)


def render_junit(failure: Failure) -> str:
    """One suite with one errored test case (``<error>``: the checks could not run)."""
    # imported here: saxutils pulls in urllib.request, http.client and ssl
    from xml.sax.saxutils import escape, quoteattr

    name = f"cherrysync {failure.command}"
    file = quoteattr(printable(failure.file))  # XML 1.0 cannot carry most control characters
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name={quoteattr(name)} tests="1" errors="1">',
        f'  <testsuite name={file} tests="1" errors="1">',
        f"    <testcase classname={file} name={quoteattr(name)}>",
    ]
    text = "\n".join(printable(d.as_text()) for d in failure.reported)
    message = quoteattr(printable(failure.message))
    out.append(f"      <error message={message}>{escape(text)}</error>")
    out += ["    </testcase>", "  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def render_github(failure: Failure) -> str:
    from cherrysync.escaping import github_annotation

    lines = [
        github_annotation(d.severity, d.rule, d.message, (d.file, d.line, d.column))
        for d in failure.reported
    ]
    return "\n".join(lines) + "\n"


FAILURE_FORMATS: dict[str, Callable[[Failure], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
}


def report_failure(fmt: str, failure: Failure, out: TextIO) -> None:
    """Write the failure document of ``fmt`` (nothing for ``text``)."""
    render = FAILURE_FORMATS.get(fmt)
    if render is not None:
        out.write(render(failure))
