"""OpenAI and OpenAI-compatible servers (vLLM, LiteLLM, LM Studio, llama.cpp, Ollama's /v1).

Model presence comes from ``GET {base}/models`` (vLLM has no per-model route). Flavours are told
apart by fingerprints in the list, because their keys mean different things: llama.cpp serves
the list without checking the key (``/props`` proves it), Ollama ignores keys, and LM Studio
accepts anything while its authentication is off.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from cherrysync.check.dialects.anthropic import AnthropicDialect
from cherrysync.check.dialects.base import Dialect, Listing, ids_from, json_object, listing_body
from cherrysync.check.dialects.chat import PROMPT, openai_probe
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret


def flavour(data: list[Any], body_keys: set[str]) -> str:
    """Which server answered, from the fingerprints in provider-apis.md §2.2."""
    owners = {str(item.get("owned_by")) for item in data if isinstance(item, dict)}
    if "models" in body_keys or "llamacpp" in owners:
        return "llama.cpp"
    if "library" in owners:
        return "ollama"
    if "organization_owner" in owners:
        return "lmstudio"
    if "vllm" in owners:
        return "vllm"
    return "openai"


class OpenAIDialect(Dialect):
    kind = "openai"
    implicit_tag = "latest"  # Ollama's /v1 lists untagged pulls as ``name:latest``

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key.reveal()}"} if key is not None else {}

    async def list_models(self, key: Secret | None) -> Listing:
        what = "model list"
        reply = await self.call("GET", f"{self.endpoint.base}/models", key, what=what, phase="list")
        items = listing_body(reply, what)
        ids = ids_from(items, what)
        data = reply.data
        kind = flavour(items, set(data) if isinstance(data, dict) else set())
        note = ""
        if kind == "llama.cpp" and key is not None:
            note = await self._prove_llamacpp_key(key)
        elif kind == "ollama":
            note = "Ollama has no authentication; the key is not checked"
        elif kind == "lmstudio" and key is not None:
            note = await self._lmstudio_auth_note()
        return Listing(ids, note=note, extra={"flavour": kind})

    async def _prove_llamacpp_key(self, key: Secret) -> str:
        """llama.cpp's list is public; the protected ``/props`` route proves the key."""
        reply = await self.session.request(
            "GET", f"{self.endpoint.root}/props", headers=self.headers(key), phase="list"
        )
        if reply.status in (401, 403):
            raise ProbeFailure("auth_failed", f"llama.cpp /props: HTTP {reply.status}: key refused")
        if 200 <= reply.status < 300:
            return "llama.cpp: key proven by /props"
        return "llama.cpp: the model list is public and /props is unavailable; key not proven"

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
        reply = await self.call(
            "POST",
            f"{self.endpoint.root}/v1/messages",
            key,
            what="messages probe",
            phase="model",
            json_body={"model": model.id, "max_tokens": 1, "messages": PROMPT},
            extra_headers=AnthropicDialect.version_header,
        )
        json_object(reply, "messages probe", "content")
        return "one-token Anthropic-format message succeeded"

    async def _gemini_probe(self, key: Secret | None, model: ModelSpec) -> str:
        reply = await self.call(
            "POST",
            f"{self.endpoint.root}/v1beta/models/{quote(model.id, safe='')}:generateContent",
            key,
            what="generateContent probe",
            phase="model",
            json_body={
                "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                "generationConfig": {"maxOutputTokens": 1},
            },
        )
        json_object(reply, "generateContent probe", "candidates")
        return "one-token Gemini-format generateContent succeeded"
