"""``plan`` and ``apply`` as functions on a real 2.x database, with the confirmation injected."""

from __future__ import annotations

from pathlib import Path

import pytest

from cherrysync.commands.apply import ApplyOptions, apply
from cherrysync.commands.plan import PlanOptions, plan
from cherrysync.errors import CherrysyncError, ProvidersFileError, TargetError
from v2checks import check_invariants, snapshot
from v2fixtures import write_file

pytestmark = pytest.mark.usefixtures("v2_env")


def test_declined_confirmation_writes_nothing(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = v2_folder / "Data" / "cherrystudio.sqlite"
    before = snapshot(db)
    asked: list[bool] = []

    def decline() -> bool:
        asked.append(True)
        return False

    options = ApplyOptions(target=str(v2_folder), file=str(write_file(tmp_path)))
    assert apply(options, confirm=decline) == 1
    assert asked == [True]
    out, err = capsys.readouterr()
    assert "Plan: 19 to add" in out and "Apply cancelled; nothing was written." in err
    assert snapshot(db) == before


def test_confirmed_apply_then_the_plan_is_empty(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(write_file(tmp_path))
    options = PlanOptions(target=str(v2_folder), file=file, detailed_exitcode=True)
    assert plan(options) == 2
    assert apply(ApplyOptions(target=str(v2_folder), file=file), confirm=lambda: True) == 0
    assert "Applied: 19 added, 0 changed, 0 removed." in capsys.readouterr().out
    check_invariants(v2_folder / "Data" / "cherrystudio.sqlite")
    assert plan(options) == 0

    def never() -> bool:
        raise AssertionError("nothing to apply, nothing to confirm")

    assert apply(ApplyOptions(target=str(v2_folder), file=file), confirm=never) == 0


def test_target_errors_reach_the_caller_unconverted(v2_folder: Path, tmp_path: Path) -> None:
    file = str(write_file(tmp_path))
    with pytest.raises(TargetError, match=r"no such file or folder") as missing:
        plan(PlanOptions(target=str(tmp_path / "absent"), file=file))
    assert missing.value.code == 2
    with pytest.raises(TargetError, match=r"^-o/--output applies only to a v1 backup zip target"):
        apply(ApplyOptions(target=str(v2_folder), file=file, output="x.zip", yes=True))
    with pytest.raises(CherrysyncError, match=r"refusing to apply without confirmation") as no:
        apply(ApplyOptions(target=str(v2_folder), file=file))  # the default asks a terminal
    assert no.value.code == 1


def test_provider_selects_what_plan_and_apply_touch(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from cherrysync.cli import main

    file, target = str(write_file(tmp_path)), str(v2_folder)
    assert main(["plan", file, "--target", target, "--provider", "claude", "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert {c["provider"] for c in changes} == {"claude"}
    args = ["apply", file, "--target", target, "--provider", "Gem", "--yes"]
    assert main(args) == 0
    assert "Applied: 2 added" in capsys.readouterr().out
    assert main(["plan", file, "--target", target, "--provider", "gem", "--prune"]) == 2
    assert "--prune cannot be combined with --provider" in capsys.readouterr().err


def test_apply_out_is_a_deprecated_spelling_of_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cherrysync.cli import main
    from cherrysync.samples.v1backup import write_backup

    backup = write_backup(tmp_path / "backup.zip")
    file = str(write_file(tmp_path))
    args = ["apply", file, "--target", str(backup), "--yes"]
    assert main([*args, "-o", str(tmp_path / "a.zip")]) == 0
    assert "--out is deprecated" not in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "b.zip")]) == 0
    assert "--out is deprecated; use -o/--output" in capsys.readouterr().err
    assert (tmp_path / "a.zip").is_file() and (tmp_path / "b.zip").is_file()


def test_a_registry_preset_id_fails_before_the_plan(
    v2_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database seeded by 2.x holds a `tokenhub` preset row: the file may not claim it."""
    from v2checks import execute

    execute(
        v2_folder / "Data" / "cherrystudio.sqlite",
        "INSERT INTO user_provider (provider_id, preset_provider_id, name, is_enabled, order_key,"
        " created_at, updated_at) VALUES ('tokenhub', 'tokenhub', 'TokenHub', 0, 'a9', 1, 1)",
    )
    text = "version: 1\nproviders:\n  - {name: Hub, id: tokenhub, type: openai}\n"
    file = str(write_file(tmp_path, text))
    with pytest.raises(ProvidersFileError, match=r"is not valid; fix the errors above") as failed:
        plan(PlanOptions(target=str(v2_folder), file=file))
    assert failed.value.code == 1
    out, err = capsys.readouterr()
    assert "No changes" not in out
    assert "id 'tokenhub' is a built-in Cherry Studio provider id" in err and "[reserved-id]" in err
