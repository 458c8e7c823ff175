"""Keychain and 1Password references: syntax, reading, errors that never hold a value.

1Password is a fake ``op`` on PATH; the keychain is keyring with a small in-memory backend (or
its ``fail`` backend), set with ``keyring.set_keyring``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from cherrysync import secretstores
from cherrysync.cli import main
from cherrysync.secrets import (
    EnvRef,
    EnvSyntaxError,
    KeyringRef,
    OpRef,
    SecretLookupError,
    interpolate,
    references,
)
from cherrysync.secretstores import SecretStores
from fakebin import hide_tool, install_tool

OP_VALUE = "sk-op-0123456789abcdefSECRET"
KEYCHAIN_VALUE = "sk-kc-0123456789abcdefSECRET"
FAKE_OP = f"""
import os, sys
args = sys.argv[1:]
log = os.environ.get("FAKE_OP_LOG")
if log:
    with open(log, "a") as handle:
        handle.write(" ".join(args) + "\\n")
if args[:2] != ["read", "--no-newline"] or len(args) != 3:
    sys.exit(64)
ref = args[2]
if ref == "op://Private/Relay/credential":
    sys.stdout.write({OP_VALUE!r})
elif ref == "op://Private/Comma/credential":
    sys.stdout.write("sk-a,sk-b-{OP_VALUE}")
elif ref.startswith("op://Locked/"):
    sys.stderr.write("[ERROR] you are not currently signed in. {OP_VALUE}\\n")
    sys.exit(1)
else:
    sys.stderr.write("[ERROR] could not read secret: {OP_VALUE} isn't an item\\n")
    sys.exit(1)
"""


class MemoryKeyring(KeyringBackend):
    """A keychain in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def keychain() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    backend.set_password("cherrysync", "relay", KEYCHAIN_VALUE)
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fake_op(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "op.log"
    monkeypatch.setenv("FAKE_OP_LOG", str(log))
    install_tool(monkeypatch, tmp_path / "bin", "op", FAKE_OP)
    return log


def test_reference_syntax() -> None:
    assert references("${keyring:cherrysync/relay}") == [KeyringRef("cherrysync", "relay")]
    assert references("${keyring:https://host/x/me}") == [KeyringRef("https://host/x", "me")]
    assert references("Bearer ${op://Work/Relay Key/API/credential?attribute=password}") == [
        OpRef("op://Work/Relay Key/API/credential?attribute=password")
    ]
    assert references("${keyring:-fallback}") == [EnvRef("keyring", default="fallback")]
    assert str(KeyringRef("s", "u")) == "${keyring:s/u}"
    for bad, match in [
        ("${keyring:no-user}", "keychain reference"),
        ("${keyring:svc/}", "keychain reference"),
        ("${op:Private/Item/field}", "1Password reference"),
        ("${op://Private/Item}", "1Password reference"),
        ("${op://a/b/c/d/e}", "1Password reference"),
        ("${op://a//c}", "1Password reference"),
        ("${vault:kv/relay}", "unknown secret store 'vault:'"),
    ]:
        with pytest.raises(EnvSyntaxError, match=match):
            references("x" + bad)


def test_store_references_need_a_reader() -> None:
    with pytest.raises(SecretLookupError, match=r"\$\{keyring:s/u\}: secret stores are not read"):
        interpolate("${keyring:s/u}", {})


def test_keychain_reads_and_names_missing_entries(keychain: MemoryKeyring) -> None:
    stores = SecretStores()
    assert stores.read(KeyringRef("cherrysync", "relay")) == KEYCHAIN_VALUE
    with pytest.raises(SecretLookupError, match="no entry for service 'cherrysync' and user 'x'"):
        stores.read(KeyringRef("cherrysync", "x"))
    # a failed read is remembered: the second use gets the same error, naming the reference
    with pytest.raises(SecretLookupError, match="no entry for service") as again:
        stores.read(KeyringRef("cherrysync", "x"))
    assert again.value.ref == KeyringRef("cherrysync", "x")
    assert str(again.value) == (
        "${keyring:cherrysync/x}: the keychain has no entry for service 'cherrysync' and user "
        "'x' (add it with: keyring set cherrysync x)"
    )


def test_keychain_without_a_backend_says_what_to_install() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretLookupError, match="no OS keychain is available") as info:
            SecretStores().read(KeyringRef("cherrysync", "relay"))
        assert "keyrings.alt" in str(info.value)
    finally:
        keyring.set_keyring(previous)


