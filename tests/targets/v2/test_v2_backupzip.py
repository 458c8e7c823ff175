"""2.x backup zips (format 7): plans and imports from the sealed database, never written."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.samples.v2db import write_v2_backup
from cherrysync.targets import archive
from cherrysync.targets.base import TargetError
from cherrysync.targets.open import open_target
from cherrysync.targets.v2.backup import BackupArchiveTarget
from v2fixtures import build_data_folder, write_file

pytestmark = pytest.mark.usefixtures("v2_env")


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    db = build_data_folder(tmp_path / "CherryStudio")
    return write_v2_backup(tmp_path / "cherry-studio.202610021200.zip", db)


def test_plan_import_and_a_refused_apply(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    assert main(["plan", file, "--target", str(backup), "--detailed-exitcode"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Found Cherry Studio 2.x backup, format 7, made with 2.1.0 on 2026-10-02 at "
        f"{backup}: cherrysync can plan and import, not apply."
    )
    assert out[1] == f"cherrysync will perform these actions on Cherry Studio 2.x backup {backup}:"
    assert '  + provider "acme"' in out
    assert any("replaces the app's whole database" in line for line in out)
    assert not any("cherrysync-" in line for line in out), "no temp path leaks into the plan"

    result = tmp_path / "imported.yaml"
    assert main(["import", "--from", str(backup), "-o", str(result)]) == 0
    text = result.read_text(encoding="utf-8")
    assert "name: My Relay" in text and f"from Cherry Studio 2.x backup {backup}" in text

    before = sorted(os.listdir(tmp_path))
    assert main(["apply", file, "--target", str(backup), "--yes"]) == 1
    captured = capsys.readouterr()
    assert "restoring a 2.x backup replaces the app's whole database" in captured.err
    assert "--target auto" in captured.err
    assert sorted(os.listdir(tmp_path)) == before


def test_plan_json_names_the_zip_never_the_temp_copy(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    assert main(["plan", file, "--target", str(backup), "--format", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)  # the found line went to stderr
    assert doc["target_path"] == str(backup)
    assert "\nFound Cherry Studio 2.x backup, format 7" in captured.err  # after the warnings


@pytest.mark.parametrize(("slim", "root_layout"), [(True, False), (False, True)])
def test_slim_and_older_layouts(tmp_path: Path, slim: bool, root_layout: bool) -> None:
    db = build_data_folder(tmp_path / "CherryStudio", "2.0")
    zipped = write_v2_backup(tmp_path / "b.zip", db, slim=slim, root_layout=root_layout)
    names = [p.name for p in open_target(str(zipped)).read_custom_providers()]
    assert names == ["My Relay"]


def test_only_the_database_is_unpacked_privately_then_removed(
    backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen: list[tuple[str, int, int]] = []
    real = archive.extract_member

    def watched(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limit: int) -> int:
        size = real(zf, info, dest, limit)
        seen.append((info.filename, dest.stat().st_mode & 0o777, dest.parent.stat().st_mode))
        return size

    monkeypatch.setattr(archive, "extract_member", watched)
    target = open_target(str(backup))
    assert target.read_custom_providers()
    assert seen == [("Data/cherrystudio.sqlite", 0o600, seen[0][2])]
    assert stat.S_IMODE(seen[0][2]) == 0o700
    assert list(scratch.iterdir()) == []


def test_damaged_members_name_the_zip_not_the_temp_copy(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as zf:
        zf.writestr("metadata.json", '{"version": 7, "appName": "Cherry Studio"}')
        zf.writestr("cache.json", "{}")
        zf.writestr("Data/cherrystudio.sqlite", b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(TargetError) as caught:
        open_target(str(damaged)).plan([], prune=False)
    assert f"Data/cherrystudio.sqlite in {damaged}" in caught.value.message
    assert "cherrysync-" not in caught.value.message
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("metadata.json", '{"version": 7, "appName": "Cherry Studio"}')
    with pytest.raises(TargetError, match=r"without Data/cherrystudio\.sqlite"):
        open_target(str(empty)).read_custom_providers()


def test_size_and_space_are_checked_before_unpacking(
    backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cherrysync.targets.v2 import backup as v2backup

    monkeypatch.setattr(v2backup, "MAX_DB_BYTES", 1024)
    with pytest.raises(TargetError, match="larger than 0 MiB"):
        open_target(str(backup)).read_custom_providers()
    monkeypatch.undo()

    def full(path: Any) -> Any:
        return shutil._ntuple_diskusage(10 << 30, 10 << 30, 0)  # type: ignore[attr-defined]

    monkeypatch.setattr(shutil, "disk_usage", full)
    with pytest.raises(TargetError, match=r"temporary space.*TMPDIR"):
        open_target(str(backup)).read_custom_providers()
    assert isinstance(open_target(str(backup)), BackupArchiveTarget)
