"""``check --history``: one line per run, no keys, what changed since the last run, and a
history file read as hostile input."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest

from check_support import FAST, provider, write_providers
from cherrysync.check import history
from cherrysync.check.result import CheckResult
from cherrysync.cli import main
from emulators import OpenAIEmulator

KEY = "sk-history-0123456789abcdefgh"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    emu = OpenAIEmulator([KEY], ["gpt-4o", "gpt-4o-mini"]).start()
    path = write_providers(
        tmp_path,
        [provider("p", "openai", emu.url, ["gpt-4o", "gpt-4o-mini"], "K")],
        monkeypatch,
        {"K": KEY},
    )
    yield emu, path, tmp_path / "history.jsonl"
    emu.stop()


def check(path: Path, log: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", str(path), "--format", "json", "--history", str(log), *FAST, *args])
    return code, capsys.readouterr().err


def test_runs_are_recorded_without_keys_and_changes_are_reported(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu, path, log = setup
    code, err = check(path, log, capsys)
    assert code == 0 and f"history: first run of this file recorded in {log}" in err
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    code, err = check(path, log, capsys)
    assert "history: no changes since the run of " in err

    emu.models.remove("gpt-4o-mini")
    code, err = check(path, log, capsys)
    assert code == 1
    assert "  newly failing: p key 0 / gpt-4o-mini: model_missing (was ok)" in err.splitlines()

    emu.models.append("gpt-4o-mini")
    emu.latency = 0.3
    code, err = check(path, log, capsys)
    lines = err.splitlines()
    assert "  recovered: p key 0 / gpt-4o-mini: ok (was model_missing)" in lines
    assert any(line.startswith("  latency doubled: p key 0 / (key): ") for line in lines)

    text = log.read_text()
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == 4
    assert records[0]["results"][0] == {
        "provider": "p",
        "key": 0,
        "model": None,
        "status": "ok",
        "level": "pass",
        "latency_ms": records[0]["results"][0]["latency_ms"],
    }
    assert KEY not in text and KEY[-4:] not in text and "…" not in text


def test_the_job_summary_says_what_changed(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu, path, log = setup
    summary = log.parent / "summary.md"
    check(path, log, capsys)
    emu.models.remove("gpt-4o")
    check(path, log, capsys, "--summary", str(summary))
    text = summary.read_text()
    assert "**Changes since the run of " in text
    assert "- newly failing: p key 0 / gpt-4o: model_missing (was ok)" in text


def test_other_files_corrupt_and_torn_lines_and_a_bounded_read(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, path, log = setup
    check(path, log, capsys)
    other = {"version": 1, "time": "2030-01-01T00:00:00Z", "file": "other.yaml", "results": []}
    nested = "[" * 100_000 + "]" * 100_000
    with log.open("a") as handle:
        handle.write(json.dumps(other) + "\nnot json\n" + nested + '\n{"version": 1}\n')
        handle.write('{"version": 1, "time": "torn')  # a write that was cut short
    _code, err = check(path, log, capsys)
    warnings = [line for line in err.splitlines() if line.startswith("cherrysync: warning:")]
    assert len(warnings) == 4 and all("skipped" in w for w in warnings)
    assert "history: no changes since the run of " in err  # found past the other file's run
    assert log.read_text().count("\n") == 7  # the torn line ends before the new record

    monkeypatch.setattr(history, "MAX_READ", 2000)  # the first run is no longer in reach
    big = {**other, "file": str(path), "results": [{"provider": "x" * 3000}]}
    with log.open("a") as handle:
        handle.write(json.dumps(big) + "\n")
    _code, err = check(path, log, capsys)
    assert "history: first run of this file recorded" in err and "Traceback" not in err


def test_what_a_record_holds_is_shown_as_data(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A record's time is escaped; a status or level that is not ours makes it no record."""
    emu, path, log = setup
    summary = log.parent / "summary.md"
    rows = [
        {"provider": "p", "key": 0, "model": m, "status": "ok", "level": "pass", "latency_ms": 1}
        for m in (None, "gpt-4o", "gpt-4o-mini")
    ]
    record = {"version": 1, "file": str(path), "results": rows}
    forged = [{**rows[0], "status": "<img src=x>\x1b[2J", "level": "fail"}, *rows[1:]]
    with log.open("w") as handle:
        handle.write(json.dumps({**record, "time": "2030\x1b]0;owned\x07"}) + "\n")
        handle.write(json.dumps({**record, "time": "later", "results": forged}) + "\n")
    emu.models.remove("gpt-4o")
    _code, err = check(path, log, capsys, "--summary", str(summary))
    shown = err + summary.read_text()
    assert "\x1b" not in shown and "\x07" not in shown and "<img" not in shown
    assert "history: changes since the run of 2030\\x1b]0;owned\\x07:" in err
    assert "line 2 is not a history record; skipped" in err


def test_an_overlong_line_is_skipped_unparsed(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, path, log = setup
    check(path, log, capsys)
    monkeypatch.setattr(history, "MAX_LINE", 100)
    _code, err = check(path, log, capsys)
    assert "is not a history record; skipped" in err and "first run" in err


def test_a_history_path_that_is_not_a_file_is_a_usage_error(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu, path, log = setup
    log.mkdir()
    code, err = check(path, log, capsys)
    assert code == 2 and "a folder, not a regular file" in err and "Traceback" not in err
    assert len(emu.requests) == 0  # refused before anything was sent


def test_appends_from_threads_never_interleave(tmp_path: Path) -> None:
    log = tmp_path / "h.jsonl"
    results = [CheckResult("p" * 200, None, f"m{i}", "ok", "") for i in range(200)]

    def writer() -> None:
        for _ in range(20):
            history.append(str(log), "f.yaml", results)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 81
    assert all(history.parse_record(line) is not None for line in lines[:-1])


def test_compare_only_reports_real_slowdowns() -> None:
    def run(latency: int | None, status: str = "ok") -> history.Run:
        entry = history.Entry("p", 0, None, status, "pass" if status == "ok" else "fail", latency)
        return history.Run("t", "f", [entry])

    def result(latency: int | None) -> CheckResult:
        row = CheckResult("p", "sk-…", None, "ok", "", "pass", latency_ms=latency)
        row.key_index = 0
        return row

    assert history.compare(run(2), [result(4)]).empty  # doubled, but only 2 ms
    assert history.compare(run(None), [result(400)]).empty
    assert not history.compare(run(100), [result(200)]).empty
    assert history.compare(run(100, "timeout"), [result(100)]).recovered


def test_a_history_file_in_a_missing_folder_is_refused_before_the_run(
    setup,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu, path, log = setup
    code, err = check(path, log.parent / "absent" / "h.jsonl", capsys)
    assert code == 2 and "does not exist" in err and len(emu.requests) == 0
