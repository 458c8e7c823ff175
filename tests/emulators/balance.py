"""Providers with a token-free balance route (provider-apis.md §6): OpenRouter, DeepSeek,
Moonshot, SiliconFlow and Vercel AI Gateway, each with its documented bodies and error shapes.
(one-api / new-api relays are in :mod:`emulators.relay`.)"""

from __future__ import annotations

from typing import Any

from emulators.server import Emulator, Reply, Request, bearer, model_card


class KeyedEmulator(Emulator):
    """Bearer keys, an OpenAI-style ``{prefix}/models`` list and one ``balance`` route."""

    prefix = "/v1"

    def __init__(self, keys: dict[str, Any], models: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.keys = keys
        self.models = models

    def refused(self, request: Request) -> Reply:
        return Reply(
            401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}
        )

    def handle(self, request: Request) -> Reply:
        token = bearer(request)
        if token not in self.keys:
            return self.refused(request)
        if request.path == f"{self.prefix}/models" and request.method == "GET":
            return Reply(body={"object": "list", "data": self.cards(request)})
        return self.route(request, self.keys[token])

    def cards(self, request: Request) -> list[dict[str, Any]]:
        return [model_card(m) for m in self.models]

    def route(self, request: Request, account: Any) -> Reply:
        return Reply(404, {"error": {"message": "Not Found", "type": "invalid_request_error"}})


# ---------------------------------------------------------------------------------- OpenRouter

#: ``/api/v1/models`` entries (values illustrative, shapes as documented in §7.3)
OPENROUTER_MODELS: list[dict[str, Any]] = [
    {
        "id": "vendor/model-x",
        "name": "Model X",
        "created": 1760000000,
        "context_length": 200000,
        "architecture": {
            "modality": "text+image->text",
            "input_modalities": ["text", "image", "file"],
            "output_modalities": ["text"],
        },
        "pricing": {"prompt": "0.000003", "completion": "0.000015", "web_search": "0.01"},
        "top_provider": {"context_length": 200000, "max_completion_tokens": 64000},
        "supported_parameters": ["max_tokens", "tools", "tool_choice", "reasoning"],
        "reasoning": {"mandatory": False, "default_effort": "medium"},
    },
    {
        "id": "vendor/plain",
        "name": "Plain",
        "created": 1760000000,
        "context_length": None,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
        "top_provider": {"context_length": 32768},
        "supported_parameters": ["max_tokens", "temperature"],
    },
    {
        "id": "vendor/embed-1",
        "name": "Embed",
        "created": 1760000000,
        "context_length": 8192,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["embeddings"]},
        "supported_parameters": [],
    },
]


class OpenRouterEmulator(KeyedEmulator):
    """``keys`` map a key to its ``/api/v1/key`` data (``limit``, ``limit_remaining``,
    ``is_management_key``); ``credits`` is the account for ``/api/v1/credits``. The model list
    needs no key and, by default, shows text-output models only."""

    name = "openrouter"
    prefix = "/api/v1"

    def __init__(
        self,
        keys: dict[str, dict[str, Any]],
        *,
        credits: tuple[float, float] = (20.0, 4.5),
        **kw: Any,
    ) -> None:
        super().__init__(keys, [m["id"] for m in OPENROUTER_MODELS], **kw)
        self.credits = credits

    def refused(self, request: Request) -> Reply:
        if request.path == "/api/v1/models":  # public
            return Reply(body={"data": self.cards(request)})
        message = "No auth credentials found" if bearer(request) is None else "User not found."
        return Reply(401, {"error": {"code": 401, "message": message}})

    def cards(self, request: Request) -> list[dict[str, Any]]:
        wanted = request.query.get("output_modalities", "text")
        return [
            m
            for m in OPENROUTER_MODELS
            if wanted == "all" or wanted in m["architecture"]["output_modalities"]
        ]

    def route(self, request: Request, account: Any) -> Reply:
        if request.path == "/api/v1/key":
            data = {
                "label": "sk-or-v1-abc...123",
                "limit": None,
                "limit_remaining": None,
                "limit_reset": None,
                "usage": 1.25,
                "is_free_tier": False,
                "is_management_key": False,
                "expires_at": None,
                **account,
            }
            return Reply(body={"data": data})
        if request.path == "/api/v1/credits":
            if not account.get("is_management_key"):
                message = "Only management keys can perform this operation"
                return Reply(403, {"error": {"code": 403, "message": message}})
            total, used = self.credits
            return Reply(body={"data": {"total_credits": total, "total_usage": used}})
        return Reply(404, {"error": {"code": 404, "message": "Not Found"}})


