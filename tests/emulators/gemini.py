"""Gemini Generative Language API (provider-apis.md §2.9)."""

from __future__ import annotations

import re
from typing import Any

from emulators.server import Emulator, Reply, Request


def google_error(
    code: int, status: str, message: str, details: list[Any] | None = None, wrap: bool = False
) -> Reply:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    body: Any = {"error": error}
    return Reply(code, [body] if wrap else body)


def error_info(reason: str) -> dict[str, Any]:
    return {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }


def rate_limited(delay: str = "0.2s", per_day: bool = False) -> Reply:
    quota = (
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
        if per_day
        else "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
    )
    return google_error(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota. Please retry in 23.4s.",
        [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/"
                        "generate_content_free_tier_requests",
                        "quotaId": quota,
                        "quotaValue": "10",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay},
        ],
    )


class GeminiEmulator(Emulator):
    """``models`` bare IDs; ``closed`` models answer GET but 404 on generateContent.
    Key modes: ``blocked`` (API_KEY_SERVICE_BLOCKED), ``disabled`` (SERVICE_DISABLED),
    ``region`` (FAILED_PRECONDITION)."""

    name = "gemini"

    def __init__(
        self,
        keys: list[str],
        models: list[str],
        *,
        closed: list[str] | None = None,
        page_cap: int = 1000,
        key_modes: dict[str, str] | None = None,
        wrap_errors: bool = False,
        thinking: dict[str, bool] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.keys = set(keys)
        self.models = models
        self.closed = set(closed or [])
        self.page_cap = page_cap
        self.key_modes = key_modes or {}
        self.wrap_errors = wrap_errors
        self.thinking = thinking or {}  # the recent ``thinking`` flag, for these models only

    def _entry(self, model_id: str) -> dict[str, Any]:
        methods = (
            ["embedContent"] if "embedding" in model_id else ["generateContent", "countTokens"]
        )
        entry: dict[str, Any] = {
            "name": f"models/{model_id}",
            "version": "2.0",
            "displayName": model_id,
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 8192,
            "supportedGenerationMethods": methods,
        }
        if model_id in self.thinking:
            entry["thinking"] = self.thinking[model_id]
        return entry

    def handle(self, request: Request) -> Reply:
        reply = self._route(request)
        if self.wrap_errors and reply.status >= 400 and isinstance(reply.body, dict):
            reply.body = [reply.body]  # some front ends wrap the status in a list
        return reply

    def _route(self, request: Request) -> Reply:
        key = request.headers.get("x-goog-api-key") or request.query.get("key")
        if key and key.startswith("AQ.") and key not in self.keys:
            return google_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials.",
                [error_info("ACCESS_TOKEN_TYPE_UNSUPPORTED")],
            )
        if not key:
            return google_error(
                403,
                "PERMISSION_DENIED",
                "Method doesn't allow unregistered "
                "callers (callers without established identity). Please use API "
                "Key or other form of API consumer identity to call this API.",
            )
        if key not in self.keys:
            return google_error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    error_info("API_KEY_INVALID"),
                    {
                        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                        "locale": "en-US",
                        "message": "API key not valid.",
                    },
                ],
            )
        mode = self.key_modes.get(key)
        if mode == "blocked":
            return google_error(
                403,
                "PERMISSION_DENIED",
                "Requests to this API are blocked.",
                [error_info("API_KEY_SERVICE_BLOCKED")],
            )
        if mode == "disabled":
            return google_error(
                403,
                "PERMISSION_DENIED",
                "Generative Language API has not been used in project 1 before or it is disabled.",
                [error_info("SERVICE_DISABLED")],
            )
        if mode == "region":
            return google_error(
                400, "FAILED_PRECONDITION", "User location is not supported for the API use."
            )
        match = re.fullmatch(r"/(v1beta|v1)/models(?:/([^:]+))?(?::(\w+))?", request.path)
        if not match:
            return Reply(
                404, "<html><body>Not Found</body></html>", content_type="text/html", raw=True
            )
        version, model, action = match.groups()
        if model is None:
            return self._list(request)
        if model not in self.models:
            return google_error(
                404, "NOT_FOUND", f"Model is not found: models/{model} for api version {version}"
            )
        if action is None:
            return Reply(body=self._entry(model))
        if action == "countTokens":
            return Reply(body={"totalTokens": 1})
        if action == "generateContent":
            if model in self.closed:
                return google_error(
                    404,
                    "NOT_FOUND",
                    f"This model models/{model} is no longer available to new users.",
                )
            return Reply(
                body={
                    "candidates": [{"content": {}, "finishReason": "MAX_TOKENS"}],
                    "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 1},
                    "modelVersion": model,
                },
                headers={"X-Gemini-Service-Tier": "standard"},
            )
        if action == "embedContent":
            return Reply(body={"embedding": {"values": [0.1, 0.2]}})
        return google_error(400, "INVALID_ARGUMENT", f"unknown method {action}")

    def _list(self, request: Request) -> Reply:
        size = min(int(request.query.get("pageSize", "50")), self.page_cap)
        start = int(request.query.get("pageToken") or 0)
        page = self.models[start : start + size]
        body: dict[str, Any] = {"models": [self._entry(m) for m in page]}
        if start + size < len(self.models):
            body["nextPageToken"] = str(start + size)
        return Reply(body=body)