def test_a_keychain_that_never_answers_is_given_up_on(
    keychain: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locked keychain waiting on an unlock prompt must not hang the command."""
    monkeypatch.setattr(secretstores, "KEYRING_TIMEOUT", 0.2)
    monkeypatch.setattr(keychain, "get_password", lambda service, user: time.sleep(5))
    with pytest.raises(SecretLookupError, match=r"did not answer within 0\.2 seconds"):
        SecretStores().read(KeyringRef("cherrysync", "relay"))


def test_keychain_without_the_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now raises ImportError
    with pytest.raises(SecretLookupError, match=r"pip install 'cherrysync\[keyring\]'"):
        SecretStores().read(KeyringRef("cherrysync", "relay"))


def test_op_reads_once_and_never_echoes_stderr(fake_op: Path) -> None:
    stores = SecretStores()
    ref = OpRef("op://Private/Relay/credential")
    assert stores.read(ref) == OP_VALUE
    assert stores.read(ref) == OP_VALUE
    assert fake_op.read_text().splitlines() == ["read --no-newline op://Private/Relay/credential"]
    with pytest.raises(SecretLookupError, match="not signed in: run 'op signin'") as info:
        stores.read(OpRef("op://Locked/Relay/credential"))
    assert OP_VALUE not in str(info.value)
    with pytest.raises(SecretLookupError, match="no such vault, item") as info:
        stores.read(OpRef("op://Private/Nope/credential"))
    assert OP_VALUE not in str(info.value)


def test_missing_op_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hide_tool(monkeypatch, tmp_path / "empty")
    with pytest.raises(SecretLookupError, match="'op' is not installed or not on PATH"):
        SecretStores().read(OpRef("op://Private/Relay/credential"))


def test_a_hanging_op_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_tool(monkeypatch, tmp_path / "bin", "op", "import time\ntime.sleep(30)\n")
    monkeypatch.setattr(secretstores, "OP_TIMEOUT", 0.5)
    with pytest.raises(SecretLookupError, match=r"did not finish within 0\.5 seconds"):
        SecretStores().read(OpRef("op://Private/Relay/credential"))


PROVIDERS = """\
version: 1
providers:
  - name: Relay
    id: relay
    type: openai
    base_url: https://relay.example.com/
    api_key: ${op://Private/Relay/credential}
    headers:
      X-Team-Token: ${keyring:cherrysync/relay}
  - name: Other
    id: other
    type: openai
    base_url: https://other.example.com/
    api_key: ${op://Private/Comma/credential}
"""


def test_commands_resolve_store_references_and_mask_them(
    fake_op: Path,
    keychain: MemoryKeyring,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text(PROVIDERS)
    assert main(["validate", str(path)]) == 0  # validate reads no store
    assert not fake_op.exists()
    capsys.readouterr()
    assert main(["export", str(path), "--to", "providers-json", "--provider", "relay"]) == 0
    captured = capsys.readouterr()
    (relay,) = json.loads(captured.out)
    assert relay["apiKey"] == OP_VALUE  # export carries real keys, by design
    assert OP_VALUE not in captured.err and KEYCHAIN_VALUE not in captured.err
    assert main(["export", str(path), "--to", "providers-json"]) == 1
    err = capsys.readouterr().err
    assert "the key from ${op://Private/Comma/credential} contains" in err
    assert "sk-a" not in err and OP_VALUE not in err


def test_unreadable_secret_is_reported_at_its_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hide_tool(monkeypatch, tmp_path / "empty")
    path = tmp_path / "providers.yaml"
    path.write_text(PROVIDERS)
    assert main(["export", str(path), "--to", "providers-json", "--provider", "relay"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:7:14: error: ${{op://Private/Relay/credential}}: 'op' is not installed" in err
    assert "[secret-read]" in err
