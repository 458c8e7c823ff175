"""Balances without spending a token: each balance API against its emulator, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from check_support import provider, run_json, write_providers
from cherrysync.check.balance import BALANCE_APIS, api_root, balance_api
from cherrysync.check.settings import endpoint_for
from cherrysync.check.urls import origin_of
from cherrysync.model import BALANCE_API_NAMES
from cherrysync.resolve import resolve_providers
from cherrysync.validate.pipeline import validate_text
from emulators import (
    DeepSeekEmulator,
    MoonshotEmulator,
    OpenAIEmulator,
    OpenRouterEmulator,
    RelayEmulator,
    SiliconFlowEmulator,
    Token,
    VercelEmulator,
)
from emulators.balance import deepseek_balance

KEY, OTHER = "sk-balance-first-0123456789", "sk-balance-other-0123456789"


def key_result(report: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """The ``index``-th key-level result."""
    return [r for r in report["results"] if r["model"] is None][index]


def check_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    entry: dict[str, Any],
    *args: str,
    keys: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    path = write_providers(tmp_path, [entry], monkeypatch, keys or {"K": KEY})
    code, report, _ = run_json(capsys, path, *args)
    return code, report


def test_openrouter_key_cap_is_the_keys_and_uncapped_keys_need_a_management_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capped = {"limit": 10, "limit_remaining": 2.5, "limit_reset": "monthly"}
    # not a key holding 'management': any 8 characters of a key are redacted from every message
    admin = "sk-or-v1-0a1b2c3d4e5f60718293"
    keys = {KEY: capped, OTHER: {}, admin: {"is_management_key": True}}
    with OpenRouterEmulator(keys) as emu:
        check = {"balance": "openrouter", "min_balance": 5}
        entry = provider(
            "or", "openai", emu.url + "/api/v1", ["vendor/model-x"], "A", "B", "C", check=check
        )
        env = {"A": KEY, "B": OTHER, "C": admin}
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, keys=env)
    assert code == 1
    low, uncapped, management = (key_result(report, i) for i in range(3))
    assert low["status"] == "low_balance" and low["level"] == "fail"
    assert low["balance"] == {"amount": 2.5, "currency": "USD", "scope": "key"}
    assert "2.50 USD left on the key (below min_balance 5)" in low["message"]
    assert uncapped["status"] == "ok" and uncapped["level"] == "warn"
    assert "balance" not in uncapped
    assert uncapped["warnings"][0]["rule"] == "balance-unavailable"
    assert "management key" in uncapped["warnings"][0]["message"]
    assert management["status"] == "ok" and management["level"] == "pass"
    assert management["balance"] == {"amount": 15.5, "currency": "USD", "scope": "account"}
    assert emu.count("^/api/v1/credits$") == 2 and emu.generation_requests() == 0


def test_deepseek_strings_numbers_currencies_and_is_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = {
        KEY: deepseek_balance(("USD", "1.00"), ("CNY", 12.5)),
        OTHER: deepseek_balance(("CNY", "0.00"), available=False),
    }
    with DeepSeekEmulator(keys, ["deepseek-chat"]) as emu:
        check = {"balance": "deepseek", "min_balance": 0}
        entry = provider("ds", "openai", emu.url, ["deepseek-chat"], "A", "B", check=check)
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, keys={"A": KEY, "B": OTHER})
    assert code == 1
    rich, empty = key_result(report, 0), key_result(report, 1)
    assert rich["status"] == "ok" and rich["balance"]["amount"] == 12.5
    assert rich["balance"]["currency"] == "CNY" and "balance 12.50 CNY" in rich["message"]
    assert empty["status"] == "low_balance"
    assert "no longer accepts calls" in empty["message"]


def test_deepseek_wrong_key_is_refused_at_the_list_and_the_echoed_tail_is_scrubbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DeepSeekEmulator({KEY: deepseek_balance(("CNY", "1"))}, ["deepseek-chat"]) as emu:
        entry = provider(
            "ds", "openai", emu.url, ["deepseek-chat"], "K", check={"balance": "deepseek"}
        )
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, keys={"K": OTHER})
        assert emu.count("/user/balance") == 0  # a refused key gets no balance request
    head = key_result(report)
    assert code == 1 and head["status"] == "auth_failed" and "****" not in head["message"]


def test_moonshot_negative_cash_and_the_other_regions_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with MoonshotEmulator({KEY: (-3.0, 2.5)}, ["kimi-k2"]) as cn:
        check = {"balance": "moonshot", "min_balance": 1}
        entries = [
            provider("cn", "openai", cn.url, ["kimi-k2"], "K", check=check),
            provider("intl-key", "openai", cn.url, ["kimi-k2"], "O", check=check),
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY, "O": OTHER})
        code, report, _ = run_json(capsys, path)
    owed, foreign = key_result(report, 0), key_result(report, 1)
    assert owed["status"] == "ok"  # the voucher pays while cash is owed
    assert owed["balance"] == {"amount": 2.5, "currency": "CNY", "scope": "account"}
    assert foreign["status"] == "auth_failed" and code == 1


def test_siliconflow_balance_and_a_retired_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kinds = {"Qwen/Qwen3-8B": "chat"}
    with (
        SiliconFlowEmulator({KEY: "10.50"}, kinds) as live,
        SiliconFlowEmulator({KEY: "10.50"}, kinds, retired=True) as retired,
    ):
        entries = [
            provider("sf", "openai", live.url, list(kinds), "K", check={"balance": "siliconflow"}),
            provider(
                "sf-old",
                "openai",
                retired.url,
                list(kinds),
                "K",
                check={"balance": "siliconflow", "min_balance": 1},
            ),
            provider(
                "sf-info", "openai", retired.url, list(kinds), "K", check={"balance": "siliconflow"}
            ),
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY})
        code, report, _ = run_json(capsys, path)
    live_head, old_head, info_head = (key_result(report, i) for i in range(3))
    assert live_head["balance"]["amount"] == 10.5 and "balance 10.50 CNY" in live_head["message"]
    assert old_head["status"] == "ok" and old_head["level"] == "warn"  # never a bad key
    assert old_head["warnings"][0]["rule"] == "balance-unavailable"
    assert "HTTP 404" in old_head["warnings"][0]["message"]
    assert info_head["level"] == "pass" and "balance not available: " in info_head["message"]
    assert code == 0


def test_siliconflow_bare_string_401_is_a_refused_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with SiliconFlowEmulator({KEY: "1"}, {"m": "chat"}) as emu:
        entry = provider("sf", "openai", emu.url, ["m"], "K", check={"balance": "siliconflow"})
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, keys={"K": OTHER})
    assert code == 1 and key_result(report)["status"] == "auth_failed"
    assert emu.count("/user/info") == 0


def test_vercel_credits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with VercelEmulator({KEY: "95.50"}, ["openai/gpt-5"]) as emu:
        entry = provider(
            "gw", "openai", emu.url, ["openai/gpt-5"], "K", check={"balance": "vercel"}
        )
        code, report = check_one(tmp_path, monkeypatch, capsys, entry)
    assert code == 0
    assert key_result(report)["balance"] == {"amount": 95.5, "currency": "USD", "scope": "account"}


RELAY_MODELS = {"gpt-4o": ["openai"], "text-embedding-3-small": ["embeddings"]}


def relay_entry(url: str, *keys: str, **check: Any) -> dict[str, Any]:
    models = [{"id": "gpt-4o", "endpoint_type": "openai"}]
    return provider("relay", "new-api", url, models, *keys, check=check or None)


def test_new_api_relay_units_unlimited_tokens_and_the_exhausted_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = {
        "good-0123456789": Token(left=7.5, used=2.5),
        "free-0123456789": Token(unlimited=True),
        "spent-0123456789": Token(left=0, used=10),
        "old-0123456789": Token(expired=True),
    }
    with RelayEmulator(tokens, RELAY_MODELS) as relay:
        entry = relay_entry(relay.url, "A", "B", "C", "D")
        env = {"A": "sk-good-0123456789", "B": "sk-free-0123456789"}
        env |= {"C": "sk-spent-0123456789", "D": "sk-old-0123456789"}
        # the new-api type is recognised: --balance needs no check.balance
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, "--balance", keys=env)
        assert relay.count("^/api/usage/token/$") == 2  # only for the two refused tokens
    good, free, spent, old = (key_result(report, i) for i in range(4))
    assert good["balance"] == {"amount": 7.5, "currency": "relay units", "scope": "key"}
    assert "7.50 relay units left on the key" in good["message"]
    assert free["balance"]["amount"] is None and "no limit on the key" in free["message"]
    assert spent["status"] == "quota_exhausted" and spent["balance"]["amount"] == 0
    assert "quota is used up" in spent["message"]
    assert old["status"] == "auth_failed" and "expired" in old["message"]
    assert code == 1


def test_one_api_cannot_tell_an_exhausted_token_and_a_database_error_is_not_a_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = {"spent-0123456789": Token(left=0, used=10), "good-0123456789": Token()}
    with (
        RelayEmulator(tokens, RELAY_MODELS, one_api=True) as one,
        RelayEmulator(tokens, RELAY_MODELS, db_error=True) as broken,
    ):
        entries = [
            provider("one", "openai", one.url, ["gpt-4o"], "S", check={"balance": "one-api"}),
            relay_entry(broken.url, "G", min_balance=1),
        ]
        env = {"S": "sk-spent-0123456789", "G": "sk-good-0123456789"}
        path = write_providers(tmp_path, entries, monkeypatch, env)
        code, report, _ = run_json(capsys, path)
    spent, db = key_result(report, 0), key_result(report, 1)
    assert spent["status"] == "auth_failed"  # one-api has no route that could tell
    assert db["level"] == "warn" and "without 'object'" in db["warnings"][0]["message"]
    assert code == 1


def test_the_usage_route_rate_limit_leaves_the_refusal_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with RelayEmulator({"spent-0123456789": Token(left=0)}, RELAY_MODELS, usage_limit=0) as relay:
        entry = relay_entry(relay.url, "K", min_balance=1)
        _, report = check_one(
            tmp_path, monkeypatch, capsys, entry, keys={"K": "sk-spent-0123456789"}
        )
    assert key_result(report)["status"] == "auth_failed"


def test_providers_without_a_balance_api_get_no_extra_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        entries = [
            provider("plain", "openai", emu.url, ["gpt-4o"], "K"),
            provider("wants", "openai", emu.url, ["gpt-4o"], "K", check={"min_balance": 5}),
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY})
        code, report, _ = run_json(capsys, path, "--balance")
        assert len(emu.requests) == 2  # one list per provider, nothing else
    plain, wants = key_result(report, 0), key_result(report, 1)
    assert plain["level"] == "pass" and "balance" not in plain["message"]
    assert wants["level"] == "warn" and "name one with check.balance" in wants["message"]
    assert code == 0


def _resolved(entry: dict[str, Any]) -> Any:
    validated = validate_text(f'{{"version": 1, "providers": [{_json(entry)}]}}', "p.yaml")
    assert validated.model is not None, validated.diagnostics
    (resolved,), _ = resolve_providers(validated.model, {})
    return resolved


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


@pytest.mark.parametrize(
    ("ptype", "base_url", "name", "root"),
    [
        ("openai", "https://openrouter.ai/api/v1", "openrouter", "https://openrouter.ai/api"),
        ("anthropic", "https://openrouter.ai/api", "openrouter", "https://openrouter.ai/api"),
        ("openai", "https://api.deepseek.com", "deepseek", "https://api.deepseek.com"),
        ("anthropic", "https://api.deepseek.com/anthropic", "deepseek", "https://api.deepseek.com"),
        ("openai", "https://api.moonshot.ai/v1", "moonshot", "https://api.moonshot.ai"),
        ("openai", "https://api.siliconflow.cn/v1", "siliconflow", "https://api.siliconflow.cn"),
        ("openai", "https://ai-gateway.vercel.sh/v1", "vercel", "https://ai-gateway.vercel.sh"),
        ("new-api", "https://relay.example.com", "new-api", "https://relay.example.com"),
        ("openai", "https://api.openai.com", None, None),
        ("anthropic", "https://api.anthropic.com", None, None),
    ],
)
def test_the_balance_api_is_recognised_by_host_or_type(
    ptype: str, base_url: str, name: str | None, root: str | None
) -> None:
    models: list[Any] = [{"id": "m", "endpoint_type": "openai"}] if ptype == "new-api" else ["m"]
    entry = {"name": "p", "type": ptype, "base_url": base_url, "models": models}
    resolved = _resolved(entry)
    endpoint = endpoint_for(resolved)
    api = balance_api(resolved, endpoint)
    assert (api.name if api else None) == name
    if api is not None:
        assert api_root(api, endpoint) == root


def test_a_named_api_wins_and_a_mirror_serves_it_at_its_own_root() -> None:
    entry = {
        "name": "mirror",
        "type": "openai",
        "base_url": "https://mirror.example.com/deepseek/v1",
        "models": ["m"],
        "check": {"balance": "deepseek"},
    }
    resolved = _resolved(entry)
    endpoint = endpoint_for(resolved)
    api = balance_api(resolved, endpoint)
    assert api is BALANCE_APIS["deepseek"]
    assert api_root(api, endpoint) == "https://mirror.example.com/deepseek"


def test_the_registry_and_the_files_names_agree() -> None:
    assert tuple(BALANCE_APIS) == BALANCE_API_NAMES


def test_a_keyless_provider_gets_no_balance_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with VercelEmulator({KEY: "1"}, ["m"]) as emu:
        emu.keys[None] = "1"  # type: ignore[index]  # the list answers without a key
        entries = [
            provider("open", "openai", emu.url, ["m"], check={"balance": "vercel"}),
            provider(
                "strict", "openai", emu.url, ["m"], check={"balance": "vercel", "min_balance": 1}
            ),
        ]
        path = write_providers(tmp_path, entries, monkeypatch)
        code, report, _ = run_json(capsys, path, "--balance")
        assert emu.count("/credits") == 0
    assert key_result(report, 0)["level"] == "pass"
    assert key_result(report, 1)["warnings"][0]["rule"] == "balance-unavailable"
    assert code == 0


def test_hostile_balance_replies_never_leak_or_break_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from emulators import Reply

    nested = "[" * 100_000 + "]" * 100_000
    echo = {"error": {"message": f"balance refused for {KEY} (key {KEY[:12]}...{KEY[-4:]})"}}
    with (
        DeepSeekEmulator({KEY: {}}, ["deepseek-chat"]) as deep,
        DeepSeekEmulator({KEY: {}}, ["deepseek-chat"]) as echoing,
        DeepSeekEmulator({KEY: {}}, ["deepseek-chat"]) as huge,
    ):
        deep.inject("^/user/balance$", Reply(200, nested, raw=True))
        echoing.inject("^/user/balance$", Reply(403, echo))
        huge.inject("^/user/balance$", Reply(200, b"[" + b"1," * 4_500_000 + b"1]", raw=True))
        check = {"balance": "deepseek", "min_balance": 1}
        entries = [
            provider(name, "openai", emu.url, ["deepseek-chat"], "K", check=check)
            for name, emu in (("deep", deep), ("echo", echoing), ("huge", huge))
        ]
        path = write_providers(tmp_path, entries, monkeypatch, {"K": KEY})
        code, report, err = run_json(capsys, path)
    assert code == 0 and "Traceback" not in err
    heads = [key_result(report, i) for i in range(3)]
    assert [h["warnings"][0]["rule"] for h in heads] == ["balance-unavailable"] * 3
    text = json.dumps(report)
    assert KEY not in text and KEY[3:15] not in text


def test_openrouters_public_list_leaves_the_key_to_the_key_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenRouterEmulator({KEY: {}}) as emu:
        check = {"balance": "openrouter"}
        entry = provider("or", "openai", emu.url + "/api/v1", ["vendor/model-x"], "K", check=check)
        code, report = check_one(tmp_path, monkeypatch, capsys, entry, keys={"K": OTHER})
    assert code == 1 and key_result(report)["status"] == "auth_failed"


@pytest.mark.parametrize(
    ("base_url", "root"),
    [
        ("https://api.deepseek.com./v1", "https://api.deepseek.com."),
        ("https://openrouter.ai:443/api/v1", "https://openrouter.ai:443/api"),
        ("https://OpenRouter.AI./api/v1", "https://openrouter.ai./api"),
    ],
)
def test_an_official_host_however_written_keeps_its_balance_route_in_its_origin(
    base_url: str, root: str
) -> None:
    """Session refuses any other origin: a root spelled from the table, not from the base URL,
    lost the balance of a host written with its trailing dot or its port."""
    resolved = _resolved({"name": "p", "type": "openai", "base_url": base_url, "models": ["m"]})
    endpoint = endpoint_for(resolved)
    api = balance_api(resolved, endpoint)
    assert api is not None
    assert api_root(api, endpoint) == root
    assert origin_of(api_root(api, endpoint)) == origin_of(endpoint.base)
