"""Gemini (Generative Language API): key in ``x-goog-api-key``, never ``?key=``."""

from __future__ import annotations

from urllib.parse import quote

from cherrysync.check.dialects.base import (
    Dialect,
    Listing,
    ids_from,
    is_embedding,
    json_object,
    listing_body,
)
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

PAGE_SIZE = 1000
MAX_PAGES = 50


def bare(model_id: str) -> str:
    """IDs are compared and used in paths without the ``models/`` prefix."""
    return model_id.removeprefix("models/")


class GeminiDialect(Dialect):
    kind = "gemini"

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        return {"x-goog-api-key": key.reveal()} if key is not None else {}

    async def list_models(self, key: Secret | None) -> Listing:
        what = "model list"
        ids: list[str] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            params = {"pageSize": str(PAGE_SIZE)}
            if token:
                params["pageToken"] = token
            reply = await self.call(
                "GET", f"{self.endpoint.base}/models", key, what=what, phase="list", params=params
            )
            data = reply.data
            if isinstance(data, dict) and not data and not reply.html:
                return Listing(ids)  # an empty catalogue is sent as {}
            ids.extend(
                bare(name) for name in ids_from(listing_body(reply, what, "models"), what, "name")
            )
            next_token = json_object(reply, what).get("nextPageToken")
            if not isinstance(next_token, str) or not next_token:
                return Listing(ids)
            if self.wanted and self.wanted.issubset(ids):
                return Listing(ids, note="stopped paging once every configured model was found")
            if next_token == token:
                raise ProbeFailure("bad_response", f"{what}: pagination does not advance")
            token = next_token
        return Listing(ids, note=f"stopped after {MAX_PAGES} pages")

    def match(self, model_id: str, ids: list[str]) -> str | None:
        return bare(model_id) if bare(model_id) in ids else None

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        reply = await self.lookup(
            "GET", f"{self.endpoint.base}/models/{quote(bare(model_id))}", key
        )
        if reply is None:
            return None
        return bare(str(json_object(reply, "model lookup", "name")["name"]))

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """generateContent capped at one token: a listed model may still refuse to serve."""
        path = f"{self.endpoint.base}/models/{quote(bare(model.id))}"
        content = {"role": "user", "parts": [{"text": "hi"}]}
        if is_embedding(model):
            reply = await self.call(
                "POST",
                f"{path}:embedContent",
                key,
                what="embedContent probe",
                phase="model",
                json_body={"content": content},
            )
            json_object(reply, "embedContent probe", "embedding")
            return "embedContent succeeded"
        reply = await self.call(
            "POST",
            f"{path}:generateContent",
            key,
            what="generateContent probe",
            phase="model",
            json_body={"contents": [content], "generationConfig": {"maxOutputTokens": 1}},
        )
        json_object(reply, "generateContent probe", "candidates")
        return "one-token generateContent succeeded"
