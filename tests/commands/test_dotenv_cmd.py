"""The ``.env`` beside the providers file is read without ``--env-file``, below everything else.

Precedence, lowest first: the ``.env`` beside the file, ``--env-file`` files in order, the
process environment. ``-v`` says when the ``.env`` was loaded; ``--no-dotenv`` skips it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cherrysync.cli import main

FILE = (
    "version: 1\nproviders:\n  - name: Relay\n    type: openai\n    api_key: ${DOTENV_TEST_KEY}\n"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DOTENV_TEST_KEY", raising=False)
    (tmp_path / "providers.yaml").write_text(FILE, encoding="utf-8")
    (tmp_path / ".env").write_text("DOTENV_TEST_KEY=sk-from-dotenv-0001\n", encoding="utf-8")
    return tmp_path


def _exported_key(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["export", *args, "--to", "providers-json"])
    out, err = capsys.readouterr()
    key = json.loads(out)[0]["apiKey"] if code == 0 else ""
    return code, key, err


def test_dotenv_beside_the_file_is_read(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, key, err = _exported_key(capsys, str(folder / "providers.yaml"))
    assert code == 0 and key == "sk-from-dotenv-0001"
    assert "loading" not in err  # announced only with -v


def test_precedence_env_file_then_environment(
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "team.env"
    other.write_text("DOTENV_TEST_KEY=sk-from-env-file-02\n", encoding="utf-8")
    file = str(folder / "providers.yaml")
    assert _exported_key(capsys, file, "--env-file", str(other))[1] == "sk-from-env-file-02"
    monkeypatch.setenv("DOTENV_TEST_KEY", "sk-from-environment3")
    assert _exported_key(capsys, file, "--env-file", str(other))[1] == "sk-from-environment3"


def test_verbose_announces_and_no_dotenv_skips(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(folder / "providers.yaml")
    code, _, err = _exported_key(capsys, "-v", file)
    assert code == 0 and f"cherrysync: loading {folder / '.env'} beside {file}" in err
    code, _, err = _exported_key(capsys, file, "--no-dotenv")
    assert code == 1 and "environment variable DOTENV_TEST_KEY is not set" in err


def test_validate_reads_it_for_require_env_only(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(folder / "providers.yaml")
    assert main(["validate", "--require-env", "-v", file]) == 0
    assert "loading" in capsys.readouterr().err
    assert main(["validate", "--require-env", "--no-dotenv", file]) == 1
    assert main(["validate", "-v", file]) == 0
    assert "loading" not in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_dotenv_that_is_no_regular_file_is_skipped_and_said(
    folder: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Never read (a FIFO would wait for a writer), and never silently: the key is unset."""
    dotenv = folder / ".env"
    dotenv.unlink()
    if kind == "fifo":
        os.mkfifo(dotenv)
    else:
        dotenv.mkdir()
    code, _, err = _exported_key(capsys, str(folder / "providers.yaml"))
    shown = "a named pipe (FIFO)" if kind == "fifo" else "a folder"
    assert code == 1 and f"warning: cannot load {dotenv}: {shown}, not a regular file" in err
    assert "environment variable DOTENV_TEST_KEY is not set" in err
