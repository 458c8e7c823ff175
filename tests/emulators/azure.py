"""Azure OpenAI (provider-apis.md §2.10): dated API with ``api-version`` and ``/openai/v1``."""

from __future__ import annotations

import re
import uuid
from typing import Any

from emulators.server import Emulator, Reply, Request

DATED = {"2022-12-01", "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21"}
LEGACY_DEPLOYMENTS = {
    "2022-03-01-preview",
    "2022-06-01-preview",
    "2022-12-01",
    "2023-03-15-preview",
}


def azure_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


class AzureEmulator(Emulator):
    """``deployments`` maps deployment name → model."""

    name = "azure"

    def __init__(self, keys: list[str], deployments: dict[str, str], **kw: Any) -> None:
        super().__init__(**kw)
        self.keys = set(keys)
        self.deployments = deployments

    def handle(self, request: Request) -> Reply:
        reply = self._route(request)
        reply.headers.setdefault("apim-request-id", str(uuid.uuid4()))
        reply.headers.setdefault("x-ms-region", "West Europe")
        return reply

    def _catalog(self) -> list[dict[str, Any]]:
        return [
            {
                "id": m,
                "object": "model",
                "status": "succeeded",
                "created_at": 1646126127,
                "lifecycle_status": "generally-available",
                "capabilities": {"chat_completion": True, "inference": True},
                "deprecation": {"inference": 1709284527},
            }
            for m in ("gpt-4o", "gpt-4o-mini", "text-embedding-3-small")
        ]

    def _route(self, request: Request) -> Reply:
        path, h = request.path, request.headers
        v1 = path.startswith("/openai/v1/")
        key = h.get("api-key")
        if key is None and v1 and h.get("authorization", "").startswith("Bearer "):
            key = h["authorization"][7:]
        if key is None:
            return azure_error(
                401,
                "401",
                "Access denied due to missing subscription key. Make "
                "sure to include subscription key when making requests to an API.",
            )
        if key not in self.keys:
            return azure_error(
                401,
                "401",
                "Access denied due to invalid subscription key or "
                "wrong API endpoint. Make sure to provide a valid key for an "
                "active subscription and use a correct regional API endpoint for "
                "your resource.",
            )
        version = request.query.get("api-version")
        if v1:
            if version not in (None, "v1", "preview"):
                return azure_error(400, "BadRequest", "API version not supported")
            if path == "/openai/v1/models":
                return Reply(body={"object": "list", "data": self._catalog()})
            if path == "/openai/v1/chat/completions":
                name = (request.json or {}).get("model")
                return self._chat(name, request)
            return azure_error(404, "404", "Resource not found")
        if version not in DATED | LEGACY_DEPLOYMENTS:
            return azure_error(404, "404", "Resource not found")
        if path == "/openai/models":
            return Reply(body={"object": "list", "data": self._catalog()})
        if path == "/openai/deployments" and version in LEGACY_DEPLOYMENTS:
            return Reply(
                body={
                    "object": "list",
                    "data": [
                        {
                            "id": d,
                            "model": m,
                            "owner": "organization-owner",
                            "object": "deployment",
                            "status": "succeeded",
                        }
                        for d, m in self.deployments.items()
                    ],
                }
            )
        match = re.fullmatch(r"/openai/deployments/([^/]+)/(chat/completions|embeddings)", path)
        if match and request.method == "POST":
            return self._chat(match.group(1), request)
        return azure_error(404, "404", "Resource not found")

    def _chat(self, name: Any, request: Request) -> Reply:
        if name not in self.deployments:
            return azure_error(
                404,
                "DeploymentNotFound",
                "The API deployment for this resource "
                "does not exist. If you created the deployment within the last 5 "
                "minutes, please wait a moment and try again.",
            )
        if request.path.endswith("embeddings"):
            return Reply(body={"object": "list", "data": [{"embedding": [0.1]}]})
        return Reply(
            body={
                "id": "c",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "length",
                        "message": {"role": "assistant", "content": ""},
                    }
                ],
            }
        )
