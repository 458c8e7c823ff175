"""The category of an error reply: status plus machine fields, per probe phase (provider-apis.md
§0). A 404 on the listing route is the URL; on a per-model call the body tells route from model."""

from __future__ import annotations

from typing import Any

import pytest

from cherrysync.check.errors import classify, error_info
from error_bodies import (
    ANTHROPIC_NO_MODEL,
    ANTHROPIC_NO_ROUTE,
    AZURE_API_VERSION,
    AZURE_BAD_REQUEST,
    AZURE_INNER_NO_DEPLOYMENT,
    AZURE_NO_DEPLOYMENT,
    AZURE_NO_ROUTE,
    AZURE_QUOTA,
    FASTAPI_NO_ROUTE,
    GATEWAY_KEY_REQUIRED,
    GEMINI_API_DISABLED,
    GEMINI_BAD_ARGUMENT,
    GEMINI_BAD_KEY,
    GEMINI_KEY_TEXT_ONLY,
    GEMINI_NO_KEY,
    GEMINI_NO_MODEL,
    GEMINI_PER_DAY,
    GEMINI_PER_MINUTE,
    GEMINI_REASON_ONLY,
    GEMINI_REGION,
    LITELLM_NO_MODEL,
    LLAMACPP_NO_ROUTE,
    NO_MESSAGE_TYPED,
    NOT_FOUND_TYPED,
    OPENAI_BAD_KEY,
    OPENAI_NO_MODEL,
    OPENAI_QUOTA,
    VLLM_NO_MODEL,
    azure,
    openai_error,
)

M, L = "model", "list"
GIN_404 = "404 page not found"
OA, G, A, AN = "openai", "gemini", "azure", "anthropic"


def case(
    status: int,
    body: Any,
    phase: str,
    kind: str,
    expected: str,
    name: str,
    *,
    text: str = "",
    html: bool = False,
    marks: Any = (),
) -> Any:
    return pytest.param(status, body, text, phase, kind, html, expected, id=name, marks=marks)


@pytest.mark.parametrize(
    ("status", "body", "text", "phase", "kind", "html", "expected"),
    [
        # 400: a key, a region, a wrong api-version, or a request the provider rejects
        case(400, GEMINI_BAD_KEY, L, G, "auth_failed", "gemini-key"),
        case(400, GEMINI_REASON_ONLY, L, G, "auth_failed", "gemini-reason-decides"),
        case(400, GEMINI_KEY_TEXT_ONLY, L, G, "auth_failed", "gemini-key-without-details"),
        case(400, GEMINI_BAD_ARGUMENT, M, G, "bad_request", "gemini-invalid-argument"),
        case(400, GATEWAY_KEY_REQUIRED, M, OA, "bad_request", "key-text-without-gemini-status"),
        case(400, GEMINI_REGION, L, G, "permission_denied", "gemini-region"),
        case(400, AZURE_API_VERSION, M, A, "wrong_base_url", "azure-api-version"),
        case(400, AZURE_BAD_REQUEST, L, A, "wrong_base_url", "azure-catalog"),
        case(400, AZURE_BAD_REQUEST, M, A, "bad_request", "azure-probe"),
        case(400, AZURE_API_VERSION, M, OA, "bad_request", "azure-text-elsewhere"),
        # 401-403
        case(401, OPENAI_BAD_KEY, L, OA, "auth_failed", "401"),
        case(402, {}, M, OA, "quota_exhausted", "402"),
        case(403, GEMINI_NO_KEY, L, G, "auth_failed", "gemini-no-key"),
        case(403, GEMINI_API_DISABLED, L, G, "permission_denied", "gemini-api-disabled"),
        case(403, GEMINI_NO_KEY, L, OA, "permission_denied", "403-elsewhere"),
        # 404 on the listing route: always the URL
        case(404, OPENAI_NO_MODEL, L, OA, "wrong_base_url", "list"),
        case(404, AZURE_NO_DEPLOYMENT, L, A, "wrong_base_url", "azure-list"),
        # 404 on a per-model call: the route or the model
        case(404, None, M, OA, "wrong_base_url", "html", html=True),
        case(404, OPENAI_NO_MODEL, M, OA, "wrong_base_url", "html-wins", html=True),
        case(404, None, M, OA, "wrong_base_url", "empty"),
        case(404, None, M, "ollama", "wrong_base_url", "text", text=GIN_404),
        case(404, FASTAPI_NO_ROUTE, M, OA, "wrong_base_url", "fastapi"),
        case(404, LITELLM_NO_MODEL, M, OA, "model_missing", "litellm"),
        case(404, LLAMACPP_NO_ROUTE, M, OA, "wrong_base_url", "llama.cpp"),
        case(404, ANTHROPIC_NO_ROUTE, M, AN, "wrong_base_url", "anthropic-route"),
        case(404, ANTHROPIC_NO_MODEL, M, AN, "model_missing", "anthropic-model"),
        case(404, OPENAI_NO_MODEL, M, OA, "model_missing", "openai"),
        case(404, NOT_FOUND_TYPED, M, OA, "model_missing", "not-found-with-a-type"),
        case(404, NO_MESSAGE_TYPED, M, OA, "model_missing", "type-without-message"),
        case(404, VLLM_NO_MODEL, M, OA, "model_missing", "vllm"),
        case(404, GEMINI_NO_MODEL, M, G, "model_missing", "gemini"),
        case(404, AZURE_NO_DEPLOYMENT, M, A, "model_missing", "azure-deployment"),
        case(404, AZURE_NO_ROUTE, M, A, "wrong_base_url", "azure-404"),
        case(404, azure("notFound", "gone"), M, A, "model_missing", "azure-dated-code"),
        case(404, azure("ResourceNotFound", "gone"), M, A, "wrong_base_url", "azure-other"),
        case(404, AZURE_INNER_NO_DEPLOYMENT, M, A, "model_missing", "azure-innererror"),
        case(404, AZURE_NO_ROUTE, M, OA, "wrong_base_url", "resource-not-found"),
        case(404, AZURE_NO_DEPLOYMENT, M, OA, "model_missing", "deployment-text"),
        # the rest
        case(408, None, M, OA, "timeout", "408"),
        case(429, OPENAI_QUOTA, M, OA, "quota_exhausted", "quota"),
        case(429, openai_error("m", "insufficient_quota"), M, OA, "quota_exhausted", "type"),
        case(429, openai_error("m", "x", "insufficient_quota"), M, OA, "quota_exhausted", "code"),
        case(429, AZURE_QUOTA, M, A, "quota_exhausted", "azure-quota"),
        case(429, GEMINI_PER_DAY, M, G, "quota_exhausted", "gemini-per-day"),
        case(429, GEMINI_PER_MINUTE, M, G, "rate_limited", "gemini-per-minute"),
        case(429, openai_error("m", "tokens", "rate_limit_exceeded"), M, OA, "rate_limited", "rl"),
        case(500, None, M, OA, "server_error", "500", text="oops"),
        case(503, None, L, G, "server_error", "503-html", html=True),
        case(409, None, M, OA, "bad_request", "409"),
        case(422, {"detail": [{"msg": "field required"}]}, M, OA, "bad_request", "422"),
    ],
)
def test_classification(
    status: int, body: Any, text: str, phase: Any, kind: str, html: bool, expected: str
) -> None:
    assert classify(status, error_info(body, text), phase=phase, kind=kind, html=html) == expected
