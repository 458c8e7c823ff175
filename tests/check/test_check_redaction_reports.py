"""Balances, reported capabilities and model metadata are server text like any other.

A server that echoes the key into a balance error, a balance currency, a model's metadata or a
version string never gets 8 characters of it, or a raw control character, into any output of
``check`` (every format, the job summary, the history file) or of ``models``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from check_support import FAST, key_runs, provider, write_providers
from cherrysync.cli import main
from emulators import DeepSeekEmulator, LiteLLMEmulator, OllamaEmulator, Reply
from emulators.balance import deepseek_balance

KEY = "sk-proj-INSIGHTSecho0123456789abcdef"
HEADER = "hdr-INSIGHTSsecond-0123456789xyz"
SECRETS = [KEY, HEADER]
FORMATS = ("json", "text", "github", "sarif", "junit")
#: what a terminal would obey: escape sequences, a bell, a line break inside a line
RAW_CONTROLS = ("\x1b", "\x07", "\x85", "\u202e")


def every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: Path, *args: str
) -> tuple[str, dict[str, Any]]:
    """All ``check`` prints in every format (with ``--summary`` and ``--history``), joined,
    and the JSON report."""
    summary, history = tmp_path / "summary.md", tmp_path / "history.jsonl"
    seen, report = [], {}
    for fmt in FORMATS:
        args_all = ["--summary", str(summary), "--history", str(history), *FAST, *args]
        main(["check", str(path), "--format", fmt, *args_all])
        out, err = capsys.readouterr()
        seen.append(out + err)
        if fmt == "json":
            report = json.loads(out)
    seen += [summary.read_text(), history.read_text()]
    return "\n".join(seen), report


def assert_clean(text: str) -> None:
    assert key_runs(text, SECRETS) == []
    assert [c for c in RAW_CONTROLS if c in text] == []


def test_balance_errors_and_currencies_never_show_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    echo = {
        "error": {
            "message": f"balance refused for {KEY}\x1b[2J (key {KEY[:12]}...{KEY[-4:]})",
            "type": f"denied\x07{KEY}",
            "code": KEY,
        }
    }
    with (
        DeepSeekEmulator({KEY: {}}, ["deepseek-chat"]) as refusing,
        DeepSeekEmulator({KEY: deepseek_balance((KEY, "5.00"))}, ["deepseek-chat"]) as named,
        DeepSeekEmulator(
            {KEY: deepseek_balance(("\x1b[31mU\u202e", 9))}, ["deepseek-chat"]
        ) as ansi,
    ):
        refusing.inject("^/user/balance$", Reply(403, echo))
        entries = [
            provider("strict", "openai", refusing.url, ["deepseek-chat"], "K", check=check)
            for check in ({"balance": "deepseek", "min_balance": 1},)
        ]
        entries += [
            provider(name, "openai", emu.url, ["deepseek-chat"], "K", check={"balance": "deepseek"})
            for name, emu in (("quiet", refusing), ("named", named), ("ansi", ansi))
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY})
        text, report = every_output(tmp_path, capsys, path)
    assert_clean(text)
    heads = [r for r in report["results"] if r["model"] is None]
    assert heads[0]["warnings"][0]["rule"] == "balance-unavailable"
    assert "balance not available: " in heads[1]["message"]
    assert heads[2]["balance"] == {"amount": 5.0, "currency": "[redacted]", "scope": "account"}
    assert heads[3]["balance"]["currency"] == "\\x1b[31mU\\u202e"
    assert '<property name="balance" value="balance 9.00 \\x1b[31mU\\u202e"/>' in text


def test_model_metadata_and_versions_never_show_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    info = {
        "my-gpt": {"mode": "chat", "supports_vision": True},
        f"alias-{KEY}\x1b[2J": {"mode": "embedding", "max_input_tokens": 8191},
    }
    with (
        LiteLLMEmulator(KEY, list(info), model_info=info) as lite,
        OllamaEmulator(["llava:7b"], capabilities={"llava:7b": ["completion", "vision"]}) as ol,
    ):
        ol.inject("^/api/version$", Reply(200, {"version": f"{HEADER}\x1b]0;x\x07"}))
        entries = [
            provider("lite", "openai", lite.url, ["my-gpt"], "K"),
            provider("ol", "ollama", ol.url, ["llava:7b"], headers={"X-Team": "${HDR}"}),
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY, "HDR": HEADER})
        text, report = every_output(tmp_path, capsys, path)
        assert_clean(text)
        assert "Ollama hdr-…9xyz\\x1b]0;x" in text  # the version note, masked and escaped
        warnings = [w for r in report["results"] for w in r.get("warnings", [])]
        assert [w["rule"] for w in warnings] == ["capability-mismatch"] * 2
        for name in ("lite", "ol"):
            for fmt in ("text", "json"):
                assert main(["models", name, str(path), "--format", fmt, *FAST]) == 0
                out, err = capsys.readouterr()
                assert_clean(out + err)
                if fmt == "json" and name == "lite":
                    reported = json.loads(out)["reported"]
                    assert "my-gpt" in reported and len(reported) == 2
                    assert [i for i in reported if i.startswith("alias-sk-p…cdef")]
