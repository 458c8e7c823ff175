"""Error bodies of every provider family (provider-apis.md §2): what is read from each envelope,
what is scrubbed from its message, and per-model 404s end to end over loopback HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from check_support import provider, run_json, statuses, write_providers
from cherrysync.check.errors import ErrorInfo, error_info
from cherrysync.check.redaction import scrub
from emulators import AzureEmulator, OpenAIEmulator, Reply
from error_bodies import (
    AZURE_NO_ROUTE,
    FASTAPI_NO_ROUTE,
    GEMINI_BAD_KEY,
    LITELLM_NO_MODEL,
    LLAMACPP_NO_ROUTE,
    OPENAI_BAD_KEY,
    OPENAI_NO_MODEL,
    VLLM_NO_MODEL,
)

# ------------------------------------------------------------------------ what is read out


@pytest.mark.parametrize(
    ("body", "text", "expected"),
    [
        pytest.param(
            OPENAI_BAD_KEY,
            "",
            ErrorInfo(
                OPENAI_BAD_KEY["error"]["message"],
                type="invalid_request_error",
                code="invalid_api_key",
            ),
            id="openai",
        ),
        pytest.param(
            OPENAI_NO_MODEL,
            "",
            ErrorInfo(
                OPENAI_NO_MODEL["error"]["message"],
                type="invalid_request_error",
                code="model_not_found",
                param="model",
            ),
            id="openai-param",
        ),
        pytest.param(
            [GEMINI_BAD_KEY],
            "",
            ErrorInfo(
                "API key not valid. Please pass a valid API key.",
                code="400",
                status="INVALID_ARGUMENT",
                reasons=["API_KEY_INVALID"],
            ),
            id="gemini-in-a-list",
        ),
        pytest.param(
            {
                "error": {
                    "code": 403,
                    "status": "PERMISSION_DENIED",
                    "message": "Requests are blocked.",
                    "details": ["junk", {"@type": "x"}, {"reason": "API_KEY_SERVICE_BLOCKED"}],
                }
            },
            "",
            ErrorInfo(
                "Requests are blocked.",
                code="403",
                status="PERMISSION_DENIED",
                reasons=["API_KEY_SERVICE_BLOCKED"],
            ),
            id="gemini-odd-details",
        ),
        pytest.param(
            {
                "error": {
                    "code": 429,
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                        {
                            "violations": [
                                "junk",
                                {"quotaMetric": "no id"},
                                {"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"},
                            ]
                        }
                    ],
                }
            },
            "",
            ErrorInfo(
                "",
                code="429",
                status="RESOURCE_EXHAUSTED",
                quota_ids=["GenerateRequestsPerDayPerProjectPerModel-FreeTier"],
            ),
            id="gemini-quota-ids",
        ),
        pytest.param(
            {
                "error": {
                    "message": "The response was filtered.",
                    "type": None,
                    "param": "prompt",
                    "code": "content_filter",
                    "status": 400,
                    "innererror": {"code": "ResponsibleAIPolicyViolation"},
                }
            },
            "",
            ErrorInfo(
                "The response was filtered.", code="content_filter", param="prompt", status="400"
            ),
            id="azure-code-wins-over-innererror",
        ),
        pytest.param(
            {"error": {"message": "m", "innererror": {"code": "DeploymentNotFound"}}},
            "",
            ErrorInfo("m", code="DeploymentNotFound"),
            id="azure-innererror",
        ),
        pytest.param(
            {
                "error": {
                    "code": None,
                    "message": "m",
                    "param": None,
                    "type": "error",
                    "inner_error": {"code": "DeploymentNotFound"},
                }
            },
            "",
            ErrorInfo("m", type="error", code="DeploymentNotFound"),
            id="azure-v1-inner_error",
        ),
        pytest.param(
            {"error": {"code": "x", "innererror": "not an object"}},
            "",
            ErrorInfo("", code="x"),
            id="no-message",
        ),
        pytest.param({"error": "Unauthorized"}, "", ErrorInfo("Unauthorized"), id="plain-string"),
        pytest.param(FASTAPI_NO_ROUTE, "", ErrorInfo("Not Found"), id="fastapi-detail"),
        pytest.param(
            {"statusCode": 401, "message": "Access denied due to invalid subscription key."},
            "",
            ErrorInfo("Access denied due to invalid subscription key.", code="401"),
            id="apim-statusCode",
        ),
        pytest.param(
            {"code": "Unauthorized", "message": "Access denied."},
            "",
            ErrorInfo("Access denied.", code="Unauthorized"),
            id="flat-code",
        ),
        pytest.param(
            VLLM_NO_MODEL,
            "",
            ErrorInfo("The model `gpt-x` does not exist.", type="NotFoundError", code="404"),
            id="vllm-flat",
        ),
        pytest.param(
            {"object": "error", "type": "BadRequestError", "code": 400},
            "",
            ErrorInfo("", type="BadRequestError", code="400"),
            id="vllm-flat-no-message",
        ),
        pytest.param(
            None, "404 page not found", ErrorInfo("404 page not found", plain=True), id="text"
        ),
        pytest.param(None, " <html><h1>404</h1></html>", ErrorInfo("", plain=True), id="html"),
        pytest.param(
            None, "x" * 50 + "<b>", ErrorInfo("x" * 50 + "<b>", plain=True), id="late-angle"
        ),
        pytest.param(None, "  " + "a" * 300, ErrorInfo("a" * 300, plain=True), id="long-text"),
        pytest.param([1, 2], "two items", ErrorInfo("two items", plain=True), id="list-of-two"),
        pytest.param("I'm alive!", "", ErrorInfo("", plain=True), id="json-string"),
    ],
)
def test_error_info_reads_every_envelope(body: Any, text: str, expected: ErrorInfo) -> None:
    assert error_info(body, text) == expected


def test_error_info_without_text() -> None:
    assert error_info(None) == ErrorInfo(plain=True)
    assert error_info(None).message == ""


# ------------------------------------------------------------------------------- scrubbing


def test_scrub_masks_echoed_keys_and_flattens_whitespace() -> None:
    assert scrub("Incorrect API key provided: sk-abc***wxyz.\n\tYou can  find it") == (
        "Incorrect API key provided: [redacted] You can find it"
    )
    assert scrub("Received API Key = sk-...m31Q, hash 0123456789abcdef0123456789abcdef") == (
        "Received [redacted] hash [redacted]"
    )


def test_scrub_bounds_the_length() -> None:
    assert scrub("g" * 240) == "g" * 240
    long = scrub("h" * 241)
    assert long == "h" * 239 + "…" and len(long) == 240


# ------------------------------------------------- per-model 404s, end to end over loopback

KEY = "sk-proj-ERRORSkey0123456789abcdef"


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        pytest.param(
            Reply(404, "<html><body>Not Found</body></html>", content_type="text/html", raw=True),
            "wrong_base_url",
            id="html",
        ),
        pytest.param(Reply(404, FASTAPI_NO_ROUTE), "wrong_base_url", id="fastapi"),
        pytest.param(Reply(404, LLAMACPP_NO_ROUTE), "wrong_base_url", id="llama.cpp"),
        pytest.param(Reply(404, b"", content_type="", raw=True), "wrong_base_url", id="empty"),
        pytest.param(Reply(404, OPENAI_NO_MODEL), "model_missing", id="openai"),
        pytest.param(Reply(404, VLLM_NO_MODEL), "model_missing", id="vllm"),
        pytest.param(Reply(404, LITELLM_NO_MODEL), "model_missing", id="litellm"),
        pytest.param(
            Reply(404, "404 page not found", content_type="text/plain", raw=True),
            "wrong_base_url",
            id="plain-text",
        ),
    ],
)
def test_a_404_on_the_probe_tells_the_route_from_the_model(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reply: Reply,
    status: str,
) -> None:
    """The listing worked, so only the body says whether the probe's route or its model is
    missing."""
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        emu.inject("^/v1/chat/completions$", reply, method="POST")
        path = write_providers(
            tmp_path, [provider("p", "openai", emu.url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
        )
        code, report, _ = run_json(capsys, path, "--probe")
        assert emu.count("^/v1/chat/completions$") == 1  # a 404 is never retried
    assert code == 1
    assert statuses(report) == [(None, "ok"), ("gpt-4o", status)]


def test_azure_tells_a_missing_deployment_from_a_missing_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "0123456789abcdef0123456789abcdef"
    deployments = {"prod": "gpt-4o", "moved": "gpt-4o"}
    with AzureEmulator([key], deployments) as az:
        # a gateway in front of one deployment answers the generic 404
        az.inject("^/openai/deployments/moved/", Reply(404, AZURE_NO_ROUTE), method="POST")
        path = write_providers(
            tmp_path,
            [
                provider(
                    "az",
                    "azure-openai",
                    az.url,
                    ["prod", "moved", "gone"],
                    "K",
                    api_version="2024-10-21",
                )
            ],
            monkeypatch,
            {"K": key},
        )
        code, report, _ = run_json(capsys, path, "--probe")
    assert code == 1
    assert statuses(report) == [
        (None, "ok"),
        ("prod", "ok"),
        ("moved", "wrong_base_url"),
        ("gone", "model_missing"),
    ]
    messages = {r["model"]: r["message"] for r in report["results"]}
    assert "code=DeploymentNotFound" in messages["gone"]
    assert "code=404" in messages["moved"] and "Resource not found" in messages["moved"]
