"""``import_providers`` as a function: refusals come before the app is read, files are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from cherrysync.commands.import_providers import ImportOptions, import_providers
from cherrysync.errors import CherrysyncError
from cherrysync.samples.v1backup import write_backup


def test_existing_files_and_missing_folders_are_refused_first(tmp_path: Path) -> None:
    absent = str(tmp_path / "absent.zip")  # never opened: the refusal comes first
    (tmp_path / ".env").write_text("KEEP=me\n")
    options = ImportOptions(source=absent, output=str(tmp_path / "providers.yaml"))
    with pytest.raises(CherrysyncError, match=r"\.env exists; pass --force") as exists:
        import_providers(options)
    assert exists.value.code == 1
    options = ImportOptions(source=absent, output=str(tmp_path / "nope" / "p.yaml"), force=True)
    with pytest.raises(CherrysyncError, match=r"^folder .*nope does not exist$") as folder:
        import_providers(options)
    assert folder.value.code == 2
    options = ImportOptions(source=absent, output=str(tmp_path / "p.yaml"), no_secrets=True)
    with pytest.raises(CherrysyncError, match=r"^--from .*absent\.zip: no such file or folder$"):
        import_providers(options)
    assert (tmp_path / ".env").read_text() == "KEEP=me\n"


def test_env_out_and_no_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = str(write_backup(tmp_path / "b.zip"))
    keys = tmp_path / "keys.env"
    options = ImportOptions(source=backup, output=str(tmp_path / "a.yaml"), env_out=str(keys))
    assert import_providers(options) == 0
    assert keys.stat().st_mode & 0o777 == 0o600 and not (tmp_path / ".env").exists()
    assert f"--env-file {keys}" in capsys.readouterr().out
    options = ImportOptions(source=backup, output=str(tmp_path / "b.yaml"), no_secrets=True)
    assert import_providers(options) == 0
    assert "key(s)" not in capsys.readouterr().out
    assert not (tmp_path / ".env").exists()


def test_messages_name_the_from_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The targets speak of --target; import's option is --from, and its errors say so."""
    from cherrysync.cli import main

    monkeypatch.setenv("HOME", str(tmp_path))  # 'auto' finds no app data here
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    out = str(tmp_path / "p.yaml")
    assert main(["import", "--from", "/nope", "-o", out]) == 2
    assert main(["import", "--from", "auto", "-o", out]) == 1
    err = capsys.readouterr().err
    assert "cherrysync: error: --from /nope: no such file or folder" in err
    assert "no Cherry Studio data found" in err and "pass --from with" in err
    assert "--target" not in err
