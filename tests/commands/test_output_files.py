"""Files the commands write: never an existing one without --force, never one file twice,
and a symlinked file stays a symlink."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from check_support import FAST
from cherrysync.cli import main
from cherrysync.samples.v1backup import write_backup
from emulators import OllamaEmulator
from v1fixtures import ENV, FILE


@pytest.fixture
def ollama() -> Iterator[OllamaEmulator]:
    emu = OllamaEmulator(["llama3.2:latest", "mistral:7b"]).start()
    yield emu
    emu.stop()


def test_models_add_writes_through_a_symlinked_providers_file(
    tmp_path: Path, ollama: OllamaEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "dotfiles" / "providers.yaml"
    real.parent.mkdir()
    real.write_text(
        "version: 1\nproviders:\n  - name: Local\n    id: local\n    type: ollama\n"
        f'    base_url: {ollama.url}\n    models: ["llama3.2:latest"]\n'
    )
    real.chmod(0o640)
    work = tmp_path / "work"
    work.mkdir()
    link = work / "providers.yaml"
    link.symlink_to(Path("..") / "dotfiles" / "providers.yaml")
    assert main(["models", "local", str(link), "--add", "mistral:7b", *FAST]) == 0
    capsys.readouterr()
    assert link.is_symlink(), "the link was replaced by a regular file"
    assert "mistral:7b" in real.read_text() and real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in work.iterdir()) == ["providers.yaml"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["providers.yaml"]


@pytest.fixture
def apply_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "providers.yaml").write_text(FILE)
    backup = write_backup(tmp_path / "backup.zip")
    return ["apply", str(tmp_path / "providers.yaml"), "--target", str(backup), "--yes"]


@pytest.mark.parametrize("explicit", [True, False])
def test_apply_never_overwrites_an_output_without_force(
    tmp_path: Path, apply_args: list[str], capsys: pytest.CaptureFixture[str], explicit: bool
) -> None:
    out = tmp_path / ("mine.zip" if explicit else "backup.cherrysync.zip")
    out.write_bytes(b"the only copy of something")
    args = [*apply_args, "--out", str(out)] if explicit else apply_args
    assert main(args) == 1
    assert f"{out} exists; pass --force to overwrite it" in capsys.readouterr().err
    assert out.read_bytes() == b"the only copy of something"
    assert main([*args, "--force"]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    assert out.read_bytes()[:2] == b"PK" and out.stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def _import(tmp_path: Path, *args: str) -> list[str]:
    backup = write_backup(tmp_path / "backup.zip")
    return ["import", "--from", str(backup), *args]


@pytest.mark.parametrize(
    "env_out",
    ["keys", "./sub/../keys", "link", "hard"],
)
def test_import_refuses_one_file_for_providers_and_keys(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env_out: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    output = tmp_path / "keys"
    if env_out in ("link", "hard"):
        output.write_text("old")
        (tmp_path / "link").symlink_to("keys")
        os.link(output, tmp_path / "hard")
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = _import(tmp_path, "-o", str(output), "--env-out", env_out, "--force")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "are the same file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "backup.zip"])


def test_import_never_overwrites_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = write_backup(tmp_path / "backup.zip")
    content = backup.read_bytes()
    argv = ["import", "--from", str(backup), "-o", str(backup), "--force", "--no-secrets"]
    assert main(argv) == 2
    assert "is the input --from names" in capsys.readouterr().err
    argv = ["import", "--from", str(backup), "-o", str(tmp_path / "p.yaml"), "--force"]
    assert main([*argv, "--env-out", str(backup)]) == 2
    assert backup.read_bytes() == content
