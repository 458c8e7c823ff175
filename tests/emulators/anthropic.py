"""Anthropic Messages API (provider-apis.md §2.8)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from emulators.server import Emulator, Reply, Request

VALID_VERSIONS = {"2023-06-01", "2023-01-01"}


def anthropic_error(
    status: int,
    etype: str,
    message: str,
    request_id: bool = True,
    headers: dict[str, str] | None = None,
) -> Reply:
    body: dict[str, Any] = {"type": "error", "error": {"type": etype, "message": message}}
    if request_id:
        body["request_id"] = "req_" + uuid.uuid4().hex[:12]
    return Reply(status, body, headers=headers or {})


def anthropic_rate_limited(retry_after: str = "1") -> Reply:
    """429 ``rate_limit_error`` with ``retry-after`` and the ``anthropic-ratelimit-*`` family."""
    return anthropic_error(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
        headers={
            "retry-after": retry_after,
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": "2026-11-25T12:00:30Z",
            "anthropic-ratelimit-input-tokens-limit": "30000",
            "anthropic-ratelimit-input-tokens-remaining": "0",
            "anthropic-ratelimit-input-tokens-reset": "2026-11-25T12:00:30Z",
        },
    )


class AnthropicEmulator(Emulator):
    """``models`` newest first; ``aliases`` map alias → dated ID; ``page_cap`` bounds ``limit``.
    Key modes: ``billing`` (402), ``forbidden`` (403). ``capabilities`` give a model's newer
    ``capabilities`` record (others alternate between a minimal one and none)."""

    name = "anthropic"

    def __init__(
        self,
        keys: list[str],
        models: list[str],
        *,
        aliases: dict[str, str] | None = None,
        page_cap: int = 1000,
        key_modes: dict[str, str] | None = None,
        capabilities: dict[str, dict[str, Any]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.keys = set(keys)
        self.models = models
        self.aliases = aliases or {}
        self.page_cap = page_cap
        self.key_modes = key_modes or {}
        self.capabilities = capabilities or {}

    def handle(self, request: Request) -> Reply:
        reply = self._route(request)
        reply.headers.setdefault("request-id", "req_" + uuid.uuid4().hex[:12])
        return reply

    def _info(self, model_id: str, i: int) -> dict[str, Any]:
        info: dict[str, Any] = {
            "type": "model",
            "id": model_id,
            "display_name": model_id.title(),
            "created_at": "2025-05-22T00:00:00Z",
        }
        if i % 2 == 0 or model_id in self.capabilities:
            info.update(
                {
                    "max_input_tokens": 200000,
                    "max_tokens": 64000,
                    "capabilities": self.capabilities.get(model_id, {"batch": {"supported": True}}),
                }
            )
        return info

    def _route(self, request: Request) -> Reply:
        h = request.headers
        if request.path.startswith("/v1/v1/") or not request.path.startswith("/v1/"):
            return anthropic_error(404, "not_found_error", "Not Found", request_id=False)
        key = h.get("x-api-key")
        if key is None:
            if "authorization" in h:
                return anthropic_error(401, "authentication_error", "Invalid bearer token")
            return anthropic_error(401, "authentication_error", "x-api-key header is required")
        if key not in self.keys:
            return anthropic_error(401, "authentication_error", "invalid x-api-key")
        version = h.get("anthropic-version")
        if version is None:
            return anthropic_error(
                400, "invalid_request_error", "anthropic-version: header is required"
            )
        if version not in VALID_VERSIONS:
            return anthropic_error(
                400,
                "invalid_request_error",
                f'anthropic-version: "{version}" is not a valid version',
            )
        mode = self.key_modes.get(key)
        if mode == "billing":
            return anthropic_error(402, "billing_error", "Your credit balance is too low.")
        if mode == "forbidden":
            return anthropic_error(
                403,
                "permission_error",
                "Your API key does not have permission to use the specified resource.",
            )
        if request.path == "/v1/models" and request.method == "GET":
            return self._page(request)
        match = re.fullmatch(r"/v1/models/(.+)", request.path)
        if match and request.method == "GET":
            wanted = self.aliases.get(match.group(1), match.group(1))
            if wanted in self.models:
                return Reply(body=self._info(wanted, 0))
            return anthropic_error(404, "not_found_error", f"model: {match.group(1)}")
        if (
            request.path in ("/v1/messages/count_tokens", "/v1/messages")
            and request.method == "POST"
        ):
            model = (request.json or {}).get("model")
            if self.aliases.get(model, model) not in self.models:
                return anthropic_error(404, "not_found_error", f"model: {model}")
            if request.path.endswith("count_tokens"):
                return Reply(body={"input_tokens": 8})
            return Reply(
                body={
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": "max_tokens",
                    "usage": {"input_tokens": 8, "output_tokens": 1},
                }
            )
        return anthropic_error(404, "not_found_error", "Not Found", request_id=False)

    def _page(self, request: Request) -> Reply:
        limit = min(int(request.query.get("limit", "20")), self.page_cap)
        start = 0
        after, before = request.query.get("after_id"), request.query.get("before_id")
        for cursor in (after, before):
            if cursor is not None and cursor not in self.models:
                return anthropic_error(400, "invalid_request_error", "invalid cursor")
        if after is not None:
            start = self.models.index(after) + 1
        elif before is not None:
            start = max(0, self.models.index(before) - limit)
            limit = self.models.index(before) - start
        page = self.models[start : start + limit]
        more = start + limit < len(self.models)
        return Reply(
            body={
                "data": [self._info(m, start + i) for i, m in enumerate(page)],
                "has_more": more,
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
            }
        )
