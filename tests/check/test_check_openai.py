"""OpenAI and OpenAI-compatible servers, end to end over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from check_support import provider, run_json, statuses, write_providers
from emulators import (
    LiteLLMEmulator,
    LlamaCppEmulator,
    LMStudioEmulator,
    OllamaEmulator,
    OpenAIEmulator,
    Reply,
    VLLMEmulator,
)

KEY = "sk-proj-GOODkey1234567890abcdefWXYZ"
BAD = "sk-proj-BADkey0987654321zyxwvuQRST"


@pytest.fixture
def openai() -> Iterator[OpenAIEmulator]:
    emu = OpenAIEmulator(
        [
            KEY,
            "sk-restricted-0000000000000",
            "sk-country-00000000000000",
            "sk-quota-000000000000000",
        ],
        [
            "gpt-4o-mini",
            "gpt-4o",
            "o4-mini",
            "text-embedding-3-small",
            "ft:gpt-4o-mini:acme:suffix:abc123",
        ],
        key_modes={
            "sk-restricted-0000000000000": "restricted",
            "sk-country-00000000000000": "country",
            "sk-quota-000000000000000": "quota",
        },
    ).start()
    yield emu
    emu.stop()


def test_good_and_bad_keys_are_reported_separately(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    path = write_providers(
        tmp_path,
        [
            provider(
                "oa",
                "openai",
                openai.url,
                ["gpt-4o-mini", "ft:gpt-4o-mini:acme:suffix:abc123"],
                "K1",
                "K2",
            )
        ],
        monkeypatch,
        {"K1": KEY, "K2": BAD},
    )
    code, report, err = run_json(capsys, path)
    assert code == 1
    rows = report["results"]
    assert [(r["key"], r["model"], r["status"]) for r in rows] == [
        ("sk-p…WXYZ", None, "ok"),
        ("sk-p…WXYZ", "gpt-4o-mini", "ok"),
        ("sk-p…WXYZ", "ft:gpt-4o-mini:acme:suffix:abc123", "ok"),
        ("sk-p…QRST", None, "auth_failed"),
        ("sk-p…QRST", "gpt-4o-mini", "skipped"),
        ("sk-p…QRST", "ft:gpt-4o-mini:acme:suffix:abc123", "skipped"),
    ]
    assert openai.generation_requests() == 0
    # The emulator echoes "sk-pro***QRST"; neither that fragment nor the key reaches the output.
    text = str(report) + err
    assert BAD not in text and "***" not in text and KEY not in text


def test_missing_model_names_the_closest_ids_and_allow_unlisted_warns(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    path = write_providers(
        tmp_path,
        [provider("oa", "openai", openai.url + "/v1/", ["gpt-4o-mimi"], "K1")],
        monkeypatch,
        {"K1": KEY},
    )
    code, report, _ = run_json(capsys, path)
    assert code == 1
    missing = report["results"][1]
    assert missing["status"] == "model_missing"
    assert missing["closest"][0] == "gpt-4o-mini"
    code, report, _ = run_json(capsys, path, "--allow-unlisted")
    assert code == 0
    assert report["results"][1]["status"] == "model_missing"
    assert report["results"][1]["level"] == "warn"


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("sk-restricted-0000000000000", "permission_denied"),
        ("sk-country-00000000000000", "permission_denied"),
    ],
)
def test_forbidden_keys(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
    key: str,
    status: str,
) -> None:
    path = write_providers(
        tmp_path, [provider("oa", "openai", openai.url, ["gpt-4o"], "K")], monkeypatch, {"K": key}
    )
    code, report, _ = run_json(capsys, path)
    assert code == 1 and report["results"][0]["status"] == status


def test_unknown_path_and_gateway_prefix_are_wrong_base_url(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    path = write_providers(
        tmp_path,
        [provider("oa", "openai", openai.url + "/proxy/v2/", ["gpt-4o"], "K")],
        monkeypatch,
        {"K": KEY},
    )
    code, report, _ = run_json(capsys, path)
    assert code == 1
    assert statuses(report) == [(None, "wrong_base_url"), ("gpt-4o", "skipped")]


def test_probe_counts_billable_requests_and_falls_back_for_reasoning_models(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    models = [
        "gpt-4o-mini",
        "o4-mini",
        {"id": "text-embedding-3-small", "capabilities": ["embedding"]},
    ]
    path = write_providers(
        tmp_path, [provider("oa", "openai", openai.url, models, "K")], monkeypatch, {"K": KEY}
    )
    code, report, err = run_json(capsys, path)
    assert code == 0 and openai.generation_requests() == 0
    code, report, err = run_json(capsys, path, "--probe")
    assert code == 0, report
    assert "up to 3 billable" in err
    # o4-mini: max_tokens is refused once, then max_completion_tokens succeeds.
    assert openai.generation_requests() == 4
    assert openai.count("/v1/embeddings") == 1
    bodies = [r.json for r in openai.requests if r.path == "/v1/chat/completions"]
    assert {"max_completion_tokens": 1}.items() <= bodies[-1].items() or any(
        b.get("max_completion_tokens") == 1 for b in bodies
    )


def test_quota_is_reported_without_retrying(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    path = write_providers(
        tmp_path,
        [provider("oa", "openai", openai.url, ["gpt-4o"], "K")],
        monkeypatch,
        {"K": "sk-quota-000000000000000"},
    )
    code, report, _ = run_json(capsys, path, "--probe", "--retries", "2")
    assert code == 1
    assert statuses(report) == [(None, "ok"), ("gpt-4o", "quota_exhausted")]
    assert openai.count("/v1/chat/completions") == 1


def test_bad_request_from_the_probe(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai: OpenAIEmulator,
) -> None:
    openai.inject(
        "/v1/chat/completions",
        Reply(
            400,
            {
                "error": {
                    "message": "Invalid value for 'messages'.",
                    "type": "invalid_request_error",
                    "param": "messages",
                    "code": None,
                }
            },
        ),
    )
    path = write_providers(
        tmp_path, [provider("oa", "openai", openai.url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
    )
    code, report, _ = run_json(capsys, path, "--probe")
    assert code == 1 and statuses(report)[1] == ("gpt-4o", "bad_request")


def test_vllm_lowercase_bearer_loras_and_several_keys(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with VLLMEmulator(
        ["Qwen/Qwen2.5-7B"],
        keys=["k-one-1234", "k-two-5678"],
        loras={"sql-lora": "Qwen/Qwen2.5-7B"},
    ) as vllm:
        path = write_providers(
            tmp_path,
            [
                provider(
                    "vllm",
                    "openai",
                    vllm.url,
                    ["Qwen/Qwen2.5-7B", "sql-lora", "nope"],
                    "A",
                    "B",
                    "C",
                )
            ],
            monkeypatch,
            {"A": "k-one-1234", "B": "k-two-5678", "C": "k-bad-0000"},
        )
        code, report, _ = run_json(capsys, path)
    assert code == 1
    assert statuses(report) == [
        (None, "ok"),
        ("Qwen/Qwen2.5-7B", "ok"),
        ("sql-lora", "ok"),
        ("nope", "model_missing"),
        (None, "ok"),
        ("Qwen/Qwen2.5-7B", "ok"),
        ("sql-lora", "ok"),
        ("nope", "model_missing"),
        (None, "auth_failed"),
        ("Qwen/Qwen2.5-7B", "skipped"),
        ("sql-lora", "skipped"),
        ("nope", "skipped"),
    ]


def test_vllm_host_only_without_version_gets_v1(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with VLLMEmulator(["m"]) as vllm:
        path = write_providers(tmp_path, [provider("v", "openai", vllm.url, ["m"])], monkeypatch)
        code, report, _ = run_json(capsys, path)
    assert code == 0 and statuses(report) == [(None, "ok"), ("m", "ok")]
    assert report["results"][0]["key"] is None


def test_ollama_openai_surface_null_data_and_latest_tag(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with OllamaEmulator([]) as empty, OllamaEmulator(["llama3.2:latest"]) as full:
        path = write_providers(
            tmp_path,
            [
                provider("empty", "openai", empty.url + "/v1/", ["llama3.2"]),
                provider("full", "openai", full.url + "/v1/", ["llama3.2"], "K"),
            ],
            monkeypatch,
            {"K": "ollama"},
        )
        _code, report, _ = run_json(capsys, path)
    assert statuses(report) == [
        (None, "ok"),
        ("llama3.2", "model_missing"),
        (None, "ok"),
        ("llama3.2", "ok"),
    ]
    assert "no authentication" in report["results"][2]["message"]


def test_litellm_wrong_key_without_database_and_no_health_calls(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    master = "sk-master-1234567890"
    with (
        LiteLLMEmulator(master, ["my-gpt", "claude-x"]) as nodb,
        LiteLLMEmulator(master, ["my-gpt"], database=True) as db,
    ):
        path = write_providers(
            tmp_path,
            [
                provider("nodb", "openai", nodb.url, ["my-gpt"], "G", "W"),
                provider("db", "openai", db.url, ["my-gpt"], "W"),
            ],
            monkeypatch,
            {"G": master, "W": "sk-wrong-abcdefghijklm31Q"},
        )
        _code, report, err = run_json(capsys, path)
        assert nodb.count("^/health$") == 0 and db.count("^/health$") == 0
    assert [r["status"] for r in report["results"] if r["model"] is None] == [
        "ok",
        "auth_failed",
        "auth_failed",
    ]
    text = str(report) + err
    assert "m31Q" not in text.replace("sk-w…m31Q", "")  # only our own mask shows the tail
    assert "8f2b1c0d9e7a6b5c" not in text


def test_lmstudio_unknown_route_is_wrong_base_url_and_empty_list(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        LMStudioEmulator([]) as lms,
        LMStudioEmulator(["qwen2.5-7b-instruct"], token="sk-lm-secret12345") as auth,
    ):
        path = write_providers(
            tmp_path,
            [
                provider("wrong", "openai", lms.url + "/api/v0/", ["qwen"]),
                provider("empty", "openai", lms.url, ["qwen"]),
                provider("auth", "openai", auth.url, ["qwen2.5-7b-instruct"], "T"),
            ],
            monkeypatch,
            {"T": "sk-lm-secret12345"},
        )
        _code, report, _ = run_json(capsys, path)
    assert statuses(report) == [
        (None, "wrong_base_url"),
        ("qwen", "skipped"),
        (None, "ok"),
        ("qwen", "model_missing"),
        (None, "ok"),
        ("qwen2.5-7b-instruct", "ok"),
    ]


def test_llamacpp_key_is_proven_by_props_not_the_public_list(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LlamaCppEmulator("my-alias", keys=["llama-key-1", "llama-key-2"]) as llama:
        path = write_providers(
            tmp_path,
            [
                provider("llama", "openai", llama.url, ["my-alias"], "A", "B"),
            ],
            monkeypatch,
            {"A": "llama-key-2", "B": "not-a-key-99"},
        )
        _code, report, _ = run_json(capsys, path)
        assert llama.count("^/props$") == 2
    assert statuses(report) == [
        (None, "ok"),
        ("my-alias", "ok"),
        (None, "auth_failed"),
        ("my-alias", "skipped"),
    ]


def test_llamacpp_loading_503_is_retried_until_ready(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LlamaCppEmulator("m", loading=1) as llama, LlamaCppEmulator("m", loading=5) as stuck:
        path = write_providers(
            tmp_path,
            [
                provider("ready", "openai", llama.url, ["m"]),
                provider("stuck", "openai", stuck.url, ["m"]),
            ],
            monkeypatch,
        )
        _code, report, _ = run_json(capsys, path)
    assert statuses(report) == [(None, "ok"), ("m", "ok"), (None, "server_error"), ("m", "skipped")]


def test_new_api_probes_each_model_in_its_endpoint_format(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from emulators import NewAPIEmulator

    with NewAPIEmulator([KEY], ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"]) as relay:
        models = [
            {"id": "gpt-4o", "endpoint_type": "openai"},
            {"id": "claude-sonnet-4-5", "endpoint_type": "anthropic"},
            {"id": "gemini-2.5-flash", "endpoint_type": "gemini"},
        ]
        path = write_providers(
            tmp_path,
            [provider("relay", "new-api", relay.url, models, "K")],
            monkeypatch,
            {"K": KEY},
        )
        code, report, _ = run_json(capsys, path, "--probe")
        assert code == 0, report
        assert relay.count("^/v1/chat/completions$") == 1
        assert relay.count("^/v1/messages$") == 1
        assert relay.count(":generateContent$") == 1
