"""sops-encrypted ``--env-file`` files, with a fake ``sops`` on PATH."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.load import sops
from cherrysync.load.envfile import EnvFileError
from cherrysync.load.sops import is_sops_dotenv, read_env_source
from fakebin import hide_tool, install_tool

SECRET = "sk-sops-0123456789abcdefSECRET"
ENCRYPTED = """\
RELAY_KEY=ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]
#ENC[AES256_GCM,data:Y29tbWVudA==,iv:aXY=,tag:dGFn,type:comment]
sops_age__list_0__map_recipient=age1examplerecipient
sops_lastmodified=2025-01-01T00:00:00Z
sops_mac=ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
sops_version=3.9.4
"""
#: a fake sops: checks its arguments, prints the plaintext, or fails quoting the secret
FAKE_SOPS = f"""
import os, sys
args = sys.argv[1:]
if os.environ.get("FAKE_SOPS_FAIL"):
    sys.stderr.write("Failed to get the data key: RELAY_KEY={SECRET}\\n")
    sys.exit(128)
expected = ["--decrypt", "--input-type", "dotenv", "--output-type", "dotenv"]
if args[:-1] != expected or not open(args[-1]).read().startswith("RELAY_KEY=ENC["):
    sys.exit(64)
sys.stdout.write("RELAY_KEY={SECRET}\\n")
"""
PROVIDERS = """\
version: 1
providers:
  - name: Relay
    id: relay
    type: openai
    base_url: https://relay.example.com/
    api_key: ${RELAY_KEY}
"""


@pytest.fixture
def encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RELAY_KEY", raising=False)
    path = tmp_path / "secrets.env"
    path.write_text(ENCRYPTED)
    (tmp_path / "providers.yaml").write_text(PROVIDERS)
    return path


def test_detection() -> None:
    assert is_sops_dotenv(ENCRYPTED)
    assert is_sops_dotenv("A=1\nsops_mac=x\n")
    assert not is_sops_dotenv("A=1\n# sops_version=3 in a comment\nSOPS_VERSION=3\n")


def test_decrypts_with_sops(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_tool(monkeypatch, tmp_path / "bin", "sops", FAKE_SOPS)
    assert read_env_source(encrypted) == {"RELAY_KEY": SECRET}
    plain = tmp_path / "plain.env"
    plain.write_text("A=1\n")
    assert read_env_source(plain) == {"A": "1"}


def test_names_only_without_decrypting(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_tool(monkeypatch, tmp_path / "empty")  # no sops: it must not be needed
    assert read_env_source(encrypted, decrypt=False) == {"RELAY_KEY": ""}


def test_failures_name_the_file_and_never_echo_sops(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_tool(monkeypatch, tmp_path / "empty")
    with pytest.raises(EnvFileError, match=r"is encrypted with sops, but 'sops' is not installed"):
        read_env_source(encrypted)
    install_tool(monkeypatch, tmp_path / "bin", "sops", FAKE_SOPS)
    monkeypatch.setenv("FAKE_SOPS_FAIL", "1")
    with pytest.raises(
        EnvFileError, match=r"sops could not decrypt it \(exit status 128\)"
    ) as info:
        read_env_source(encrypted)
    assert SECRET not in str(info.value)
    monkeypatch.setattr(sops, "SOPS_TIMEOUT", 0.5)
    install_tool(monkeypatch, tmp_path / "bin", "sops", "import time\ntime.sleep(30)\n")
    with pytest.raises(EnvFileError, match=r"did not finish within 0\.5 seconds"):
        read_env_source(encrypted)


def test_commands_use_the_decrypted_values(
    encrypted: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    providers = str(tmp_path / "providers.yaml")
    hide_tool(monkeypatch, tmp_path / "empty")
    # validate --require-env only needs the names, so it works without sops or a key
    assert main(["validate", "--require-env", "--env-file", str(encrypted), providers]) == 0
    install_tool(monkeypatch, tmp_path / "bin", "sops", FAKE_SOPS)
    capsys.readouterr()
    args = ["export", providers, "--to", "providers-json", "--env-file", str(encrypted)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["apiKey"] == SECRET
    assert SECRET not in captured.err
    monkeypatch.setenv("FAKE_SOPS_FAIL", "1")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "sops could not decrypt it" in err and SECRET not in err
