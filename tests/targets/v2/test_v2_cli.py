"""``cherrysync plan`` / ``apply`` end to end against a v2 database, and a kill mid-apply."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cherrysync.cli import main
from v2checks import check_invariants, snapshot
from v2fixtures import ENV, MANAGED, write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def test_plan_text_masks_keys(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_file(tmp_path)
    assert main(["plan", str(file), "--target", str(v2_folder)]) == 0
    out = capsys.readouterr().out
    assert '+ provider "acme"' in out and '+ model "acme::chat-2"' in out
    assert "Plan: 19 to add, 0 to change, 0 to remove." in out
    assert "sk-a…6789" in out and "team…6789" in out
    assert not any(value in out for value in ENV.values())


def test_plan_json_contract_and_detailed_exitcode(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_file(tmp_path)
    target = str(v2_folder)
    args = ["plan", str(file), "--target", target, "--format", "json", "--detailed-exitcode"]
    assert main(args) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] == {"add": 19, "change": 0, "remove": 0}
    first = doc["changes"][0]
    assert {k: first[k] for k in ("action", "kind", "provider", "model")} == {
        "action": "add",
        "kind": "provider",
        "provider": "acme",
        "model": None,
    }
    assert "api_keys" in first["fields"]
    assert first["after"]["api_keys"] == ["sk-a…6789", "sk-a…6789"]
    assert {c["provider"] for c in doc["changes"]} == MANAGED
    assert all(c["kind"] in ("provider", "model") for c in doc["changes"])
    assert not any(value in json.dumps(doc) for value in ENV.values())

    assert main(["apply", str(file), "--target", target, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Backup of the previous state:" in out and "Applied: 19 added" in out
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []
    assert main(["plan", str(file), "--target", target, "--prune", "--detailed-exitcode"]) == 2
    assert '- provider "2f6c9a1e' in capsys.readouterr().out


def test_apply_needs_confirmation_without_a_terminal(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    before = snapshot(db)
    assert main(["apply", str(write_file(tmp_path)), "--target", str(v2_folder)]) == 1
    assert "pass --yes" in capsys.readouterr().err
    assert snapshot(db) == before


def test_apply_with_a_blocker_exits_1(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_file(tmp_path)
    assert main(["apply", str(file), "--target", str(v2_folder), "--yes"]) == 0
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(
        "INSERT INTO knowledge_base VALUES ('kb-9', 'Docs', 'acme::text-embed', NULL, 1, 1)"
    )
    conn.close()
    capsys.readouterr()
    text = (tmp_path / "providers.yaml").read_text()
    renamed = text.replace("id: text-embed\n", "id: text-embed-2\n")
    smaller = write_file(tmp_path, renamed, "p2.yaml")
    before = snapshot(db)
    assert main(["apply", str(smaller), "--target", str(v2_folder), "--prune", "--yes"]) == 1
    out = capsys.readouterr().out
    assert "error: cannot remove model 'acme::text-embed'" in out and "'Docs'" in out
    assert snapshot(db) == before


#: Applies in a child process that pauses inside the transaction, after every row is written
#: (the keys come from the environment the ``_env`` fixture set).
PAUSING_APPLY = """
import os, sys, time
from pathlib import Path
from cherrysync.resolve import resolve_providers
from cherrysync.targets.v2.target import DatabaseTarget
from cherrysync.validate.pipeline import validate_path

file, database, marker = sys.argv[1:]

def pause() -> None:
    Path(marker).write_text("in transaction", encoding="utf-8")
    time.sleep(60)

providers, _ = resolve_providers(validate_path(file).model, os.environ)
DatabaseTarget(Path(database), before_commit=pause).apply(providers, prune=False)
"""


def test_killed_mid_apply_leaves_the_database_unchanged(v2_folder: Path, tmp_path: Path) -> None:
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    before = snapshot(db)
    marker = tmp_path / "in-transaction"
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSING_APPLY, str(write_file(tmp_path)), str(db), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, "apply ended before reaching the transaction"
            assert time.monotonic() < deadline, "apply never reached the transaction"
            time.sleep(0.05)
        # every row is written and the transaction is still open: kill without any cleanup
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (v2_folder / "Data" / "cherrystudio.sqlite-wal").exists()
    assert snapshot(db) == before
    check_invariants(db)
    # and the next apply goes through normally
    file = str(tmp_path / "providers.yaml")
    assert main(["apply", file, "--target", str(v2_folder), "--yes"]) == 0
    check_invariants(db)


def test_out_is_only_for_backup_zips(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    assert main(["apply", file, "--target", str(v2_folder), "--out", "x.zip", "--yes"]) == 2
    assert "-o/--output applies only to a v1 backup zip target" in capsys.readouterr().err
