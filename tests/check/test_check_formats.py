"""Check result formats: the registry behind ``--format``, annotations, the summary sentence."""

from __future__ import annotations

import pytest

from cherrysync.check.formats import (
    CHECK_FORMATS,
    latency_by_provider,
    render,
    render_markdown,
    summary_sentence,
)
from cherrysync.check.result import Balance, CheckResult
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


def _enriched() -> list[CheckResult]:
    """A balance, a low balance, a capability warning and latencies, as a run reports them."""
    rich = CheckResult("ds", "sk-…abcd", None, "ok", "key accepted; balance 12.50 CNY", "pass")
    rich.balance = Balance(12.5, "CNY")
    rich.latency_ms = 40
    low = CheckResult("ds", "sk-…wxyz", None, "low_balance", "key accepted; balance 0.10 CNY")
    low.balance = Balance(0.1, "CNY")
    low.latency_ms = 100
    model = CheckResult("ds", "sk-…abcd", "deepseek-chat", "ok", "listed", "pass", latency_ms=20)
    model.warn("capability-mismatch", "the endpoint reports reasoning, which the file omits")
    skipped = CheckResult("off", None, None, "skipped", "disabled", "pass")
    return [rich, low, model, skipped]


def test_every_format_shows_balances_warnings_and_latency() -> None:
    import json
    import xml.etree.ElementTree as ET

    results = _enriched()
    text = render("text", results)
    assert text.splitlines()[-2:] == [
        "latency ds  p50 40 ms, p95 100 ms",
        "4 checks: 1 passed, 1 skipped, 1 warnings, 1 failed",
    ]
    assert "ok (warning)" in text and "balance 12.50 CNY" in text

    rows = json.loads(render("json", results))["results"]
    assert rows[0]["balance"] == {"amount": 12.5, "currency": "CNY", "scope": "account"}
    assert rows[1]["status"] == "low_balance" and rows[2]["warnings"] == [
        {
            "rule": "capability-mismatch",
            "message": "the endpoint reports reasoning, which the file omits",
        }
    ]
    assert rows[2]["message"].endswith(
        "; capability-mismatch: the endpoint reports reasoning, which the file omits"
    )

    junit = ET.fromstring(render("junit", results))
    props = junit.findall(".//property")
    assert [(p.get("name"), p.get("value")) for p in props] == [
        ("balance", "balance 12.50 CNY"),
        ("balance", "balance 0.10 CNY"),
    ]
    assert junit.find(".//failure").get("type") == "low_balance"  # type: ignore[union-attr]
    assert "capability-mismatch: " in junit.find(".//system-out").text  # type: ignore[union-attr,operator]

    github = render("github", results).splitlines()
    assert github[0].startswith("::error title=ds sk-…wxyz / (key)%3A low_balance::")
    assert github[1].startswith(
        "::warning title=ds sk-…abcd / deepseek-chat%3A capability-mismatch::"
    )
    assert github[2] == "::notice title=ds sk-…abcd / (key)%3A balance::balance 12.50 CNY"

    sarif = json.loads(render("sarif", results))["runs"][0]
    assert [r["ruleId"] for r in sarif["results"]] == [
        "check/low_balance",
        "check/capability-mismatch",
    ]
    assert sarif["properties"]["balances"][0] == {
        "provider": "ds", "key": "sk-…abcd", "amount": 12.5, "currency": "CNY", "scope": "account"
    }  # fmt: skip
    assert "| ds | sk-…abcd | - | `ok` | key accepted; balance 12.50 CNY |" in render_markdown(
        results
    )


def test_latency_percentiles_are_nearest_rank() -> None:
    rows = [CheckResult("p", None, f"m{i}", "ok", "", "pass", latency_ms=i) for i in range(1, 101)]
    assert latency_by_provider(rows) == {"p": (50, 95)}
    assert latency_by_provider(rows[:1]) == {"p": (1, 1)}
    assert latency_by_provider(RESULTS) == {}
