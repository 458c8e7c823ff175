"""Local OpenAI-compatible servers: vLLM, Ollama, LM Studio (provider-apis.md §2.3, §2.4,
§2.6); llama.cpp is in :mod:`emulators.llamacpp`."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from emulators.server import Emulator, Reply, Request, bearer

CHAT = {
    "id": "c",
    "object": "chat.completion",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": ""}, "finish_reason": "length"}
    ],
}


class VLLMEmulator(Emulator):
    """``keys`` empty: no auth. Only ``/v1*`` is protected, never OPTIONS."""

    name = "vllm"

    def __init__(
        self,
        models: list[str],
        *,
        keys: list[str] | None = None,
        loras: dict[str, str] | None = None,
        flat_errors: bool = False,
        dead: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.models = models
        self.keys = set(keys or [])
        self.loras = loras or {}
        self.flat_errors = flat_errors  # older releases: a flat error object
        self.dead = dead  # engine died: /health answers an empty 503

    def handle(self, request: Request) -> Reply:
        reply = self._route(request)
        reply.headers.setdefault(
            "X-Request-Id", request.headers.get("x-request-id") or uuid.uuid4().hex
        )
        return reply

    def _route(self, request: Request) -> Reply:
        path = request.path
        if path == "/health":
            return Reply(503 if self.dead else 200, None, content_type="")
        if path == "/version":
            return Reply(body={"version": "0.11.0"})
        protected = path.startswith("/v1") and request.method != "OPTIONS"
        if protected and self.keys and bearer(request) not in self.keys:
            return Reply(401, {"error": "Unauthorized"})
        if path == "/v1/models" and request.method == "GET":
            now = int(time.time())
            perm = [
                {
                    "id": "modelperm-1",
                    "object": "model_permission",
                    "created": now,
                    "allow_sampling": True,
                    "organization": "*",
                    "group": None,
                    "is_blocking": False,
                }
            ]
            cards = [
                {
                    "id": m,
                    "object": "model",
                    "created": now,
                    "owned_by": "vllm",
                    "root": m,
                    "parent": None,
                    "max_model_len": 32768,
                    "permission": perm,
                }
                for m in self.models
            ]
            cards += [
                {
                    "id": name,
                    "object": "model",
                    "created": now,
                    "owned_by": "vllm",
                    "root": f"/adapters/{name}",
                    "parent": base,
                    "max_model_len": None,
                    "permission": perm,
                }
                for name, base in self.loras.items()
            ]
            return Reply(body={"object": "list", "data": cards})
        if path == "/v1/chat/completions" and request.method == "POST":
            model = (request.json or {}).get("model")
            if model not in self.models and model not in self.loras:
                message = f"The model `{model}` does not exist."
                if self.flat_errors:
                    flat = {
                        "object": "error",
                        "message": message,
                        "type": "NotFoundError",
                        "param": None,
                        "code": 404,
                    }
                    return Reply(404, flat)
                nested = {
                    "message": message,
                    "type": "NotFoundError",
                    "param": "model",
                    "code": 404,
                }
                return Reply(404, {"error": nested})
            return Reply(body=CHAT)
        return Reply(404, {"detail": "Not Found"})


class OllamaEmulator(Emulator):
    """No auth at all; ``models`` empty means ``data: null`` on ``/v1/models``.

    ``capabilities`` per model as ``/api/show`` reports them (default: ``embedding`` for names
    with "embed", else ``completion``); ``old_build`` leaves them out of ``/api/tags`` (newer
    builds list them there) and, when ``show_capabilities`` is off, out of ``/api/show`` too.
    """

    name = "ollama"

    def __init__(
        self,
        models: list[str],
        *,
        load_delay: float = 0.0,
        capabilities: dict[str, list[str]] | None = None,
        old_build: bool = False,
        show_capabilities: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.models = models
        self.load_delay = load_delay  # the first generation loads the model into memory
        self.loading: dict[str, float] = {}
        self.capabilities = capabilities or {}
        self.old_build = old_build
        self.show_capabilities = show_capabilities

    def caps(self, name: str) -> list[str]:
        default = ["embedding"] if "embed" in name else ["completion"]
        return self.capabilities.get(name, default)

    def _tag(self, name: str) -> dict[str, Any]:
        tag: dict[str, Any] = {
            "name": name,
            "model": name,
            "modified_at": "2025-01-01T00:00:00Z",
            "size": 1,
            "digest": "a80c",
            "details": {"format": "gguf", "family": "llama"},
        }
        if not self.old_build:
            tag["capabilities"] = self.caps(name)
            tag["details"]["context_length"] = 8192
        return tag

    def _show(self, name: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "details": {"format": "gguf", "family": "llama"},
            "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
        }
        if self.show_capabilities:
            body["capabilities"] = self.caps(name)
        return body

    def _normal(self, name: str) -> str:
        return name if ":" in name else f"{name}:latest"

    def _wait_for_load(self, name: str) -> None:
        """Like Ollama: the load goes on when a client gives up, so a retry waits less."""
        with self.lock:
            ready = self.loading.setdefault(name, time.monotonic() + self.load_delay)
        time.sleep(max(0.0, ready - time.monotonic()))

    def handle(self, request: Request) -> Reply:
        path, method = request.path, request.method
        text404 = Reply(404, "404 page not found", content_type="text/plain", raw=True)
        if path == "/" and method in ("GET", "HEAD"):
            return Reply(body="Ollama is running", content_type="text/plain", raw=True)
        if path == "/api/version":
            return Reply(body={"version": "0.12.3"})
        if path == "/api/tags":
            return Reply(body={"models": [self._tag(m) for m in self.models]})
        if path == "/api/show" and method == "POST":
            body = request.json or {}
            name = self._normal(str(body.get("model") or body.get("name") or ""))
            if name in self.models:
                return Reply(body=self._show(name))
            return Reply(404, {"error": f"model '{name}' not found"})
        if path in ("/api/chat", "/api/embed") and method == "POST":
            name = self._normal(str((request.json or {}).get("model")))
            if name not in self.models:
                return Reply(404, {"error": f"model '{name}' not found"})
            self._wait_for_load(name)
            if path == "/api/embed":
                return Reply(body={"model": name, "embeddings": [[0.1, 0.2]]})
            return Reply(
                body={
                    "model": name,
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "length",
                }
            )
        if path == "/v1/models" and method == "GET":
            data = [
                {"id": m, "object": "model", "created": 1733000000, "owned_by": "library"}
                for m in self.models
            ]
            return Reply(body={"object": "list", "data": data or None})
        match = re.fullmatch(r"/v1/models/([^/]+)", path)
        if match and method == "GET":
            if self._normal(match.group(1)) in self.models:
                return Reply(
                    body={
                        "id": match.group(1),
                        "object": "model",
                        "created": 1,
                        "owned_by": "library",
                    }
                )
            return Reply(
                404,
                {
                    "error": {
                        "message": f"model '{match.group(1)}' not found",
                        "type": "not_found_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
        if path == "/v1/chat/completions" and method == "POST":
            if self._normal(str((request.json or {}).get("model"))) not in self.models:
                return Reply(
                    404,
                    {
                        "error": {
                            "message": "model not found",
                            "type": "not_found_error",
                            "param": None,
                            "code": None,
                        }
                    },
                )
            return Reply(body=CHAT)
        return text404


class LMStudioEmulator(Emulator):
    """Unknown routes answer 200 with an error body; ``token`` turns authentication on.

    ``native`` gives each model's entry in the native list at ``/api/{native_version}/models``
    (``v1``: 0.4+, keyed by ``key``; ``v0``: 0.3.6+); other versions answer like unknown routes.
    """

    name = "lmstudio"

    def __init__(
        self,
        models: list[str],
        *,
        token: str | None = None,
        native: dict[str, dict[str, Any]] | None = None,
        native_version: str = "v1",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.models = models
        self.token = token
        self.native = native or {}
        self.native_version = native_version

    def handle(self, request: Request) -> Reply:
        if self.token is not None and bearer(request) != self.token:
            return Reply(
                401,
                {
                    "error": {
                        "type": "invalid_request",
                        "code": "invalid_api_key",
                        "message": "An LM Studio API token is required to "
                        "make requests to this server, but none was provided",
                    }
                },
            )
        if request.path == "/v1/models" and request.method == "GET":
            return Reply(
                body={
                    "data": [
                        {"id": m, "object": "model", "owned_by": "organization_owner"}
                        for m in self.models
                    ],
                    "object": "list",
                }
            )
        if request.path == "/v1/chat/completions" and request.method == "POST":
            return Reply(body=CHAT)
        if self.native and request.path == f"/api/{self.native_version}/models":
            if self.native_version == "v1":
                return Reply(body={"models": [{"key": m, **e} for m, e in self.native.items()]})
            return Reply(body={"data": [{"id": m, **e} for m, e in self.native.items()]})
        return Reply(
            200, {"error": f"Unexpected endpoint or method. ({request.method} {request.path})"}
        )
