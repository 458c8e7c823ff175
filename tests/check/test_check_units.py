"""Pure functions of the checker: URL normalisation, retry hints, backoff, progress display."""

from __future__ import annotations

import email.utils
import io
import re
from pathlib import Path

import pytest

from check_support import provider, run_json, statuses, write_providers
from cherrysync.check.formats import Progress
from cherrysync.check.redaction import scrub
from cherrysync.check.result import CheckResult
from cherrysync.check.retry import RetryPolicy, retry_hint
from cherrysync.check.urls import UrlError, normalise, origin_of
from emulators import LMStudioEmulator, OpenAIEmulator, Reply


@pytest.mark.parametrize(
    ("raw", "ptype", "kind", "base"),
    [
        ("https://api.openai.com", "openai", "openai", "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/", "openai", "openai", "https://api.openai.com/v1"),
        (
            " https://gw.example/api/paas/v4/ ",
            "new-api",
            "openai",
            "https://gw.example/api/paas/v4",
        ),
        ("https://gw.example/openai#", "openai", "openai", "https://gw.example/openai"),
        ("https://gw.example/openai", "openai", "openai", "https://gw.example/openai/v1"),
        ("https://api.anthropic.com/v1", "anthropic", "anthropic", "https://api.anthropic.com"),
        (
            "https://generativelanguage.googleapis.com",
            "gemini",
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta",
        ),
        (
            "https://generativelanguage.googleapis.com/v1",
            "gemini",
            "gemini",
            "https://generativelanguage.googleapis.com/v1",
        ),
        (
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            "gemini",
            "openai",
            "https://generativelanguage.googleapis.com/v1beta/openai",
        ),
        ("http://localhost:11434/v1", "ollama", "ollama", "http://localhost:11434"),
        ("http://localhost:11434/api", "ollama", "ollama", "http://localhost:11434"),
        (
            "https://res.openai.azure.com/openai",
            "azure-openai",
            "azure",
            "https://res.openai.azure.com",
        ),
    ],
)
def test_normalise(raw: str, ptype: str, kind: str, base: str) -> None:
    endpoint = normalise(raw, ptype)
    assert (endpoint.kind, endpoint.base) == (kind, base)


def test_azure_full_url_is_parsed_not_appended() -> None:
    url = "https://res.openai.azure.com/openai/deployments/prod/chat/completions#"
    endpoint = normalise(url, "azure-openai", api_version="2024-06-01")
    assert endpoint.base == "https://res.openai.azure.com"
    assert endpoint.deployment == "prod" and endpoint.api_version == "2024-06-01"
    v1 = normalise("https://res.openai.azure.com/openai/v1/", "azure-openai")
    assert v1.azure_v1 and v1.api_version is None
    assert normalise("https://res.openai.azure.com", "azure-openai").api_version == "2024-10-21"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("ftp://host", "base_url 'ftp://host' must be an http:// or https:// URL"),
        ("https://user:pw@host", "must not embed credentials"),
        ("https://host/v1?x=1", "must not carry a query string or fragment"),
        ("http://api.example.com", "plain http to the public host api.example.com would send"),
        ("", "no base_url is set"),
    ],
)
def test_unusable_urls(raw: str, problem: str) -> None:
    with pytest.raises(UrlError, match=re.escape(problem)):
        normalise(raw, "openai")


def test_azure_api_version_in_the_url_is_refused_as_validate_refuses_it() -> None:
    """The app appends ``/openai/deployments/…?api-version=`` to the host itself, so the
    version lives in ``api_version``; check and validate share this verdict."""
    url = "https://res.openai.azure.com/?api-version=2024-06-01"
    with pytest.raises(UrlError, match="put parameters in 'api_version'") as caught:
        normalise(url, "azure-openai", api_version="2024-06-01")
    assert caught.value.rule == "base-url-query"


def test_origin_fills_default_ports() -> None:
    assert origin_of("https://Host.Example/x") == "https://host.example:443"
    assert origin_of("http://host:80/") == "http://host:80"
    assert origin_of("http://host") != origin_of("https://host")


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/", "http://[::1", "http://h:x/"])
def test_a_url_without_a_usable_address_has_no_origin(url: str) -> None:
    assert origin_of(url) == ""


