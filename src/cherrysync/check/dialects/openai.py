"""OpenAI and OpenAI-compatible servers (vLLM, LiteLLM, LM Studio, llama.cpp, Ollama's /v1).

Model presence comes from ``GET {base}/models`` (vLLM has no per-model route). Flavours are told
apart by fingerprints in the list, because their keys mean different things: llama.cpp serves
the list without checking the key (``/props`` proves it), Ollama ignores keys, and LM Studio
accepts anything while its authentication is off.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from cherrysync.check.capabilities import ModelInfo, combine, undescribed
from cherrysync.check.capabilities.parse import by_id, openai_entry
from cherrysync.check.capabilities.parse import llamacpp_props as read_props
from cherrysync.check.dialects import metadata
from cherrysync.check.dialects.anthropic import AnthropicDialect
from cherrysync.check.dialects.base import (
    PROMPT,
    Dialect,
    Listing,
    ids_from,
    listing_body,
)
from cherrysync.check.dialects.chat import openai_probe
from cherrysync.check.dialects.gemini import GENERATE_ONE_TOKEN
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

#: LiteLLM's fixed ``created`` on every entry (provider-apis.md §2.2)
_LITELLM_CREATED = 1677610602


def flavour(data: list[Any], body_keys: set[str]) -> str:
    """Which server answered, from the fingerprints in provider-apis.md §2.2."""
    entries = [item for item in data if isinstance(item, dict)]
    owners = {str(item.get("owned_by")) for item in entries}
    if "models" in body_keys or "llamacpp" in owners:
        return "llama.cpp"
    if "library" in owners:
        return "ollama"
    if "organization_owner" in owners:
        return "lmstudio"
    if "vllm" in owners:
        return "vllm"
    if entries and all(
        isinstance(item.get("architecture"), dict) and "supported_parameters" in item
        for item in entries
    ):
        return "openrouter"
    if entries and all(item.get("created") == _LITELLM_CREATED for item in entries):
        return "litellm"
    return "openai"


class OpenAIDialect(Dialect):
    kind = "openai"
    implicit_tag = "latest"  # Ollama's /v1 lists untagged pulls as ``name:latest``

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key.reveal()}"} if key is not None else {}

    async def list_models(self, key: Secret | None) -> Listing:
        items, ids, body_keys = await self._list(key, None)
        kind = flavour(items, body_keys)
        if kind == "openrouter" and not self._covers(ids):
            # OpenRouter lists text-output models by default; embedding models need "all"
            items, ids, _ = await self._list(key, {"output_modalities": "all"})
        listing = Listing(ids, extra={"flavour": kind}, info=by_id(items, openai_entry))
        if kind == "llama.cpp" and key is not None:
            listing.note = await self._prove_llamacpp_key(key, listing)
        elif kind == "ollama":
            listing.note = "Ollama has no authentication; the key is not checked"
        elif kind == "lmstudio" and key is not None:
            listing.note = await self._lmstudio_auth_note()
        return listing

    def _covers(self, ids: list[str]) -> bool:
        """Every configured model is in ``ids`` (none configured: everything is wanted)."""
        return bool(self.wanted) and self.wanted.issubset(ids)

    async def _list(
        self, key: Secret | None, params: dict[str, str] | None
    ) -> tuple[list[Any], list[str], set[str]]:
        """The list's entries, their IDs and the members of its body (llama.cpp adds
        ``models``)."""
        what = "model list"
        url = f"{self.endpoint.base}/models"
        reply = await self.call("GET", url, key, what=what, phase="list", params=params)
        items = listing_body(reply, what)
        data = reply.data
        return items, ids_from(items, what), set(data) if isinstance(data, dict) else set()

    async def _prove_llamacpp_key(self, key: Secret, listing: Listing) -> str:
        """llama.cpp's list is public; the protected ``/props`` route proves the key (and
        describes the model, which :meth:`model_info` then needs not ask again)."""
        reply = await self.session.request(
            "GET", f"{self.endpoint.root}/props", headers=self.headers(key), phase="list"
        )
        if reply.status in (401, 403):
            raise ProbeFailure("auth_failed", f"llama.cpp /props: HTTP {reply.status}: key refused")
        if 200 <= reply.status < 300:
            data = reply.data
            listing.extra["props"] = read_props(data) if isinstance(data, dict) else ModelInfo()
            return "llama.cpp: key proven by /props"
        return "llama.cpp: the model list is public and /props is unavailable; key not proven"

    async def model_info(
        self, key: Secret | None, listing: Listing, ids: list[str]
    ) -> dict[str, ModelInfo]:
        """The list's own metadata, plus the flavour's metadata route where the list lacks it."""
        found = await super().model_info(key, listing, ids)
        extra = await self._metadata(key, listing, undescribed(found, ids))
        return combine(found, extra, ids)

    async def _metadata(
        self, key: Secret | None, listing: Listing, ids: list[str]
    ) -> dict[str, ModelInfo]:
        if not ids:
            return {}
        kind, root = listing.extra.get("flavour"), self.endpoint.root
        if kind == "ollama":
            return await metadata.ollama_show(self, root, key, ids)
        if kind == "lmstudio":
            return await metadata.lmstudio_models(self, root, key)
        if kind == "litellm":
            return await metadata.litellm_info(self, root, key)
        if kind == "llama.cpp" and listing.ids:
            props = listing.extra.get("props")
            return await metadata.llamacpp_props(self, root, key, listing.ids, props)
        if self.endpoint.host in metadata.SILICONFLOW_HOSTS:
            return await metadata.siliconflow_kinds(self, self.endpoint.base, key, ids)
        return {}

    async def _lmstudio_auth_note(self) -> str:
        reply = await self.session.request(
            "GET", f"{self.endpoint.base}/models", headers=dict(self.extra), phase="list"
        )
        if 200 <= reply.status < 300:
            return "LM Studio authentication is off: any key is accepted"
        return "LM Studio: key accepted"

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """new-api relays each model in its ``endpoint_type`` format; the rest is OpenAI."""
        if model.endpoint_type == "anthropic":
            return await self._anthropic_probe(key, model)
        if model.endpoint_type == "gemini":
            return await self._gemini_probe(key, model)
        return await openai_probe(self, key, model, self.endpoint.base, body_model=model.id)

    async def _anthropic_probe(self, key: Secret | None, model: ModelSpec) -> str:
        await self.probe_post(
            f"{self.endpoint.root}/v1/messages",
            key,
            what="messages probe",
            body={"model": model.id, "max_tokens": 1, "messages": PROMPT},
            member="content",
            extra_headers=AnthropicDialect.version_header,
        )
        return "one-token Anthropic-format message succeeded"

    async def _gemini_probe(self, key: Secret | None, model: ModelSpec) -> str:
        await self.probe_post(
            f"{self.endpoint.root}/v1beta/models/{quote(model.id, safe='')}:generateContent",
            key,
            what="generateContent probe",
            body=GENERATE_ONE_TOKEN,
            member="candidates",
        )
        return "one-token Gemini-format generateContent succeeded"
