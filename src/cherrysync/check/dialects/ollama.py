"""Ollama's native API: ``/api/version`` and ``/api/tags``; Ollama itself has no auth."""

from __future__ import annotations

from cherrysync.check.capabilities import ModelInfo, combine, undescribed
from cherrysync.check.capabilities.parse import by_id, ollama
from cherrysync.check.dialects import metadata
from cherrysync.check.dialects.base import (
    PROMPT,
    Dialect,
    Listing,
    ids_from,
    is_embedding,
    listing_body,
)
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret


class OllamaDialect(Dialect):
    kind = "ollama"
    implicit_tag = "latest"

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        # Ollama ignores it; a reverse proxy in front of it may not.
        return {"Authorization": f"Bearer {key.reveal()}"} if key is not None else {}

    async def list_models(self, key: Secret | None) -> Listing:
        root = self.endpoint.base
        reply = await self.call("GET", f"{root}/api/version", key, what="version", phase="list")
        version = reply.data
        if not isinstance(version, dict) or not isinstance(version.get("version"), str):
            raise ProbeFailure(
                "wrong_base_url", "/api/version did not answer like Ollama; check base_url"
            )
        what = "model tags"
        reply = await self.call("GET", f"{root}/api/tags", key, what=what, phase="list")
        items = listing_body(reply, what, "models")
        ids = ids_from(items, what, "name")
        shown = self.session.redactor.value(version["version"], 20)
        note = f"Ollama {shown}; no authentication"
        return Listing(ids, note=note, info=by_id(items, ollama, "name"))

    async def model_info(
        self, key: Secret | None, listing: Listing, ids: list[str]
    ) -> dict[str, ModelInfo]:
        """Newer builds put ``capabilities`` in ``/api/tags``; older ones need ``/api/show``."""
        found = await super().model_info(key, listing, ids)
        missing = undescribed(found, ids)
        if not missing:
            return found
        return combine(found, await metadata.ollama_show(self, self.endpoint.base, key, missing))

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        body = {"model": model_id}
        reply = await self.lookup("POST", f"{self.endpoint.base}/api/show", key, json_body=body)
        if reply is None:
            return None
        return model_id

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        root = self.endpoint.base
        if is_embedding(model):
            await self.probe_post(
                f"{root}/api/embed",
                key,
                what="embed probe",
                body={"model": model.id, "input": "hi"},
                member="embeddings",
            )
            return "embed request succeeded"
        await self.probe_post(
            f"{root}/api/chat",
            key,
            what="chat probe",
            body={
                "model": model.id,
                "messages": PROMPT,
                "stream": False,
                "options": {"num_predict": 1},
            },
            member="message",
        )
        return "one-token chat succeeded"
