"""The collector policy of a run: paused during start-up, the start-up heap frozen once a long
phase begins, and the interpreter's collector left exactly as it was found."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from cherrysync import collector
from cherrysync.cli import main


@pytest.fixture(autouse=True)
def _collector_restored() -> None:
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_paused_until_resumed_then_frozen() -> None:
    with collector.paused():
        assert not gc.isenabled()
        start_up_heap = [object() for _ in range(10)]
        assert gc.is_tracked(start_up_heap)
        collector.resume()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        later: list[list[int]] = [[] for _ in range(10)]
        collector.resume()  # once only: what the long phase builds stays collectable
        assert gc.get_freeze_count() == frozen and gc.is_tracked(later)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collector.paused():
            collector.resume()
            assert not gc.isenabled()
            assert gc.get_freeze_count() == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_nested_runs_keep_it_paused_until_the_outer_one_ends() -> None:
    """``demo`` runs each step through ``cli.main``."""
    with collector.paused():
        with collector.paused():
            collector.resume()
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_restored_when_the_command_fails() -> None:
    with pytest.raises(RuntimeError, match="boom"), collector.paused():
        collector.resume()
        raise RuntimeError("boom")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_commands_leave_the_collector_as_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text("version: 1\nproviders:\n  - name: off\n    type: openai\n    enabled: false\n")
    assert main(["validate", str(path)]) == 0
    assert main(["check", str(path), "--format", "json"]) == 0  # resumes before its run
    assert json.loads(capsys.readouterr().out)["results"][0]["status"] == "skipped"
    assert gc.isenabled() and gc.get_freeze_count() == 0
