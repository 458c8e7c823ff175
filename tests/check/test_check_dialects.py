"""Anthropic, Gemini, Azure OpenAI and native Ollama, end to end over loopback HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_support import provider, run_json, statuses, write_providers
from emulators import AnthropicEmulator, AzureEmulator, GeminiEmulator, OllamaEmulator, Reply
from emulators.anthropic import anthropic_error, anthropic_rate_limited
from emulators.gemini import rate_limited

AKEY = "sk-ant-api03-GOODgoodGOODgood-AAAA"
GKEY = "AIzaSyGOODgoodGOODgood0000000000000"


def test_anthropic_pagination_aliases_and_count_tokens(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    models = [f"claude-model-{i}" for i in range(7)]
    with AnthropicEmulator(
        [AKEY], models, aliases={"claude-latest": "claude-model-5"}, page_cap=2
    ) as emu:
        path = write_providers(
            tmp_path,
            [
                provider(
                    "ant",
                    "anthropic",
                    emu.url + "/v1/",
                    ["claude-model-0", "claude-model-5", "claude-latest", "claude-modle-3"],
                    "K",
                )
            ],
            monkeypatch,
            {"K": AKEY},
        )
        code, report, _ = run_json(capsys, path)
        assert code == 1
        assert statuses(report) == [
            (None, "ok"),
            ("claude-model-0", "ok"),
            ("claude-model-5", "ok"),
            ("claude-latest", "ok"),
            ("claude-modle-3", "model_missing"),
        ]
        assert "claude-model-5" in report["results"][3]["message"]
        assert all(r.headers.get("anthropic-version") == "2023-06-01" for r in emu.requests)
        assert emu.count("^/v1/models$") == 4  # every page, since one ID is never found
        code, report, err = run_json(capsys, path, "--probe", "--allow-unlisted")
        assert "up to 0 billable" in err
        # --allow-unlisted with --probe also probes the unlisted ID (count_tokens 404s it).
        assert emu.count("count_tokens") == 4 and emu.generation_requests() == 0
        assert statuses(report)[4] == ("claude-modle-3", "model_missing")


@pytest.mark.parametrize(
    ("mode", "status"), [("billing", "quota_exhausted"), ("forbidden", "permission_denied")]
)
def test_anthropic_key_modes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    status: str,
) -> None:
    with AnthropicEmulator([AKEY], ["claude-x"], key_modes={AKEY: mode}) as emu:
        path = write_providers(
            tmp_path,
            [provider("ant", "anthropic", emu.url, ["claude-x"], "K")],
            monkeypatch,
            {"K": AKEY},
        )
        _code, report, _ = run_json(capsys, path)
    assert report["results"][0]["status"] == status


def test_anthropic_wrong_key_and_overloaded(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        AnthropicEmulator([AKEY], ["claude-x"]) as emu,
        AnthropicEmulator([AKEY], ["claude-x"]) as busy,
    ):
        busy.inject("/v1/models", anthropic_error(529, "overloaded_error", "Overloaded"))
        path = write_providers(
            tmp_path,
            [
                provider("a", "anthropic", emu.url, ["claude-x"], "B"),
                provider("b", "anthropic", busy.url, ["claude-x"], "K"),
            ],
            monkeypatch,
            {"K": AKEY, "B": "sk-ant-api03-BADbad"},
        )
        _code, report, _ = run_json(capsys, path)
        assert busy.count("/v1/models") == 2  # one retry (--retries 1)
    assert [r["status"] for r in report["results"] if r["model"] is None] == [
        "auth_failed",
        "server_error",
    ]


def test_gemini_header_only_pagination_and_probe(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    models = [f"gemini-{i}" for i in range(5)] + ["text-embedding-004"]
    with GeminiEmulator([GKEY], models, closed=["gemini-4"], page_cap=2) as emu:
        path = write_providers(
            tmp_path,
            [
                provider(
                    "gem",
                    "gemini",
                    emu.url,
                    ["models/gemini-1", "gemini-4", "text-embedding-004"],
                    "K",
                )
            ],
            monkeypatch,
            {"K": GKEY},
        )
        code, report, _ = run_json(capsys, path)
        assert code == 0
        assert statuses(report) == [
            (None, "ok"),
            ("models/gemini-1", "ok"),
            ("gemini-4", "ok"),
            ("text-embedding-004", "ok"),
        ]
        assert emu.generation_requests() == 0
        code, report, err = run_json(capsys, path, "--probe")
        assert "up to 3 billable" in err
        assert statuses(report)[2] == ("gemini-4", "model_missing")  # listed, closed to new users
        assert emu.generation_requests() == 3
        for request in emu.requests:
            assert "key" not in request.query and request.headers["x-goog-api-key"] == GKEY
            assert request.path.startswith("/v1beta/")


@pytest.mark.parametrize(
    ("key", "mode", "status"),
    [
        pytest.param("AIzaSyWRONG00000000000000000000000", None, "auth_failed", id="wrong-key"),
        pytest.param(None, None, "auth_failed", id="without-key"),
        pytest.param(GKEY, "blocked", "permission_denied", id="blocked"),
        pytest.param(GKEY, "disabled", "permission_denied", id="disabled"),
        pytest.param(GKEY, "region", "permission_denied", id="region"),
    ],
)
def test_gemini_key_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str | None,
    mode: str | None,
    status: str,
) -> None:
    with GeminiEmulator([GKEY], ["gemini-x"], key_modes={GKEY: mode} if mode else {}) as emu:
        keys, env = (["K"], {"K": key}) if key else ([], None)
        path = write_providers(
            tmp_path, [provider("g", "gemini", emu.url, ["gemini-x"], *keys)], monkeypatch, env
        )
        code, report, _ = run_json(capsys, path)
    assert code == 1 and report["results"][0]["status"] == status


def test_gemini_rate_limit_retry_delay_and_per_day_quota(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        GeminiEmulator([GKEY], ["gemini-x"]) as once,
        GeminiEmulator([GKEY], ["gemini-x"]) as always,
        GeminiEmulator([GKEY], ["gemini-x"]) as daily,
    ):
        once.inject("/models$", rate_limited("0.05s"), times=1)
        always.inject("/models$", rate_limited("0.05s"))
        daily.inject("/models$", rate_limited("30s", per_day=True))
        path = write_providers(
            tmp_path,
            [
                provider("once", "gemini", once.url, ["gemini-x"], "K"),
                provider("always", "gemini", always.url, ["gemini-x"], "K"),
                provider("daily", "gemini", daily.url, ["gemini-x"], "K"),
            ],
            monkeypatch,
            {"K": GKEY},
        )
        _code, report, _ = run_json(capsys, path)
        assert once.count("/models$") == 2 and always.count("/models$") == 2
        assert daily.count("/models$") == 1
    heads = [r for r in report["results"] if r["model"] is None]
    assert [r["status"] for r in heads] == ["ok", "rate_limited", "quota_exhausted"]
    assert heads[1]["retry_after"] == 0.05


def test_azure_not_verifiable_without_probe_and_deployments_with_probe(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "0123456789abcdef0123456789abcdef"
    with AzureEmulator([key], {"gpt-4o-prod": "gpt-4o", "embed": "text-embedding-3-small"}) as az:
        dated = provider(
            "dated",
            "azure-openai",
            az.url,
            ["gpt-4o-prod", "gone", {"id": "embed", "capabilities": ["embedding"]}],
            "K",
            api_version="2024-10-21",
        )
        v1 = provider(
            "v1", "azure-openai", az.url + "/openai/v1/", ["gpt-4o-prod"], "K", api_version="v1"
        )
        old = provider(
            "old", "azure-openai", az.url, ["gpt-4o-prod"], "K", api_version="2099-01-01"
        )
        path = write_providers(tmp_path, [dated, v1, old], monkeypatch, {"K": key})
        code, report, _ = run_json(capsys, path)
        assert code == 1 and az.generation_requests() == 0
        assert statuses(report) == [
            (None, "ok"),
            ("gpt-4o-prod", "not_verifiable"),
            ("gone", "not_verifiable"),
            ("embed", "not_verifiable"),
            (None, "ok"),
            ("gpt-4o-prod", "not_verifiable"),
            (None, "wrong_base_url"),
            ("gpt-4o-prod", "skipped"),
        ]
        code, report, err = run_json(capsys, path, "--probe")
        assert "up to 5 billable" in err
        assert statuses(report)[:6] == [
            (None, "ok"),
            ("gpt-4o-prod", "ok"),
            ("gone", "model_missing"),
            ("embed", "ok"),
            (None, "ok"),
            ("gpt-4o-prod", "ok"),
        ]
        assert all(r.headers.get("api-key") == key for r in az.requests)


def test_azure_rate_limit_honours_retry_after_ms(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "0123456789abcdef0123456789abcdef"
    with AzureEmulator([key], {"d": "gpt-4o"}) as az:
        az.inject(
            "/openai/models",
            Reply(
                429,
                {
                    "error": {
                        "code": "429",
                        "message": "Requests "
                        "have exceeded token rate limit. Please retry after 6 seconds.",
                    }
                },
                headers={"retry-after": "6", "retry-after-ms": "40"},
            ),
            times=1,
        )
        path = write_providers(
            tmp_path,
            [provider("az", "azure-openai", az.url, ["d"], "K", api_version="2024-10-21")],
            monkeypatch,
            {"K": key},
        )
        _code, report, _ = run_json(capsys, path, "--max-retry-wait", "1")
        assert az.count("/openai/models") == 2
    assert report["results"][0]["status"] == "ok"


def test_ollama_native_tags_show_and_probe(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with OllamaEmulator(["llama3.2:latest", "nomic-embed-text:latest"]) as emu:
        path = write_providers(
            tmp_path,
            [
                provider(
                    "ol",
                    "ollama",
                    emu.url + "/v1",
                    ["llama3.2", "nomic-embed-text:latest", "qwen:7b"],
                )
            ],
            monkeypatch,
        )
        _code, report, _ = run_json(capsys, path)
        assert statuses(report) == [
            (None, "ok"),
            ("llama3.2", "ok"),
            ("nomic-embed-text:latest", "ok"),
            ("qwen:7b", "model_missing"),
        ]
        assert emu.count("/api/show") == 1
        _code, report, _ = run_json(capsys, path, "--probe", "--allow-unlisted")
        assert emu.count("/api/embed") == 1 and emu.count("/api/chat") == 2
        assert statuses(report)[3] == ("qwen:7b", "model_missing")


def test_gemini_token_type_and_wrapped_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with GeminiEmulator([GKEY], ["gemini-x"], wrap_errors=True) as emu:
        path = write_providers(
            tmp_path,
            [
                provider("aq", "gemini", emu.url, ["gemini-x"], "AQ"),
                provider("bad", "gemini", emu.url, ["gemini-x"], "BAD"),
            ],
            monkeypatch,
            {"AQ": "AQ.Ab8RN6-newstylekey-0000", "BAD": "AIzaSyWRONG00000000000000000"},
        )
        code, report, _ = run_json(capsys, path)
    heads = [r for r in report["results"] if r["model"] is None]
    assert code == 1 and [r["status"] for r in heads] == ["auth_failed", "auth_failed"]
    assert "ACCESS_TOKEN_TYPE_UNSUPPORTED" in heads[0]["message"]
    assert "API_KEY_INVALID" in heads[1]["message"]


def test_anthropic_errors_carry_the_request_id(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with AnthropicEmulator([AKEY], ["claude-x"]) as emu:
        path = write_providers(
            tmp_path,
            [provider("a", "anthropic", emu.url, ["claude-x"], "K")],
            monkeypatch,
            {"K": "sk-ant-api03-wrongwrongwrong"},
        )
        _code, report, _ = run_json(capsys, path)
    assert report["results"][0]["request_id"].startswith("req_")


def test_vllm_flat_generation_404_is_model_missing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from emulators import VLLMEmulator

    with VLLMEmulator(["m"], flat_errors=True) as old, VLLMEmulator(["m"]) as new:
        path = write_providers(
            tmp_path,
            [
                provider("old", "openai", old.url, ["alias"]),
                provider("new", "openai", new.url, ["alias"]),
            ],
            monkeypatch,
        )
        code, report, _ = run_json(capsys, path, "--probe", "--allow-unlisted")
    assert code == 1
    assert statuses(report) == [
        (None, "ok"),
        ("alias", "model_missing"),
        (None, "ok"),
        ("alias", "model_missing"),
    ]


def test_anthropic_key_sent_as_bearer_by_a_wrong_type_is_auth_failed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with AnthropicEmulator([AKEY], ["claude-x"]) as emu:
        path = write_providers(
            tmp_path,
            [provider("oops", "openai", emu.url, ["claude-x"], "K")],
            monkeypatch,
            {"K": AKEY},
        )
        code, report, _ = run_json(capsys, path)
        assert emu.requests[0].headers["authorization"] == f"Bearer {AKEY}"
    assert code == 1 and report["results"][0]["status"] == "auth_failed"


def test_ollama_slow_first_generation_is_a_timeout_then_passes_on_retry(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Loading a model makes the first probe slow; the load goes on, so a retry succeeds."""
    with OllamaEmulator(["llama3.2:latest"], load_delay=1.5) as emu:
        path = write_providers(
            tmp_path, [provider("ol", "ollama", emu.url, ["llama3.2"])], monkeypatch
        )
        _code, report, _ = run_json(capsys, path, "--probe", "--timeout", "1", "--retries", "0")
        assert statuses(report) == [(None, "ok"), ("llama3.2", "timeout")]
    with OllamaEmulator(["llama3.2:latest"], load_delay=1.5) as emu:
        path = write_providers(
            tmp_path, [provider("ol", "ollama", emu.url, ["llama3.2"])], monkeypatch
        )
        code, report, _ = run_json(capsys, path, "--probe", "--timeout", "1", "--retries", "2")
        assert code == 0 and statuses(report) == [(None, "ok"), ("llama3.2", "ok")]
        assert emu.count("/api/chat") == 2


def test_anthropic_429_with_ratelimit_headers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        AnthropicEmulator([AKEY], ["claude-x"]) as once,
        AnthropicEmulator([AKEY], ["claude-x"]) as always,
    ):
        once.inject("/v1/models", anthropic_rate_limited("0"), times=1)
        always.inject("/v1/models", anthropic_rate_limited("0"))
        path = write_providers(
            tmp_path,
            [
                provider("once", "anthropic", once.url, ["claude-x"], "K"),
                provider("always", "anthropic", always.url, ["claude-x"], "K"),
            ],
            monkeypatch,
            {"K": AKEY},
        )
        _code, report, _ = run_json(capsys, path)
        by = {(r["provider"], r["model"]): r["status"] for r in report["results"]}
        assert by[("once", None)] == "ok" and by[("once", "claude-x")] == "ok"
        assert by[("always", None)] == "rate_limited"
        assert once.count("/v1/models") == 2 and always.count("/v1/models") == 2  # FAST: 1 retry
