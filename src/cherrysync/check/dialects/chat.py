"""The one-token chat and embeddings probes shared by OpenAI-style dialects."""

from __future__ import annotations

import functools
from typing import Any

from cherrysync.check.dialects.base import PROMPT, Dialect, is_embedding, json_object
from cherrysync.check.result import ProbeFailure
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret


def _wants_completion_tokens(failure: ProbeFailure) -> bool:
    """A 400 pointing at ``max_tokens``: reasoning models take ``max_completion_tokens``."""
    return failure.status == "bad_request" and "max_tokens" in failure.message


async def openai_probe(
    dialect: Dialect,
    key: Secret | None,
    model: ModelSpec,
    url_base: str,
    *,
    body_model: str | None,
    params: dict[str, str] | None = None,
) -> str:
    """Embeddings for embedding models, else a chat capped at one output token."""
    extra: dict[str, Any] = {"model": body_model} if body_model is not None else {}
    if is_embedding(model):
        await dialect.probe_post(
            f"{url_base}/embeddings",
            key,
            what="embeddings probe",
            body={**extra, "input": "hi"},
            member="data",
            params=params,
        )
        return "embeddings request succeeded"
    body: dict[str, Any] = {**extra, "messages": PROMPT, "max_tokens": 1}
    chat = functools.partial(
        dialect.call,
        "POST",
        f"{url_base}/chat/completions",
        key,
        what="chat probe",
        phase="model",
        params=params,
    )
    try:
        reply = await chat(json_body=body)
    except ProbeFailure as failure:
        if not _wants_completion_tokens(failure):
            raise
        body.pop("max_tokens")
        body["max_completion_tokens"] = 1
        reply = await chat(json_body=body)
    json_object(reply, "chat probe", "choices")
    return "one-token chat succeeded"
