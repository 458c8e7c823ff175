"""Transport faults, retries, TLS, redirects and limits, end to end over loopback HTTP."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from check_support import closed_port, provider, run_json, statuses, write_providers
from emulators import OpenAIEmulator, Reply

KEY = "sk-proj-TRANSPORTkey0123456789abcd"


@pytest.fixture
def emu() -> Iterator[OpenAIEmulator]:
    server = OpenAIEmulator([KEY], ["gpt-4o"]).start()
    yield server
    server.stop()


def one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, **extra: object) -> Path:
    return write_providers(
        tmp_path, [provider("p", "openai", url, ["gpt-4o"], "K", **extra)], monkeypatch, {"K": KEY}
    )


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (
            Reply(200, "<html><body>Login</body></html>", content_type="text/html", raw=True),
            "wrong_base_url",
        ),
        (Reply(200, "I'm alive!"), "wrong_base_url"),
        (Reply(200, b'{"object":"list","data":[{"id":"gp', raw=True), "bad_response"),
        (Reply(200, {"object": "list", "data": {"id": "x"}}), "bad_response"),
        (
            Reply(502, "<html>Bad Gateway</html>", content_type="text/html", raw=True),
            "server_error",
        ),
        (Reply(404, "404 page not found", content_type="text/plain", raw=True), "wrong_base_url"),
        (Reply(reset="before"), "unreachable"),
        (Reply(200, {"object": "list", "data": []}, reset="mid"), "unreachable"),
        (Reply(200, {"object": "list", "data": []}, delay=1.5), "timeout"),
        (
            Reply(
                200,
                {"object": "list", "data": [{"id": f"model-{i}"} for i in range(20)]},
                trickle=0.1,
            ),
            "timeout",
        ),
        (
            Reply(
                408,
                {"error": {"message": "timeout", "type": "timeout", "param": None, "code": None}},
            ),
            "timeout",
        ),
    ],
)
def test_listing_faults_are_classified(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    reply: Reply,
    status: str,
) -> None:
    emu.inject("^/v1/models$", reply)
    path = one(tmp_path, monkeypatch, emu.url)
    started = time.monotonic()
    code, report, _ = run_json(capsys, path, "--timeout", "0.5", "--retries", "0")
    assert time.monotonic() - started < 3
    assert code == 1 and statuses(report) == [(None, status), ("gpt-4o", "skipped")]


def test_refused_connection_is_unreachable_and_retried(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = one(tmp_path, monkeypatch, f"http://127.0.0.1:{closed_port()}")
    code, report, _ = run_json(capsys, path)
    assert code == 1 and report["results"][0]["status"] == "unreachable"


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "1"},
        {"retry-after-ms": "30"},
        {"retry-after": "0", "retry-after-ms": "20"},
        {},
        {"x-rate-limit-reset-tokens": "1"},
    ],
)
def test_rate_limit_is_retried_then_passes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    headers: dict[str, str],
) -> None:
    emu.inject(
        "^/v1/models$",
        Reply(
            429,
            {
                "error": {
                    "message": "Rate limit reached for gpt-4o. Please try again in 1.2s.",
                    "type": "requests",
                    "param": None,
                    "code": "rate_limit_exceeded",
                }
            },
            headers={"x-ratelimit-remaining-requests": "0", **headers},
        ),
        times=1,
    )
    path = one(tmp_path, monkeypatch, emu.url)
    code, _report, _ = run_json(capsys, path, "--max-retry-wait", "2")
    assert code == 0 and emu.count("^/v1/models$") == 2


def test_long_http_date_hint_stops_retrying_and_is_reported(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
) -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    emu.inject(
        "^/v1/models$",
        Reply(
            429,
            {"error": {"message": "slow down", "type": "requests", "param": None, "code": None}},
            headers={"retry-after": when},
        ),
    )
    path = one(tmp_path, monkeypatch, emu.url)
    started = time.monotonic()
    _code, report, _ = run_json(capsys, path, "--retries", "2")
    assert time.monotonic() - started < 2
    head = report["results"][0]
    assert head["status"] == "rate_limited" and 100 < head["retry_after"] <= 120
    assert emu.count("^/v1/models$") == 1


def test_5xx_exhausts_retries(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
) -> None:
    emu.inject(
        "^/v1/models$",
        Reply(
            500,
            {
                "error": {
                    "message": "The server had an error",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
    )
    path = one(tmp_path, monkeypatch, emu.url)
    _code, report, _ = run_json(capsys, path, "--retries", "2")
    assert report["results"][0]["status"] == "server_error" and emu.count("/v1/models") == 3


def test_tls_with_private_ca(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with OpenAIEmulator([KEY], ["gpt-4o"], tls=ca) as emu:
        path = write_providers(
            tmp_path,
            [
                provider("default", "openai", emu.url, ["gpt-4o"], "K"),
                provider(
                    "bundle", "openai", emu.url, ["gpt-4o"], "K", check={"ca_bundle": "ca.pem"}
                ),
                provider("noverify", "openai", emu.url, ["gpt-4o"], "K", check={"verify": False}),
            ],
            monkeypatch,
            {"K": KEY},
        )
        _code, report, _ = run_json(capsys, path)
        assert emu.url.startswith("https://")
    assert [r["status"] for r in report["results"] if r["model"] is None] == [
        "tls_error",
        "ok",
        "ok",
    ]
    # Nothing reached the server over the failed handshake: only the two good providers.
    assert len([r for r in emu.requests if r.path == "/v1/models"]) == 2


def test_same_origin_redirect_is_followed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
) -> None:
    """The gateway path only redirects; every answer comes from the redirected endpoint."""
    emu.models = ["gpt-4o", "gpt-4o-mini", "o4-mini"]
    emu.inject("^/gw/v1/models$", Reply(308, None, headers={"Location": "/v1/models"}))
    path = one(tmp_path, monkeypatch, emu.url + "/gw/v1/")
    code, report, _ = run_json(capsys, path)
    assert code == 0, report
    assert [(r.method, r.path) for r in emu.requests] == [
        ("GET", "/gw/v1/models"),
        ("GET", "/v1/models"),
    ]
    assert emu.requests[1].headers["authorization"] == f"Bearer {KEY}"  # same origin: kept
    assert [(r["model"], r["status"], r["message"]) for r in report["results"]] == [
        (None, "ok", "key accepted; 3 models listed"),
        ("gpt-4o", "ok", "listed"),
    ]


def test_http_to_https_hop_is_cross_origin(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
) -> None:
    emu.inject(
        "^/v1/models$",
        Reply(301, None, headers={"Location": f"https://127.0.0.1:{emu.port}/v1/models"}),
    )
    path = one(tmp_path, monkeypatch, emu.url)
    _code, report, _ = run_json(capsys, path)
    head = report["results"][0]
    assert head["status"] == "wrong_base_url"
    assert f"https://127.0.0.1:{emu.port}" in head["message"]
    assert emu.count("/v1/models") == 1


def test_public_plain_http_is_refused_before_sending(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = one(tmp_path, monkeypatch, "http://api.example.com/v1/")
    code, report, _ = run_json(capsys, path)
    assert code == 1 and report["results"] == [
        {
            "provider": "p",
            "key": None,
            "model": None,
            "status": "wrong_base_url",
            "message": report["results"][0]["message"],
            "level": "fail",
        }
    ]
    assert "https" in report["results"][0]["message"]


def test_per_host_and_global_limits_and_order(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = {f"K{i}": f"sk-limit-key-{i:04d}-abcdefgh" for i in range(8)}
    with (
        OpenAIEmulator(list(keys.values()), ["gpt-4o"], latency=0.1) as a,
        OpenAIEmulator(list(keys.values()), ["gpt-4o"], latency=0.1) as b,
    ):
        path = write_providers(
            tmp_path,
            [
                provider("a", "openai", a.url, ["gpt-4o"], *keys),
                provider("b", "openai", b.url, ["gpt-4o"], *keys),
            ],
            monkeypatch,
            keys,
        )
        code, report, _ = run_json(capsys, path, "--per-host", "2", "--concurrency", "3")
        assert code == 0
        assert a.max_in_flight <= 2 and b.max_in_flight <= 2
        assert a.max_in_flight + b.max_in_flight >= 3
    heads = [(r["provider"], r["key"]) for r in report["results"] if r["model"] is None]
    assert heads == [(p, f"sk-l…{v[-4:]}") for p in "ab" for v in keys.values()]


def test_a_slow_provider_never_delays_or_cancels_the_others(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with OpenAIEmulator([KEY], ["gpt-4o"]) as slow, OpenAIEmulator([KEY], ["gpt-4o"]) as fast:
        slow.inject("/v1/models", Reply(200, {"object": "list", "data": []}, delay=5))
        path = write_providers(
            tmp_path,
            [
                provider("slow", "openai", slow.url, ["gpt-4o"], "K", check={"timeout": 0.4}),
                provider("fast", "openai", fast.url, ["gpt-4o"], "K"),
            ],
            monkeypatch,
            {"K": KEY},
        )
        started = time.monotonic()
        _code, report, _ = run_json(capsys, path, "--retries", "0")
        assert time.monotonic() - started < 2.5
    assert statuses(report) == [
        (None, "timeout"),
        ("gpt-4o", "skipped"),
        (None, "ok"),
        ("gpt-4o", "ok"),
    ]
