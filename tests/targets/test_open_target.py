"""Every input a user may hand over is recognised and described; the found line is printed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.samples.v1backup import write_backup
from cherrysync.samples.v2db import build_data_folder, write_v2_backup
from cherrysync.targets.base import TargetError
from cherrysync.targets.open import open_target
from v2fixtures import write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def test_each_kind_is_described(tmp_path: Path) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    v5 = write_backup(tmp_path / "v5.zip")
    v7 = write_v2_backup(tmp_path / "v7.zip", db)
    early = build_data_folder(tmp_path / "Early", location="root")
    cases = {
        str(tmp_path / "CherryStudio"): ("Cherry Studio 2.x database", None),
        str(db): ("Cherry Studio 2.x database", None),
        str(early): ("Cherry Studio 2.x database in the early 2.0 location", None),
        str(v5): ("Cherry Studio 1.x backup, format 5", None),
        str(v7): ("Cherry Studio 2.x backup, format 7, made with 2.1.0 on 2026-10-02", "whole"),
    }
    for spec, (what, refusal) in cases.items():
        found = open_target(spec).found
        assert found.what == what, spec
        assert (found.refusal is None) == (refusal is None)
        if refusal:
            assert refusal in str(found.refusal)
    target = open_target(str(v5))
    target.plan([], prune=False)
    assert target.found.what == "Cherry Studio 1.x backup, format 5, made on 2025-11-24"


def test_a_zip_is_recognised_by_its_bytes_too(tmp_path: Path) -> None:
    backup = write_backup(tmp_path / "b.zip")
    renamed = tmp_path / "backup-download"
    shutil.copy(backup, renamed)
    assert open_target(str(renamed)).found.what.startswith("Cherry Studio 1.x backup, format 5")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(TargetError, match="not a SQLite database"):
        open_target(str(tmp_path / "notes.txt")).plan([], prune=False)
    with pytest.raises(TargetError, match="holds neither"):
        open_target(str(tmp_path))


def test_plan_prints_the_found_line_first_and_keeps_json_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "CherryStudio"
    db = build_data_folder(folder)
    file = str(write_file(tmp_path))
    assert main(["plan", file, "--target", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"Found Cherry Studio 2.x database at {db}: cherrysync can plan, import, and apply "
        "while the app is closed."
    )
    assert out[1] == (
        "cherrysync will perform these actions on Cherry Studio 2.x database "
        f"{db} (schema through migration 0027):"
    )
    assert main(["plan", file, "--target", str(folder), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["add"] == 19
    assert "Found Cherry Studio 2.x database" in captured.err
    backup = write_backup(tmp_path / "b.zip")
    imported = tmp_path / "imported.yaml"
    assert main(["import", "--from", str(backup), "-o", str(imported)]) == 0
    assert capsys.readouterr().out.startswith(
        f"Found Cherry Studio 1.x backup, format 5, made on 2025-11-24 at {backup}: cherrysync "
        "can plan, import, and apply into a new zip to restore."
    )
