"""SARIF 2.1.0 output shared by ``validate`` and ``check``, for GitHub code scanning.

Rule ids are the tool's stable rule names; each result carries a fingerprint that ignores the
line number, so moving a provider in the file does not open a new alert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cherrysync import __version__
from cherrysync.escaping import json_text, printable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/cherrysync/cherrysync"


@dataclass(frozen=True)
class SarifResult:
    rule: str
    level: str  # "error", "warning" or "note"
    message: str
    file: str
    line: int = 1
    column: int = 1


def render_sarif(
    results: Sequence[SarifResult],
    rules: Mapping[str, str],
    *,
    tool: str = "cherrysync",
    properties: Mapping[str, Any] | None = None,
) -> str:
    """A SARIF log with one run; ``rules`` maps rule id -> one-line description;
    ``properties`` become the run's property bag (data that is not a finding)."""
    used = sorted({r.rule for r in results} | set(rules))
    index = {rule: i for i, rule in enumerate(used)}
    seen: dict[str, int] = {}
    sarif_results = []
    for result in results:
        basis = f"{result.rule}|{result.file}|{result.message}"
        occurrence = seen.get(basis, 0)
        seen[basis] = occurrence + 1
        fingerprint = hashlib.sha256(f"{basis}|{occurrence}".encode()).hexdigest()
        sarif_results.append(
            {
                "ruleId": result.rule,
                "ruleIndex": index[result.rule],
                "level": result.level,
                "message": {"text": printable(result.message)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": result.file.replace("\\", "/")},
                            "region": {
                                "startLine": max(result.line, 1),
                                "startColumn": max(result.column, 1),
                            },
                        }
                    }
                ],
                "partialFingerprints": {"cherrysync/v1": fingerprint},
            }
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": tool,
                "version": __version__,
                "informationUri": INFO_URI,
                "rules": [
                    {"id": rule, "name": rule, "shortDescription": {"text": rules.get(rule, rule)}}
                    for rule in used
                ],
            }
        },
        "results": sarif_results,
    }
    if properties:
        run["properties"] = dict(properties)
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    }
    return json_text(log)
