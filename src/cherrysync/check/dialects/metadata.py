"""Metadata requests for servers whose model list says nothing about capabilities.

Each is a read that generates nothing (provider-apis.md §7): Ollama's ``/api/show`` per model,
LM Studio's native model list, LiteLLM's ``/model/info``, llama.cpp's ``/props`` and
SiliconFlow's ``sub_type`` filters. They are best effort: a route that is missing or answers
oddly adds nothing, and never fails a check (the caller asks only after the list passed).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from cherrysync.check.capabilities import ModelInfo, flags
from cherrysync.check.capabilities import parse as read
from cherrysync.check.dialects.base import MAX_METADATA_LOOKUPS, Dialect
from cherrysync.check.http import INVALID
from cherrysync.check.result import ProbeFailure
from cherrysync.secrets import Secret


async def get_json(
    dialect: Dialect,
    method: str,
    url: str,
    key: Secret | None,
    *,
    json_body: Any = None,
    params: dict[str, str] | None = None,
) -> Any:
    """The JSON of a 2xx reply, or None for anything else (including transport failures)."""
    try:
        reply = await dialect.session.request(
            method, url, headers=dialect.headers(key), json_body=json_body, params=params
        )
    except ProbeFailure:
        return None
    if not 200 <= reply.status < 300 or reply.html or reply.data is INVALID:
        return None
    return reply.data


def _list(data: Any, member: str) -> list[Any]:
    items = data.get(member) if isinstance(data, dict) else None
    return items if isinstance(items, list) else []


async def ollama_show(
    dialect: Dialect, root: str, key: Secret | None, ids: list[str]
) -> dict[str, ModelInfo]:
    """``POST /api/show`` for each of ``ids`` (at most :data:`MAX_METADATA_LOOKUPS`)."""

    async def one(model_id: str) -> tuple[str, ModelInfo]:
        body = await get_json(
            dialect, "POST", f"{root}/api/show", key, json_body={"model": model_id}
        )
        return model_id, read.ollama(body) if isinstance(body, dict) else ModelInfo()

    found = await asyncio.gather(*(one(i) for i in ids[:MAX_METADATA_LOOKUPS]))
    return {model_id: info for model_id, info in found if not info.empty}


async def lmstudio_models(dialect: Dialect, root: str, key: Secret | None) -> dict[str, ModelInfo]:
    """``/api/v1/models`` (0.4+), else ``/api/v0/models`` (0.3.6+). Unknown routes answer 200
    with an error body, so only a body holding the expected list counts."""
    data = await get_json(dialect, "GET", f"{root}/api/v1/models", key)
    found = read.by_id(_list(data, "models"), read.lmstudio_v1, "key")
    if found:
        return found
    data = await get_json(dialect, "GET", f"{root}/api/v0/models", key)
    return read.by_id(_list(data, "data"), read.lmstudio_v0)


async def litellm_info(dialect: Dialect, root: str, key: Secret | None) -> dict[str, ModelInfo]:
    """``GET /model/info``: one entry per deployment (never ``/health``, which calls them)."""
    data = await get_json(dialect, "GET", f"{root}/model/info", key)
    found: dict[str, list[ModelInfo]] = {}
    for entry in _list(data, "data"):  # several deployments may share a name: merge them
        if isinstance(entry, dict) and isinstance(entry.get("model_name"), str):
            model_info = entry.get("model_info")
            if isinstance(model_info, dict):
                found.setdefault(entry["model_name"], []).append(read.litellm(model_info))
    merged = {name: functools.reduce(ModelInfo.merge, infos) for name, infos in found.items()}
    return {name: info for name, info in merged.items() if not info.empty}


async def llamacpp_props(
    dialect: Dialect, root: str, key: Secret | None, ids: list[str], read_already: Any = None
) -> dict[str, ModelInfo]:
    """``GET /props`` describes the one model a single-model server loads (``read_already``:
    the props the listing fetched to prove the key, then not asked again)."""
    if len(ids) != 1:
        return {}
    if isinstance(read_already, ModelInfo):
        info = read_already
    else:
        data = await get_json(dialect, "GET", f"{root}/props", key)
        info = read.llamacpp_props(data) if isinstance(data, dict) else ModelInfo()
    return {} if info.empty else {ids[0]: info}


#: SiliconFlow's official hosts: their list entries say nothing, but the list filters by kind.
SILICONFLOW_HOSTS = frozenset({"api.siliconflow.cn", "api.siliconflow.com"})


async def siliconflow_kinds(
    dialect: Dialect, base: str, key: Secret | None, ids: list[str]
) -> dict[str, ModelInfo]:
    """Two filtered lists (``sub_type=embedding``, ``=reranker``) tell the kind of ``ids``."""

    async def kind(sub_type: str) -> set[str] | None:
        data = await get_json(dialect, "GET", f"{base}/models", key, params={"sub_type": sub_type})
        items = _list(data, "data")
        if not isinstance(data, dict) or "data" not in data:
            return None
        return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}

    embedding, rerank = await asyncio.gather(kind("embedding"), kind("reranker"))
    if embedding is None or rerank is None:
        return {}
    return {i: flags(embedding=i in embedding, rerank=i in rerank) for i in ids}