# ---------------------------------------------------------------------------------- DeepSeek


class DeepSeekEmulator(KeyedEmulator):
    """``keys`` map a key to its ``/user/balance`` body (``is_available``, ``balance_infos``)."""

    name = "deepseek"

    def refused(self, request: Request) -> Reply:
        token = bearer(request) or ""
        message = f"Authentication Fails, Your api key: ****{token[-4:]} is invalid"
        error = {
            "message": message,
            "type": "authentication_error",
            "param": None,
            "code": "invalid_request_error",
        }
        return Reply(401, {"error": error})

    def route(self, request: Request, account: Any) -> Reply:
        if request.path == "/user/balance":
            return Reply(body=account)
        return super().route(request, account)


def deepseek_balance(*infos: tuple[str, Any], available: bool = True) -> dict[str, Any]:
    """A ``/user/balance`` body: (currency, total_balance) pairs, strings or numbers."""
    return {
        "is_available": available,
        "balance_infos": [
            {
                "currency": currency,
                "total_balance": total,
                "granted_balance": "0.00",
                "topped_up_balance": total,
            }
            for currency, total in infos
        ],
    }


# ---------------------------------------------------------------------------------- Moonshot


class MoonshotEmulator(KeyedEmulator):
    """``keys`` map a key to (cash, voucher); available = cash + voucher, or the voucher alone
    when cash is negative (money owed)."""

    name = "moonshot"

    def refused(self, request: Request) -> Reply:
        error = {"message": "Invalid Authentication", "type": "invalid_authentication_error"}
        return Reply(401, {"error": error})

    def route(self, request: Request, account: Any) -> Reply:
        if request.path == "/v1/users/me/balance":
            cash, voucher = account
            available = voucher if cash < 0 else cash + voucher
            data = {
                "available_balance": available,
                "voucher_balance": voucher,
                "cash_balance": cash,
            }
            return Reply(body={"code": 0, "data": data, "scode": "0x0", "status": True})
        return super().route(request, account)


# ---------------------------------------------------------------------------------- SiliconFlow


class SiliconFlowEmulator(KeyedEmulator):
    """``keys`` map a key to its ``totalBalance`` string; ``kinds`` give a model's
    ``sub_type`` (chat, embedding, reranker) for the list's filter; ``retired`` answers the
    balance route with an HTML 404, as a retired route would."""

    name = "siliconflow"

    def __init__(
        self,
        keys: dict[str, str],
        kinds: dict[str, str],
        *,
        retired: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(keys, list(kinds), **kw)
        self.kinds = kinds
        self.retired = retired

    def refused(self, request: Request) -> Reply:
        return Reply(401, "Invalid token")  # the spec types error bodies as bare JSON strings

    def cards(self, request: Request) -> list[dict[str, Any]]:
        wanted = request.query.get("sub_type")
        return [model_card(m) for m, kind in self.kinds.items() if wanted in (None, kind)]

    def route(self, request: Request, account: Any) -> Reply:
        if request.path == "/v1/user/info":
            if self.retired:
                html = "<html><body>404 page not found</body></html>"
                return Reply(404, html, content_type="text/html", raw=True)
            data = {
                "id": "u1",
                "name": "",
                "email": "",
                "isAdmin": False,
                "status": "normal",
                "balance": "0.50",
                "chargeBalance": account,
                "totalBalance": account,
            }
            return Reply(body={"code": 20000, "message": "OK", "status": True, "data": data})
        return super().route(request, account)


# ---------------------------------------------------------------------------------- Vercel


class VercelEmulator(KeyedEmulator):
    """``keys`` map a key to its ``balance`` string (USD)."""

    name = "vercel"

    def route(self, request: Request, account: Any) -> Reply:
        if request.path == "/v1/credits":
            return Reply(body={"balance": account, "total_used": "4.50"})
        return super().route(request, account)
