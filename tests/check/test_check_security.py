"""No key byte reaches the output or a foreign host, whatever the provider does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from check_support import FAST, key_runs, provider, write_providers
from cherrysync.cli import main
from emulators import (
    AnthropicEmulator,
    AzureEmulator,
    GeminiEmulator,
    LiteLLMEmulator,
    OpenAIEmulator,
    Recorder,
    Reply,
)

KEYS = {
    "OPENAI_KEY": "sk-proj-SECRET0p3na10123456789ABCDEF",
    "OPENAI_BAD": "sk-proj-SECRETbadbad0123456789GHIJKL",
    "ANT_KEY": "sk-ant-api03-SECRETq8Zx7Kp0123456789",
    "GEM_KEY": "AIzaSySECRETg3m1n1012345678901234567",
    "AZ_KEY": "SECRETaz9re0123456789abcdef012345",
    "LITE_BAD": "sk-SECRETl1t3llm0123456789abcdm31Q",
    "HDR": "SECRETheader0123456789xyz",
}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_cross_origin_redirects_never_carry_keys(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
) -> None:
    with (
        Recorder() as foreign,
        OpenAIEmulator([KEYS["OPENAI_KEY"]], ["m"]) as oa,
        AnthropicEmulator([KEYS["ANT_KEY"]], ["m"]) as ant,
        GeminiEmulator([KEYS["GEM_KEY"]], ["m"]) as gem,
        AzureEmulator([KEYS["AZ_KEY"]], {"m": "gpt-4o"}) as az,
    ):
        target = {"Location": f"{foreign.url}/v1/models?key={KEYS['GEM_KEY']}&token=abc"}
        for server in (oa, ant, gem, az):
            server.inject(".", Reply(status, None, headers=target))
        path = write_providers(
            tmp_path,
            [
                provider("oa", "openai", oa.url, ["m"], "OPENAI_KEY", headers={"X-Team": "${HDR}"}),
                provider("ant", "anthropic", ant.url, ["m"], "ANT_KEY"),
                provider("gem", "gemini", gem.url, ["m"], "GEM_KEY"),
                provider("az", "azure-openai", az.url, ["m"], "AZ_KEY", api_version="2024-10-21"),
            ],
            monkeypatch,
            KEYS,
        )
        for fmt in ("json", "text", "junit", "github"):
            code = main(["check", str(path), "--format", fmt, "--probe", *FAST])
            out, err = capsys.readouterr()
            assert code == 1
            assert key_runs(out + err, KEYS.values()) == []
            assert "token=abc" not in out and "key=" not in out
            if fmt == "json":
                heads = [r for r in json.loads(out)["results"] if r["model"] is None]
                assert {r["status"] for r in heads} == {"wrong_base_url"}
                assert all(f"127.0.0.1:{foreign.port}" in r["message"] for r in heads)
        assert foreign.requests == []
        assert foreign.leaked(list(KEYS.values())) == []
        for request in gem.requests:
            assert "key" not in request.query


def test_echoed_keys_and_hashes_are_scrubbed_from_every_format(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        OpenAIEmulator([KEYS["OPENAI_KEY"]], ["m"]) as oa,
        LiteLLMEmulator("sk-master-000000000000", ["m"], database=True) as lite,
    ):
        # A misbehaving gateway that echoes the whole key back in its error message.
        oa.inject(
            "/v1/models",
            lambda req: Reply(
                401,
                {
                    "error": {
                        "message": f"bad key {req.headers.get('authorization')}",
                        "type": "x",
                        "param": None,
                        "code": None,
                    }
                },
            ),
            times=1,
        )
        path = write_providers(
            tmp_path,
            [
                provider("oa", "openai", oa.url, ["m"], "OPENAI_BAD", "OPENAI_KEY"),
                provider("lite", "openai", lite.url, ["m"], "LITE_BAD"),
            ],
            monkeypatch,
            KEYS,
        )
        for fmt in ("json", "text", "junit", "github"):
            main(["check", str(path), "--format", fmt, *FAST])
            out, err = capsys.readouterr()
            assert key_runs(out + err, KEYS.values()) == [], fmt


def test_subprocess_run_keeps_keys_out_of_stdout_and_stderr(tmp_path: Path) -> None:
    with OpenAIEmulator([KEYS["OPENAI_KEY"]], ["gpt-4o"]) as oa:
        (tmp_path / "providers.yaml").write_text(
            "version: 1\nproviders:\n"
            f"  - {{name: oa, type: openai, base_url: '{oa.url}', api_key: '${{K}}', "
            "models: [gpt-4o, gpt-5]}\n"
        )
        env = {**os.environ, "K": KEYS["OPENAI_KEY"]}
        proc = subprocess.run(
            [sys.executable, "-m", "cherrysync", "check", "providers.yaml", *FAST],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1
    assert "model_missing" in proc.stdout and "gpt-5" in proc.stdout
    assert key_runs(proc.stdout + proc.stderr, KEYS.values()) == []
    assert proc.stderr == ""  # no progress display when stderr is not a terminal


def test_a_redirect_to_an_unusable_address_is_a_wrong_base_url_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A port out of range gets past httpx's URL parser (an unclosed ``[`` does not: httpx
    itself refuses that Location) and used to escape as a ValueError."""
    with OpenAIEmulator([KEYS["OPENAI_KEY"]], ["m"]) as oa:
        oa.inject(".", Reply(302, None, headers={"Location": "http://127.0.0.1:99999/v1/models"}))
        path = write_providers(
            tmp_path, [provider("oa", "openai", oa.url, ["m"], "OPENAI_KEY")], monkeypatch, KEYS
        )
        assert main(["check", str(path), "--format", "json", *FAST]) == 1
        heads = [r for r in json.loads(capsys.readouterr().out)["results"] if r["model"] is None]
        assert [r["status"] for r in heads] == ["wrong_base_url"]
        assert "redirect to an address that cannot be used" in heads[0]["message"]
        assert main(["models", "oa", str(path), *FAST]) == 1  # not an internal error
        assert "internal error" not in capsys.readouterr().err
