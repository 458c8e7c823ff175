"""The dotenv file ``import`` writes is safe to source (``set -a; . ./.env``) in sh and bash and
means the same to them as to ``--env-file``: checked with the real shells, for any key."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cherrysync.cli import main
from cherrysync.load.envfile import read_env_file
from cherrysync.samples.v1backup import (
    SYSTEM_PROVIDERS,
    USER_PROVIDER,
    data_json,
    persist_state,
    write_backup,
)
from cherrysync.secrets import Secret
from cherrysync.targets.base import AppProvider
from cherrysync.targets.importer import build_import, render_env

SHELLS = [shell for shell in ("bash", "dash") if shutil.which(shell)]
CANARY = "PWNED"
#: Keys that broke out of ``'...'`` with ``\\'`` escapes (sh has no escapes in single quotes).
INJECTIONS = [
    f"sk-x' ; touch {CANARY} ; #",  # the old writer made this K='sk-x\\' ; touch PWNED ; #'
    f"sk-x'$(touch {CANARY})'",
    f"sk-x\\'; touch {CANARY}; echo '",
    f"sk-`touch {CANARY}`",
    f"sk-$(touch {CANARY})",
    "sk-${HOME}-$HOME",
    "sk-x\\",
]


def dotenv_safe(key: str) -> bool:
    """The contract, stated independently of the code: literal in single quotes for sh, bash
    and python-dotenv alike (nothing unprintable, no quote, no backslash)."""
    return key.isprintable() and "'" not in key and "\\" not in key


printable_keys = st.text(
    st.characters(exclude_categories=("Cs",)).filter(str.isprintable), min_size=1, max_size=30
)


def _source(shell: str, folder: Path, names: list[str]) -> list[str]:
    """``set -a; . ./.env`` in a real shell, then each variable as the shell sees it."""
    script = "set -a; . ./.env; printf '%s\\n' " + " ".join(f'"${{{n}-<unset>}}"' for n in names)
    result = subprocess.run(
        [shell, "-c", script],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
        timeout=20,
    )
    return result.stdout.decode("utf-8").split("\n")[: len(names)]


def _imported(keys: list[str]) -> tuple[dict[str, str], list[str], list[str], str]:
    """What import makes of one provider holding ``keys``: (env, unquotable, warnings, text)."""
    secrets = [Secret(k) for k in keys]
    provider = AppProvider("relay", "Relay", "openai", "https://relay.example/", api_keys=secrets)
    result = build_import([provider], source="test")
    env_text = render_env(result.env, "providers.yaml", result.unreadable, result.unquotable)
    return result.env, result.unquotable, result.warnings, env_text


@pytest.mark.skipif(not SHELLS, reason="neither bash nor dash is installed")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(printable_keys, min_size=1, max_size=6))
@example(INJECTIONS)
@example(["plain-key", "with space", "ünïcødé-🍒", "$$", "#not-a-comment", "a=b", "x'"])
def test_sourced_and_read_back_exactly(keys: list[str]) -> None:
    env, unquotable, warnings, env_text = _imported(keys)
    names = [f"RELAY_API_KEY{'' if n == 1 else f'_{n}'}" for n in range(1, len(keys) + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / ".env").write_text(env_text, encoding="utf-8")
        expected = {n: k for n, k in zip(names, keys, strict=True) if dotenv_safe(k)}
        assert read_env_file(folder / ".env") == expected
        for shell in SHELLS:
            seen = _source(shell, folder, names)
            assert seen == [expected.get(n, "<unset>") for n in names], shell
        assert not (folder / CANARY).exists(), "sourcing the file ran a command"
    assert env == expected
    assert unquotable == [n for n, k in zip(names, keys, strict=True) if not dotenv_safe(k)]
    # each warning names the provider and the variable, never the key
    assert warnings == [
        f"provider 'relay': key {n} holds a quote, a backslash or an unprintable character, "
        "which a dotenv file cannot hold safely for both shells and python-dotenv; "
        f"{names[n - 1]} is written commented out: fill it in by hand"
        for n, k in enumerate(keys, 1)
        if not dotenv_safe(k)
    ]


def test_import_names_the_provider_never_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end: a real backup whose provider holds a key no dotenv file can quote."""
    key = "sk-it's-0123456789"
    user = dict(USER_PROVIDER, apiKey=key)
    backup = write_backup(tmp_path / "b.zip", data_json(persist_state([*SYSTEM_PROVIDERS, user])))
    out = tmp_path / "providers.yaml"
    assert main(["import", "--from", str(backup), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert key not in captured.out + captured.err
    assert f"provider '{user['id']}': key 1 holds a quote" in captured.err
    assert "Write these key(s) there by hand: HOME_VLLM_GPU_API_KEY" in captured.out
    env_text = (tmp_path / ".env").read_text()
    assert key not in env_text and "# HOME_VLLM_GPU_API_KEY=  (holds characters" in env_text
    assert "${HOME_VLLM_GPU_API_KEY}" in out.read_text()