def test_retry_hint_precedence() -> None:
    assert retry_hint({"retry-after-ms": "250", "retry-after": "3"}, None) == 0.25
    assert retry_hint({"retry-after-ms": "0", "retry-after": "3"}, None) == 3.0
    assert retry_hint({"retry-after": "1.5"}, None) == 1.5
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_hint({"retry-after": date}, None, now=1_000_000) == pytest.approx(30)
    gemini = {
        "error": {
            "details": [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57.238747106s"}
            ]
        }
    }
    assert retry_hint({}, gemini) == pytest.approx(57.238747106)
    assert retry_hint({}, [gemini]) == pytest.approx(57.238747106)
    assert retry_hint({"retry-after": "-1"}, None) is None
    assert retry_hint({"x-rate-limit-reset-tokens": "5"}, None) is None


def test_backoff_is_bounded_and_jittered() -> None:
    policy = RetryPolicy(retries=5, backoff=1.0, max_backoff=8.0, max_hint=10)
    delays = [policy.delay(n, None) for n in range(5)]
    assert all(d is not None for d in delays)
    assert 0.5 <= delays[0] < 1.0 and 4.0 <= delays[4] <= 8.0  # type: ignore[operator]
    assert policy.delay(5, None) is None
    assert policy.delay(0, 11) is None and policy.delay(0, 2) == 2


def test_scrub_removes_echoed_fragments() -> None:
    text = scrub("Incorrect API key provided: sk-abc***wxyz. Received API Key = sk-...m31Q")
    assert "***" not in text and "m31Q" not in text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    result = CheckResult("p", None, None, "ok", "fine", level="pass")
    piped = io.StringIO()
    progress = Progress(2, piped)
    progress.update(result)
    progress.close()
    assert piped.getvalue() == ""
    tty = _Tty()
    progress = Progress(2, tty)
    progress.update(result)
    progress.close()
    assert "checked 1/2" in tty.getvalue()


def test_cookies_are_never_sent_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "sk-cookie-key-0123456789abcdef"
    with OpenAIEmulator([key], ["m"]) as emu:
        emu.inject(
            "/v1/models",
            Reply(
                401,
                {"error": {"message": "no", "type": "x", "param": None, "code": None}},
                headers={"Set-Cookie": "session=granted; Path=/"},
            ),
            times=1,
        )
        path = write_providers(
            tmp_path,
            [provider("p", "openai", emu.url, ["m"], "A", "B")],
            monkeypatch,
            {"A": "sk-wrong-key-000000000000", "B": key},
        )
        run_json(capsys, path, "--per-host", "1")
        assert all("cookie" not in r.headers for r in emu.requests)


def test_disabled_providers_are_skipped_unless_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with LMStudioEmulator(["qwen"]) as lms:
        path = write_providers(
            tmp_path,
            [provider("off", "openai", lms.url, ["qwen"], "K", enabled=False)],
            monkeypatch,
            {"K": "sk-lm-anything-123"},
        )
        code, report, _ = run_json(capsys, path)
        assert code == 0 and statuses(report) == [(None, "skipped")]
        code, report, _ = run_json(capsys, path, "--provider", "off")
        assert code == 0 and statuses(report) == [(None, "ok"), ("qwen", "ok")]
        assert "authentication is off" in report["results"][0]["message"]


def test_azure_bad_request_on_the_catalog_is_a_wrong_base_url() -> None:
    from cherrysync.check.errors import classify, error_info

    body = {"error": {"code": "BadRequest", "message": "Something about the request"}}
    info = error_info(body)
    assert classify(400, info, phase="list", kind="azure", html=False) == "wrong_base_url"
    assert classify(400, info, phase="model", kind="azure", html=False) == "bad_request"
    hint = error_info({"error": {"code": "BadRequest", "message": "API version not supported"}})
    assert classify(400, hint, phase="model", kind="azure", html=False) == "wrong_base_url"
    litellm = error_info(
        {
            "error": {
                "message": "No connected db.",
                "type": "no_db_connection",
                "param": None,
                "code": "400",
            }
        }
    )
    assert classify(400, litellm, phase="list", kind="openai", html=False) == "auth_failed"
