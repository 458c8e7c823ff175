"""Check result formats: the registry behind ``--format``, annotations, the summary sentence."""

from __future__ import annotations

import pytest

from cherrysync.check.formats import CHECK_FORMATS, render, render_markdown, summary_sentence
from cherrysync.check.result import CheckResult
from cherrysync.cli import build_parser

RESULTS = [
    CheckResult("work,eu:1", "sk-…abcd", None, "ok", "key accepted", "pass"),
    CheckResult("work,eu:1", "sk-…abcd", "gpt-x", "model_missing", "not offered\nat all"),
    CheckResult("local", None, "llama", "not_verifiable", "cannot tell", "warn"),
    CheckResult("off", None, None, "skipped", "disabled", "pass"),
]
SENTENCE = "4 checks: 1 passed, 1 skipped, 1 warnings, 1 failed"


def test_check_takes_its_format_choices_from_the_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    for name in CHECK_FORMATS:
        assert parser.parse_args(["check", "--format", name]).format == name
    with pytest.raises(SystemExit, match="2"):
        parser.parse_args(["check", "--format", "markdown"])
    with pytest.raises(SystemExit, match="0"):
        parser.parse_args(["check", "--help"])
    assert "{" + ",".join(CHECK_FORMATS) + "}" in capsys.readouterr().out


def test_github_annotates_failures_and_warnings_escaped_then_the_sentence() -> None:
    lines = render("github", RESULTS).splitlines()
    assert lines == [
        "::error title=work%2Ceu%3A1 sk-…abcd / gpt-x%3A model_missing::not offered%0Aat all",
        "::warning title=local no key / llama%3A not_verifiable::cannot tell",
        SENTENCE,
    ]
    placed = render("github", RESULTS, "cfg/p,1.yaml", lambda r: ("", len(r.provider), 3))
    assert placed.splitlines()[1].startswith("::warning file=cfg/p%2C1.yaml,line=5,col=3,title=")
    overlaid = render("github", RESULTS, "cfg/p,1.yaml", lambda r: ("laptop.yaml", 2, 5))
    assert overlaid.splitlines()[1].startswith("::warning file=laptop.yaml,line=2,col=5,title=")


def test_one_summary_sentence_in_every_format_that_states_it() -> None:
    assert summary_sentence(RESULTS) == SENTENCE
    assert render("text", RESULTS).splitlines()[-1] == SENTENCE
    assert f"\n{SENTENCE}.\n" in render_markdown(RESULTS)
    assert render_markdown(RESULTS).startswith("### ❌ cherrysync check\n")
    assert render_markdown(RESULTS[:1]).startswith("### ✅ cherrysync check\n")


def test_sarif_without_a_file_names_the_default_one() -> None:
    sarif = render("sarif", RESULTS)
    assert '"uri": "providers.yaml"' in sarif and "check/model_missing" in sarif
