"""The small async interface every dialect implements, plus shared body checks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cherrysync.check.errors import Phase
from cherrysync.check.http import INVALID, Reply, Session, failure_from
from cherrysync.check.result import ProbeFailure
from cherrysync.check.urls import Endpoint
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

ProbeCost = Literal["billable", "free"]


@dataclass
class Listing:
    """What the key-level check learned. ``ids`` is None when the API cannot list models."""

    ids: list[str] | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def is_embedding(model: ModelSpec) -> bool:
    """Embedding models get an embeddings probe, as the app's own check does."""
    caps = model.capabilities or []
    return "embedding" in caps or (not caps and "embed" in model.id.lower())


class Dialect(ABC):
    """List models, verify a key, look up one model, and (opt-in) probe it."""

    kind = "base"

    def __init__(self, endpoint: Endpoint, session: Session, extra: dict[str, str]) -> None:
        self.endpoint = endpoint
        self.session = session
        self.extra = extra
        #: Configured IDs; paginated listings may stop once all of them were seen.
        self.wanted: frozenset[str] = frozenset()

    @abstractmethod
    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        """Headers that carry ``key`` (never a URL parameter)."""

    def headers(self, key: Secret | None) -> dict[str, str]:
        return {**self.extra, **self.auth_headers(key)}

    @abstractmethod
    async def list_models(self, key: Secret | None) -> Listing:
        """Prove the key and base URL; raise ProbeFailure otherwise."""

    def match(self, model_id: str, ids: list[str]) -> str | None:
        """The listed ID that ``model_id`` names (dialects add normalisation)."""
        return model_id if model_id in ids else None

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        """A free per-model lookup for IDs absent from the list (aliases); None if unknown."""
        return None

    def probe_cost(self, model: ModelSpec) -> ProbeCost:
        return "billable"

    @abstractmethod
    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        """Send the smallest real request; return a short success note or raise."""

    # ------------------------------------------------------------------ helpers for dialects

    async def lookup(
        self, method: str, url: str, key: Secret | None, *, json_body: Any = None
    ) -> Reply | None:
        """A per-model lookup: the 2xx reply, None for 404 (unknown model), else a failure."""
        reply = await self.session.request(
            method, url, headers=self.headers(key), json_body=json_body, phase="model"
        )
        if reply.status == 404:
            return None
        if not 200 <= reply.status < 300:
            raise failure_from(reply, phase="model", kind=self.kind, what="model lookup")
        return reply

    async def call(
        self,
        method: str,
        url: str,
        key: Secret | None,
        *,
        what: str,
        phase: Phase,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send and return a 2xx reply; anything else raises a classified failure."""
        reply = await self.session.request(
            method,
            url,
            headers={**self.headers(key), **(extra_headers or {})},
            json_body=json_body,
            params=params,
            phase=phase,
        )
        if not 200 <= reply.status < 300:
            raise failure_from(reply, phase=phase, kind=self.kind, what=what)
        return reply


def listing_body(reply: Reply, what: str, member: str = "data") -> list[Any]:
    """The list under ``member`` of a 2xx listing reply, or the documented failure.

    HTML, a JSON value that is not an object, or an object without the list (LM Studio's
    200 ``{"error": …}`` for unknown routes) all mean the base URL reaches something else.
    ``null`` is an empty list (Ollama with nothing installed).
    """
    data = reply.data
    if reply.html:
        raise ProbeFailure(
            "wrong_base_url", f"{what}: HTTP {reply.status} with an HTML page, not the API"
        )
    if data is INVALID:
        raise ProbeFailure("bad_response", f"{what}: HTTP {reply.status} body is not valid JSON")
    if not isinstance(data, dict) or member not in data:
        shape = type(data).__name__ if not isinstance(data, dict) else "object without " + member
        raise ProbeFailure(
            "wrong_base_url",
            f"{what}: HTTP {reply.status} with an unexpected body ({shape}); "
            "the base URL does not reach the models API",
        )
    items = data[member]
    if items is None:
        return []
    if not isinstance(items, list):
        raise ProbeFailure("bad_response", f"{what}: '{member}' is not a list")
    return items


def ids_from(items: list[Any], what: str, field_name: str = "id") -> list[str]:
    """The string IDs of listed entries; a malformed entry is a bad response."""
    ids: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(field_name), str):
            raise ProbeFailure("bad_response", f"{what}: an entry has no string '{field_name}'")
        ids.append(item[field_name])
    return ids


def json_object(reply: Reply, what: str, *required: str) -> dict[str, Any]:
    """A 2xx JSON object holding ``required`` members, else ``bad_response``."""
    data = reply.data
    if not isinstance(data, dict) or any(name not in data for name in required):
        need = ", ".join(required) or "a JSON object"
        raise ProbeFailure("bad_response", f"{what}: HTTP {reply.status} without {need}")
    return data
