"""Gemini (Generative Language API): key in ``x-goog-api-key``, never ``?key=``."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from cherrysync.check.capabilities.parse import by_id, gemini_entry
from cherrysync.check.dialects.base import (
    Dialect,
    Listing,
    Page,
    ids_from,
    is_embedding,
    json_object,
    listing_body,
)
from cherrysync.check.http import Reply
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

#: The probes' one user message, in Gemini's format.
CONTENT = {"role": "user", "parts": [{"text": "hi"}]}
#: generateContent capped at one output token (also what new-api relays in Gemini format get).
GENERATE_ONE_TOKEN = {"contents": [CONTENT], "generationConfig": {"maxOutputTokens": 1}}


class GeminiDialect(Dialect):
    kind = "gemini"
    id_prefix = "models/"  # listed as ``models/gemini-2.5-flash``; paths and IDs go without
    page_size: ClassVar[int] = 1000

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        return {"x-goog-api-key": key.reveal()} if key is not None else {}

    async def list_models(self, key: Secret | None) -> Listing:
        size = {"pageSize": str(self.page_size)}
        return await self.paginate(key, f"{self.endpoint.base}/models", size, self._page)

    def _page(self, reply: Reply) -> Page:
        """Token pagination: ``nextPageToken`` leads to ``pageToken``, absent on the last page."""
        what = "model list"
        data = reply.data
        if isinstance(data, dict) and not data and not reply.html:
            return [], None, {}  # an empty catalogue is sent as {}
        items = listing_body(reply, what, "models")
        ids = [self.bare(n) for n in ids_from(items, what, "name")]
        info = by_id(items, gemini_entry, "name", self.id_prefix)
        token = json_object(reply, what).get("nextPageToken")
        if not isinstance(token, str) or not token:
            return ids, None, info
        return ids, {"pageSize": str(self.page_size), "pageToken": token}, info

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        reply = await self.lookup(
            "GET", f"{self.endpoint.base}/models/{quote(self.bare(model_id))}", key
        )
        if reply is None:
            return None
        return self.bare(str(json_object(reply, "model lookup", "name")["name"]))

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """generateContent capped at one token: a listed model may still refuse to serve."""
        path = f"{self.endpoint.base}/models/{quote(self.bare(model.id))}"
        if is_embedding(model):
            await self.probe_post(
                f"{path}:embedContent",
                key,
                what="embedContent probe",
                body={"content": CONTENT},
                member="embedding",
            )
            return "embedContent succeeded"
        await self.probe_post(
            f"{path}:generateContent",
            key,
            what="generateContent probe",
            body=GENERATE_ONE_TOKEN,
            member="candidates",
        )
        return "one-token generateContent succeeded"
