"""Anthropic Messages API: ``x-api-key`` + ``anthropic-version``, cursor pagination, aliases."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from cherrysync.check.capabilities.parse import anthropic_entry, by_id
from cherrysync.check.dialects.base import (
    PROMPT,
    Dialect,
    Listing,
    Page,
    ids_from,
    json_object,
    listing_body,
)
from cherrysync.check.http import Reply
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret


class AnthropicDialect(Dialect):
    kind = "anthropic"
    free_probe = True  # count_tokens
    #: Required on every request; new-api relays speaking this format need it too.
    version_header: ClassVar[dict[str, str]] = {"anthropic-version": "2023-06-01"}
    page_size: ClassVar[int] = 100

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        headers = dict(self.version_header)
        if key is not None:
            headers["x-api-key"] = key.reveal()
        return headers

    async def list_models(self, key: Secret | None) -> Listing:
        limit = {"limit": str(self.page_size)}
        return await self.paginate(key, f"{self.endpoint.base}/v1/models", limit, self._page)

    def _page(self, reply: Reply) -> Page:
        """Cursor pagination: ``has_more`` and ``last_id`` lead to ``after_id``."""
        what = "model list"
        items = listing_body(reply, what)
        ids = ids_from(items, what)
        info = by_id(items, anthropic_entry)
        data = json_object(reply, what, "data")
        last = data.get("last_id")
        if data.get("has_more") is not True or not isinstance(last, str):
            return ids, None, info
        return ids, {"limit": str(self.page_size), "after_id": last}, info

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        """``GET /v1/models/{id}`` resolves aliases (``claude-sonnet-4-0`` → dated ID)."""
        reply = await self.lookup(
            "GET", f"{self.endpoint.base}/v1/models/{quote(model_id, safe=':')}", key
        )
        if reply is None:
            return None
        data = json_object(reply, "model lookup", "id")
        return str(data["id"])

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """The free ``count_tokens`` endpoint checks the model ID against the key."""
        await self.probe_post(
            f"{self.endpoint.base}/v1/messages/count_tokens",
            key,
            what="count_tokens probe",
            body={"model": model.id, "messages": PROMPT},
            member="input_tokens",
        )
        return "count_tokens accepted the model (free)"
