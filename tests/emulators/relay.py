"""one-api and new-api relays with their billing routes (provider-apis.md §6.6, §7.10).

Token auth runs first on ``/v1/*`` and the dashboard billing routes, so an exhausted, expired
or disabled token gets the same 401 as an unknown one there; new-api's ``/api/usage/token/``
admits exhausted and expired tokens and sits behind a per-IP limit of ``usage_limit`` calls.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from emulators.server import Emulator, Reply, Request, bearer, model_card

UNLIMITED = 100_000_000
QUOTA_PER_UNIT = 500_000


@dataclass
class Token:
    """A relay token: ``used`` and ``left`` in display units (USD by default)."""

    left: float = 10.0
    used: float = 2.5
    unlimited: bool = False
    expired: bool = False
    disabled: bool = False


class RelayEmulator(Emulator):
    """``one_api`` switches to one-api (error type ``one_api_error``, no endpoint types, no
    ``/api/usage/token``); ``db_error`` answers the billing routes with HTTP 200 + an error;
    ``endpoint_types`` give new-api's ``supported_endpoint_types`` per model."""

    name = "relay"

    def __init__(
        self,
        tokens: dict[str, Token],
        endpoint_types: dict[str, list[str]],
        *,
        one_api: bool = False,
        db_error: bool = False,
        usage_limit: int = 20,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.tokens = tokens
        self.endpoint_types = endpoint_types
        self.one_api = one_api
        self.db_error = db_error
        self.usage_limit = usage_limit

    def _error(self, status: int, message: str) -> Reply:
        kind = "one_api_error" if self.one_api else "new_api_error"
        body = {"error": {"message": f"{message} (request id: 2026)", "type": kind}}
        if not self.one_api:
            body["error"].update({"param": "", "code": ""})
        return Reply(status, body)

    def _token(self, request: Request) -> Token | Reply:
        """Token auth as the relay middleware runs it: usable tokens only."""
        token = self.tokens.get((bearer(request) or "").removeprefix("sk-"))
        if token is None or token.disabled:
            return self._error(401, "Invalid token")
        if token.expired:
            return self._error(401, "The token has expired")
        if token.left <= 0 and not token.unlimited:
            return self._error(401, "The token's quota is used up")
        return token

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/api/usage/token/" and not self.one_api:
            return self._usage(request)
        token = self._token(request)
        if isinstance(token, Reply):
            return token
        if path == "/v1/models":
            return Reply(body=self._models())
        if path.endswith("/dashboard/billing/subscription") or path.endswith(
            "/dashboard/billing/usage"
        ):
            return self._billing(path, token)
        return self._error(404, "Invalid URL")

    def _models(self) -> dict[str, Any]:
        cards = []
        for model, kinds in self.endpoint_types.items():
            card = model_card(model, "custom", created=1626777600)
            if not self.one_api:
                card["supported_endpoint_types"] = kinds
            cards.append(card)
        body: dict[str, Any] = {"object": "list", "data": cards}
        return body if self.one_api else {"success": True, **body}

    def _billing(self, path: str, token: Token) -> Reply:
        if self.db_error:
            return Reply(200, {"error": {"message": "database error", "type": "new_api_error"}})
        if path.endswith("usage"):
            return Reply(body={"object": "list", "total_usage": token.used * 100})
        limit = UNLIMITED if token.unlimited else token.left + token.used
        return Reply(
            body={
                "object": "billing_subscription",
                "has_payment_method": True,
                "soft_limit_usd": limit,
                "hard_limit_usd": limit,
                "system_hard_limit_usd": limit,
                "access_until": 0,
            }
        )

    def _usage(self, request: Request) -> Reply:
        with self.lock:
            self.usage_limit -= 1
            over = self.usage_limit < 0
        if over:
            return Reply(429, b"", raw=True)
        token = self.tokens.get((bearer(request) or "").removeprefix("sk-"))
        if token is None or token.disabled:
            return Reply(401, {"success": False, "message": "invalid token"})
        left = int(token.left * QUOTA_PER_UNIT)
        data = {
            "object": "token_usage",
            "name": "default",
            "total_granted": left + int(token.used * QUOTA_PER_UNIT),
            "total_used": int(token.used * QUOTA_PER_UNIT),
            "total_available": left,
            "unlimited_quota": token.unlimited,
            "model_limits": {},
            "model_limits_enabled": False,
            "expires_at": int(time.time()) - 60 if token.expired else 0,
        }
        return Reply(body={"code": True, "message": "ok", "data": data})
