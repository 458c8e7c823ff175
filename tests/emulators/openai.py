"""OpenAI (api.openai.com) and a LiteLLM-like proxy (provider-apis.md §2.1, §2.5)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from emulators.server import Emulator, Reply, Request, bearer, model_card


def openai_error(
    status: int,
    message: str,
    etype: str,
    code: Any = None,
    param: Any = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    body = {"error": {"message": message, "type": etype, "param": param, "code": code}}
    return Reply(status, body, headers=headers or {})


def echo_masked(key: str) -> str:
    return f"{key[:6]}***{key[-4:]}" if len(key) > 10 else "***"


REASONING = re.compile(r"^(o\d|gpt-5)")


class OpenAIEmulator(Emulator):
    """Bearer keys; per-key behaviours: ``restricted`` (scope 403), ``restricted401``,
    ``country`` (403 region), ``quota`` (generation 429 insufficient_quota)."""

    name = "openai"

    def __init__(
        self,
        keys: list[str],
        models: list[str],
        *,
        org: str | None = None,
        key_modes: dict[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.keys = set(keys)
        self.models = models
        self.org = org
        self.key_modes = key_modes or {}

    def handle(self, request: Request) -> Reply:
        reply = self._route(request)
        reply.headers.setdefault("x-request-id", "req_" + uuid.uuid4().hex[:16])
        reply.headers.setdefault("openai-version", "2020-10-01")
        return reply

    def _auth(self, request: Request) -> Reply | str:
        token = bearer(request)
        if not token:
            return openai_error(
                401,
                "You didn't provide an API key. You need to provide your API "
                "key in an Authorization header using Bearer auth.",
                "invalid_request_error",
            )
        if token not in self.keys:
            return openai_error(
                401,
                f"Incorrect API key provided: {echo_masked(token)}. You can "
                "find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        org = request.headers.get("openai-organization")
        if org is not None and self.org is not None and org != self.org:
            return openai_error(
                401,
                "OpenAI-Organization header should match organization for API key",
                "invalid_request_error",
                "mismatched_organization",
            )
        mode = self.key_modes.get(token)
        if mode == "restricted":
            return openai_error(
                403,
                "You have insufficient permissions for this operation. "
                "Missing scopes: api.model.read.",
                "invalid_request_error",
            )
        if mode == "restricted401":
            return openai_error(
                401,
                "You have insufficient permissions for this operation. "
                "Missing scopes: api.model.read.",
                "invalid_request_error",
            )
        if mode == "country":
            return openai_error(
                403,
                "Country, region, or territory not supported",
                "request_forbidden",
                "unsupported_country_region_territory",
            )
        return token

    def _route(self, request: Request) -> Reply:
        path = request.path
        if not path.startswith("/v1/"):
            return openai_error(
                404, f"Invalid URL ({request.method} {path})", "invalid_request_error"
            )
        auth = self._auth(request)
        if isinstance(auth, Reply):
            return auth
        if request.method == "GET" and path == "/v1/models":
            cards = [
                model_card(m, "openai" if i % 2 else "system") for i, m in enumerate(self.models)
            ]
            if cards:
                cards[0]["shutdown_date"] = None
            return Reply(body={"object": "list", "data": cards})
        if request.method == "GET" and path.startswith("/v1/models/"):
            model = path[len("/v1/models/") :]
            if model in self.models:
                return Reply(body=model_card(model))
            return openai_error(
                404,
                f"The model '{model}' does not exist",
                "invalid_request_error",
                "model_not_found",
                "model",
            )
        if request.method == "POST" and path in ("/v1/chat/completions", "/v1/embeddings"):
            return self._generate(request, auth)
        if request.method == "POST" and path == "/v1/responses/input_tokens":
            return Reply(body={"object": "response.input_tokens", "input_tokens": 1})
        return openai_error(404, f"Invalid URL ({request.method} {path})", "invalid_request_error")

    def _generate(self, request: Request, key: str) -> Reply:
        body = request.json or {}
        model = body.get("model")
        if model not in self.models:
            return openai_error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        if self.key_modes.get(key) == "quota":
            return openai_error(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota",
            )
        if request.path.endswith("embeddings"):
            return Reply(
                body={
                    "object": "list",
                    "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
                    "model": model,
                    "usage": {"prompt_tokens": 1, "total_tokens": 1},
                }
            )
        if REASONING.match(str(model)) and "max_tokens" in body:
            return openai_error(
                400,
                "Unsupported parameter: 'max_tokens' is not supported with "
                "this model. Use 'max_completion_tokens' instead.",
                "invalid_request_error",
                "unsupported_parameter",
                "max_tokens",
            )
        return Reply(
            body={
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": ""},
                        "finish_reason": "length",
                    }
                ],
                "usage": {"prompt_tokens": 8, "completion_tokens": 1, "total_tokens": 9},
            }
        )


def litellm_error(
    status: int, message: str, etype: str, param: Any = "None", code: str | None = None
) -> Reply:
    return Reply(
        status,
        {"error": {"message": message, "type": etype, "param": param, "code": code or str(status)}},
    )


class LiteLLMEmulator(Emulator):
    """A proxy with a master key; ``database`` picks the wrong-key answer; ``retrieve_mode`` is
    "new" (404 detail), "old" (404 Not Found) or "buggy" (500); ``model_info`` is each model's
    ``/model/info`` record (the route answers only when it is given)."""

    name = "litellm"

    def __init__(
        self,
        master_key: str,
        models: list[str],
        *,
        database: bool = False,
        retrieve_mode: str = "new",
        model_info: dict[str, dict[str, Any]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.master_key = master_key
        self.models = models
        self.database = database
        self.retrieve_mode = retrieve_mode
        self.shutting_down = False
        self.model_info = model_info

    def _key(self, request: Request) -> str | None:
        h = request.headers
        value = h.get("authorization")
        if value is not None:
            return value[7:] if value.startswith("Bearer ") else ""
        for name in (
            "x-litellm-api-key",
            "api-key",
            "x-api-key",
            "x-goog-api-key",
            "ocp-apim-subscription-key",
        ):
            if name in h:
                return h[name]
        return None

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/health/liveliness":
            if self.shutting_down:
                return Reply(503, {"status": "shutting_down"})
            return Reply(body="I'm alive!")
        if path == "/health/readiness":
            return Reply(body={"status": "healthy", "db": "Not connected"})
        key = self._key(request)
        if key is None:
            return litellm_error(401, "Authentication Error, No api key passed in.", "auth_error")
        if key == "":
            return litellm_error(
                401,
                "Authentication Error, Malformed API Key passed in. Ensure "
                "Key has `Bearer ` prefix.",
                "auth_error",
            )
        if key != self.master_key:
            if not self.database:
                return litellm_error(400, "No connected db.", "no_db_connection", param=None)
            return litellm_error(
                401,
                f"Authentication Error, Invalid proxy server token passed. "
                f"Received API Key = {key[:3]}...{key[-4:]}, Key Hash (Token) ="
                "8f2b1c0d9e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c"
                ". Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
                "token_not_found_in_db",
                param="key",
            )
        if path == "/health":
            return Reply(body={"healthy_endpoints": [], "unhealthy_endpoints": []})
        if path in ("/model/info", "/v1/model/info") and self.model_info is not None:
            data = [
                {"model_name": m, "litellm_params": {"model": f"openai/{m}"}, "model_info": info}
                for m, info in self.model_info.items()
            ]
            return Reply(body={"data": data})
        if path in ("/models", "/v1/models"):
            cards = [
                {"id": m, "object": "model", "created": 1677610602, "owned_by": "openai"}
                for m in self.models
            ]
            return Reply(body={"data": cards, "object": "list"})
        match = re.fullmatch(r"/v1/models/(.+)", path)
        if match:
            if match.group(1) in self.models:
                return Reply(
                    body={
                        "id": match.group(1),
                        "object": "model",
                        "created": 1677610602,
                        "owned_by": "openai",
                    }
                )
            if self.retrieve_mode == "old":
                return Reply(404, {"detail": "Not Found"})
            if self.retrieve_mode == "buggy":
                return litellm_error(500, "Internal Server Error", "internal_server_error")
            return Reply(
                404, {"detail": f"The model `{match.group(1)}` does not exist or is not accessible"}
            )
        if path in ("/chat/completions", "/v1/chat/completions"):
            model = (request.json or {}).get("model")
            if model not in self.models:
                return litellm_error(
                    400, f"Invalid model name passed in model={model}", "invalid_request_error"
                )
            return Reply(
                body={
                    "id": "x",
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "h"},
                            "finish_reason": "length",
                        }
                    ],
                }
            )
        return Reply(404, {"detail": "Not Found"})


class NewAPIEmulator(OpenAIEmulator):
    """A new-api relay: the OpenAI surface plus Anthropic- and Gemini-format routes, all with
    the relay's Bearer key."""

    name = "new-api"

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/v1/messages" or path.startswith("/v1beta/models/"):
            if bearer(request) not in self.keys:
                return openai_error(401, "invalid token", "new_api_error")
            model = (request.json or {}).get("model") or path.split("/")[-1].split(":")[0]
            if model not in self.models:
                return openai_error(
                    404, f"model {model} not found", "new_api_error", "model_not_found"
                )
            if path == "/v1/messages":
                if "anthropic-version" not in request.headers:
                    return openai_error(400, "anthropic-version required", "invalid_request_error")
                return Reply(body={"type": "message", "content": [], "stop_reason": "max_tokens"})
            return Reply(body={"candidates": [{"content": {}, "finishReason": "MAX_TOKENS"}]})
        return super().handle(request)
