"""Diagnostic formats: the registry behind ``validate --format`` and GitHub annotations."""

from __future__ import annotations

import pytest

from cherrysync.cli import build_parser
from cherrysync.diagnostics import Diagnostic
from cherrysync.validate.formats import DIAGNOSTIC_FORMATS, render, render_summary

DIAGNOSTICS = [
    Diagnostic("dir,1/p:a.yaml", 4, 11, "error", "invalid-value", "50% off\nnext | line"),
    Diagnostic("p.yaml", 1, 1, "warning", "literal-secret", "a key"),
]


def test_validate_takes_its_format_choices_from_the_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    for name in DIAGNOSTIC_FORMATS:
        assert parser.parse_args(["validate", "--format", name]).format == name
    with pytest.raises(SystemExit, match="2"):
        parser.parse_args(["validate", "--format", "junit"])
    with pytest.raises(SystemExit, match="0"):
        parser.parse_args(["validate", "--help"])
    assert "{" + ",".join(DIAGNOSTIC_FORMATS) + "}" in capsys.readouterr().out


def test_github_escapes_properties_and_message() -> None:
    assert render("github", DIAGNOSTICS, ["p.yaml"]).splitlines() == [
        "::error file=dir%2C1/p%3Aa.yaml,line=4,col=11,title=invalid-value"
        "::50%25 off%0Anext | line",
        "::warning file=p.yaml,line=1,col=1,title=literal-secret::a key",
    ]


def test_summary_counts_and_escapes_table_cells() -> None:
    summary = render_summary(DIAGNOSTICS, ["a", "b"])
    assert summary.startswith("### ❌ cherrysync validate\n\n2 file(s), 1 error(s), 1 warning(s).")
    assert "| 50% off\\nnext \\| line |" in summary  # a raw line break would end the row
    assert render_summary(DIAGNOSTICS[1:], ["a"]).startswith("### ✅ cherrysync validate\n")
