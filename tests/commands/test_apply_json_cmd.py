"""``apply --format json`` and ``target_path`` in the plan JSON: what tools such as the Ansible
module read instead of parsing text (the backup, the resolved target, the applied counts)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.samples.v1backup import write_backup
from v2checks import snapshot
from v2fixtures import ENV, build_data_folder, insert, provider, write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert not any(value in out + err for value in ENV.values())
    return code, json.loads(out) if out.strip() else None, err


def test_plan_and_apply_json_name_the_resolved_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    file = str(write_file(tmp_path))
    folder = str(tmp_path / "CherryStudio")

    code, plan, _ = _run(capsys, "plan", file, "--target", folder, "--format", "json")
    assert code == 0 and plan["target_path"] == str(db)
    assert plan["target"] == f"Cherry Studio 2.x database {db} (schema through migration 0027)"

    code, doc, _ = _run(capsys, "apply", file, "--target", folder, "--yes", "--format", "json")
    assert code == 0
    assert doc["target_path"] == str(db) and doc["output_path"] is None
    assert doc["applied"] == doc["summary"] == {"add": 19, "change": 0, "remove": 0}
    assert [c["action"] for c in doc["changes"]] == [c["action"] for c in plan["changes"]]
    backup = Path(doc["backup_path"])
    assert backup.parent == db.parent and backup.name.endswith(".cherrysync-backup.sqlite")

    code, again, _ = _run(capsys, "apply", file, "--target", folder, "--yes", "--format", "json")
    assert code == 0 and again["changes"] == [] and again["backup_path"] is None
    assert again["applied"] == {"add": 0, "change": 0, "remove": 0}


def test_apply_json_for_a_v1_backup_names_the_written_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    zip_path = write_backup(tmp_path / "backup.zip")
    file = str(write_file(tmp_path))
    monkeypatch.chdir(tmp_path)  # a relative --target still gives absolute paths
    code, doc, _ = _run(
        capsys, "apply", file, "--target", "backup.zip", "--yes", "--format", "json"
    )
    assert code == 0 and doc["target_path"] == str(zip_path)
    written = str(tmp_path / "backup.cherrysync.zip")
    assert doc["output_path"] == written and doc["backup_path"] is None
    assert doc["applied"]["add"] == doc["summary"]["add"] > 0


def test_apply_json_refuses_a_prompt_and_a_running_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "CherryStudio"
    db = build_data_folder(folder)
    before = snapshot(db)
    file = str(write_file(tmp_path))
    code, doc, err = _run(capsys, "apply", file, "--target", str(folder), "--format", "json")
    assert code == 2 and "--format json needs --yes" in err
    assert doc["error"]["exit_code"] == 2 and "--format json needs --yes" in doc["error"]["message"]
    assert doc["changes"] == [] and doc["applied"] == {"add": 0, "change": 0, "remove": 0}

    os.symlink(f"{socket.gethostname()}-{os.getpid()}", folder / "SingletonLock")
    args = ("apply", file, "--target", str(folder), "--yes", "--format", "json")
    code, doc, err = _run(capsys, *args)
    assert code == 1 and "Cherry Studio is running" in err and str(db) in err
    # stdout is still one object, carrying the error (as plan --format json does)
    assert doc["error"]["exit_code"] == 1 and "Cherry Studio is running" in doc["error"]["message"]
    assert doc["backup_path"] is None and doc["changes"] == []
    assert snapshot(db) == before


def test_apply_json_with_a_blocker_prints_the_plan_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "CherryStudio"
    db = build_data_folder(folder)
    # a preset of a newer app with an id the file uses: a blocker, reported in the JSON
    conn = sqlite3.connect(db, isolation_level=None)
    insert(conn, "user_provider", provider("acme", "ACME preset", "a5", preset_provider_id="acme"))
    conn.close()
    before = snapshot(db)
    args = (
        "apply",
        str(write_file(tmp_path)),
        "--target",
        str(folder),
        "--yes",
        "--format",
        "json",
    )
    code, doc, _ = _run(capsys, *args)
    assert code == 1 and any("'acme' is a built-in (preset)" in b for b in doc["blockers"])
    assert doc["applied"] == {"add": 0, "change": 0, "remove": 0} and doc["backup_path"] is None
    assert snapshot(db) == before
