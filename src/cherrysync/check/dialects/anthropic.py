"""Anthropic Messages API: ``x-api-key`` + ``anthropic-version``, cursor pagination, aliases."""

from __future__ import annotations

from urllib.parse import quote

from cherrysync.check.dialects.base import (
    Dialect,
    Listing,
    ProbeCost,
    ids_from,
    json_object,
    listing_body,
)
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

VERSION = "2023-06-01"
PAGE_SIZE = 100
MAX_PAGES = 50


class AnthropicDialect(Dialect):
    kind = "anthropic"

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        headers = {"anthropic-version": VERSION}
        if key is not None:
            headers["x-api-key"] = key.reveal()
        return headers

    async def list_models(self, key: Secret | None) -> Listing:
        what = "model list"
        ids: list[str] = []
        params = {"limit": str(PAGE_SIZE)}
        for _ in range(MAX_PAGES):
            reply = await self.call(
                "GET",
                f"{self.endpoint.base}/v1/models",
                key,
                what=what,
                phase="list",
                params=params,
            )
            ids.extend(ids_from(listing_body(reply, what), what))
            data = json_object(reply, what, "data")
            last = data.get("last_id")
            if data.get("has_more") is not True or not isinstance(last, str):
                return Listing(ids)
            if self.wanted and self.wanted.issubset(ids):
                return Listing(ids, note="stopped paging once every configured model was found")
            if params.get("after_id") == last:
                raise ProbeFailure("bad_response", f"{what}: pagination does not advance")
            params = {"limit": str(PAGE_SIZE), "after_id": last}
        return Listing(ids, note=f"stopped after {MAX_PAGES} pages")

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        """``GET /v1/models/{id}`` resolves aliases (``claude-sonnet-4-0`` → dated ID)."""
        reply = await self.lookup(
            "GET", f"{self.endpoint.base}/v1/models/{quote(model_id, safe=':')}", key
        )
        if reply is None:
            return None
        data = json_object(reply, "model lookup", "id")
        return str(data["id"])

    def probe_cost(self, model: ModelSpec) -> ProbeCost:
        return "free"

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """The free ``count_tokens`` endpoint checks the model ID against the key."""
        reply = await self.call(
            "POST",
            f"{self.endpoint.base}/v1/messages/count_tokens",
            key,
            what="count_tokens probe",
            phase="model",
            json_body={"model": model.id, "messages": [{"role": "user", "content": "hi"}]},
        )
        json_object(reply, "count_tokens probe", "input_tokens")
        return "count_tokens accepted the model (free)"
