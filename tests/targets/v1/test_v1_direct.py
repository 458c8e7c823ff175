"""Format-6 backups (1.8.1–1.9.12) and live 1.x installations: read, never written."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.load.envfile import read_env_file
from cherrysync.samples.v1localstorage import build_profile, manifest, write_direct_backup
from cherrysync.targets.base import TargetError
from cherrysync.targets.open import open_target
from cherrysync.targets.v1 import localstorage
from leveldb_support import plyvel_or_skip
from v1fixtures import ENV, FILE

plyvel_or_skip()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def providers(tmp_path: Path) -> str:
    path = tmp_path / "providers.yaml"
    path.write_text(FILE, encoding="utf-8")
    return str(path)


def test_plan_says_what_it_found_and_shows_the_drift(
    tmp_path: Path, providers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = write_direct_backup(tmp_path / "cherry-studio.20261002120000.host.desktop.zip")
    assert main(["plan", providers, "--target", str(backup), "--detailed-exitcode"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Found Cherry Studio 1.x backup, format 6, made with 1.9.10 on 2026-10-02 at "
        f"{backup}: cherrysync can plan and import, not apply."
    )
    assert (
        out[1]
        == f"cherrysync will perform these actions on Cherry Studio 1.x backup (format 6) {backup}:"
    )
    assert '  + provider "relay"' in out
    refusal = next(line for line in out if line.startswith("warning: apply will refuse"))
    assert "Settings → Data → Export to phone → Export as file" in refusal


def test_import_reads_the_users_providers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = write_direct_backup(tmp_path / "b.zip")
    out = tmp_path / "providers.yaml"
    assert main(["import", "--from", str(backup), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Found Cherry Studio 1.x backup, format 6")
    assert "name: Home vLLM (GPU) ✓" in out.read_text(encoding="utf-8")
    assert read_env_file(tmp_path / ".env") == {
        "HOME_VLLM_GPU_API_KEY": "sk-home-1",
        "HOME_VLLM_GPU_API_KEY_2": "sk-home-2",
    }


def test_apply_refuses_with_the_way_forward(
    tmp_path: Path, providers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = write_direct_backup(tmp_path / "b.zip")
    profile = build_profile(tmp_path / "CherryStudio")
    for target in (backup, profile):
        before = sorted(p.name for p in tmp_path.iterdir())
        assert main(["apply", providers, "--target", str(target), "--yes"]) == 1
        captured = capsys.readouterr()
        assert captured.out.startswith("Found Cherry Studio 1.x")
        assert "cannot write" in captured.err
        assert "Export to phone → Export as file writes a format-5 zip" in captured.err
        assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_live_installation_is_read_like_the_backup(
    tmp_path: Path, providers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = build_profile(tmp_path / "CherryStudio")
    for target in (profile, profile / "Local Storage" / "leveldb"):
        assert main(["plan", providers, "--target", str(target)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("Found Cherry Studio 1.x installation at ")
        assert '  + provider "relay"' in out


def test_json_names_what_the_user_gave_and_keeps_stdout_one_document(
    tmp_path: Path, providers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``target_path`` is the zip or the folder named, never the private copy read from."""
    backup = write_direct_backup(tmp_path / "b.zip")
    profile = build_profile(tmp_path / "CherryStudio")
    store = profile / "Local Storage" / "leveldb"
    for target in (backup, profile, store):
        assert main(["plan", providers, "--target", str(target), "--format", "json"]) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["target_path"] == str(target)
        assert captured.err.startswith("Found Cherry Studio 1.x ")
        assert main(["apply", providers, "--target", str(target), "--yes", "--format", "json"]) == 1
        captured = capsys.readouterr()
        failed = json.loads(captured.out)  # stdout: one object, carrying the refusal
        assert "cannot write" in captured.err and "cannot write" in failed["error"]["message"]
        assert failed["changes"] == [] and failed["output_path"] is None
        assert captured.err.startswith("Found Cherry Studio 1.x ")


def _rezip(source: Path, dest: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of ``source`` with members replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            if info.filename not in change:
                zout.writestr(info, zin.read(info))
        for name, data in change.items():
            if data is not None:
                zout.writestr(name, data)
    return dest


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metadata.json": json.dumps(manifest(8)).encode()}, r"format 8.*update cherrysync"),
        ({"metadata.json": json.dumps(manifest("6")).encode()}, "format 6, which cherrysync does"),
        ({"metadata.json": json.dumps(manifest(appName="Other")).encode()}, "not a Cherry Studio"),
        ({"metadata.json": b"[1]"}, "not a JSON object"),
        ({"metadata.json": b"[" * 100_000}, "not a JSON object"),
        ({"Local Storage/leveldb/CURRENT": None}, "without a Local Storage LevelDB"),
    ],
)
def test_unusable_direct_backups(
    tmp_path: Path, change: dict[str, bytes | None], message: str
) -> None:
    good = write_direct_backup(tmp_path / "good.zip")
    bad = _rezip(good, tmp_path / "bad.zip", change)
    with pytest.raises(TargetError, match=message):
        open_target(str(bad)).plan([], prune=False)


def test_members_are_bounded_and_unique(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = write_direct_backup(tmp_path / "good.zip")
    with zipfile.ZipFile(good) as zf:
        current = zf.read("Local Storage/leveldb/CURRENT")
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(twice, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zout.writestr("Local Storage/leveldb/CURRENT", current)
    with pytest.raises(TargetError, match="twice"):
        open_target(str(twice)).plan([], prune=False)
    monkeypatch.setattr(localstorage, "MAX_STORE_BYTES", 2000)
    with pytest.raises(TargetError, match="holds more than 0 MiB"):
        open_target(str(good)).plan([], prune=False)


def test_private_copies_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    backup = write_direct_backup(tmp_path / "b.zip")
    profile = build_profile(tmp_path / "CherryStudio")
    for target in (backup, profile):
        assert open_target(str(target)).read_custom_providers()
        assert list(scratch.iterdir()) == []
    with pytest.raises(TargetError):
        open_target(str(_rezip(backup, tmp_path / "x.zip", {"metadata.json": b"{}"})))
    assert list(scratch.iterdir()) == []
