"""llama.cpp ``llama-server`` (provider-apis.md §2.7, §7.8): a public model list, a protected
``/props``."""

from __future__ import annotations

from typing import Any

from emulators.local import CHAT
from emulators.server import Emulator, Reply, Request


class LlamaCppEmulator(Emulator):
    """Public list, protected ``/props``; ``loading`` requests answer 503 first."""

    name = "llama.cpp"

    def __init__(
        self,
        alias: str,
        *,
        keys: list[str] | None = None,
        loading: int = 0,
        serve_models_while_loading: bool = False,
        props: dict[str, Any] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.alias = alias
        self.keys = set(keys or [])
        self.loading = loading
        self.serve_models_while_loading = serve_models_while_loading
        self.props = props or {}  # more /props members (modalities, chat_template_caps)

    def _key(self, request: Request) -> str | None:
        value = request.headers.get("authorization")
        if value is not None:
            return value[7:] if value.lower().startswith("bearer ") else value
        return request.headers.get("x-api-key")

    def handle(self, request: Request) -> Reply:
        path = request.path
        listing = path in ("/models", "/v1/models")
        if self.loading > 0 and not (listing and self.serve_models_while_loading):
            with self.lock:
                self.loading -= 1
            return Reply(
                503,
                {"error": {"message": "Loading model", "type": "unavailable_error", "code": 503}},
            )
        if listing:
            return Reply(
                body={
                    "models": [
                        {
                            "name": self.alias,
                            "model": self.alias,
                            "modified_at": "",
                            "size": "",
                            "digest": "",
                            "type": "model",
                            "capabilities": ["completion"],
                        }
                    ],
                    "object": "list",
                    "data": [
                        {
                            "id": self.alias,
                            "aliases": [],
                            "tags": [],
                            "object": "model",
                            "created": 1760000000,
                            "owned_by": "llamacpp",
                            "meta": {"n_ctx": 4096, "n_ctx_train": 32768, "n_params": 596049920},
                        }
                    ],
                }
            )
        if path in ("/health", "/v1/health"):
            return Reply(body={"status": "ok"})
        if self.keys and self._key(request) not in self.keys:
            return Reply(
                401,
                {
                    "error": {
                        "message": "Invalid API Key",
                        "type": "authentication_error",
                        "code": 401,
                    }
                },
            )
        if path == "/props":
            return Reply(
                body={
                    "default_generation_settings": {"n_ctx": 4096},
                    "total_slots": 1,
                    "model_path": "/models/m.gguf",
                    **self.props,
                }
            )
        if path == "/v1/chat/completions":
            return Reply(body=CHAT)
        return Reply(
            404, {"error": {"message": "File Not Found", "type": "not_found_error", "code": 404}}
        )
