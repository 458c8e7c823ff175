"""The small async interface every dialect implements, plus shared body checks.

A dialect is data plus a few methods: the facts that differ between wire formats (is the probe
free, which tag a server adds to untagged names, which prefix the listing puts on IDs, how
large a page is) are class attributes the runner reads, never ``kind`` comparisons.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cherrysync.check.capabilities import ModelInfo
from cherrysync.check.errors import Phase
from cherrysync.check.http import INVALID, Reply, Session, failure_from
from cherrysync.check.result import ProbeFailure
from cherrysync.check.urls import Endpoint
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret

#: One listing page: its IDs, the parameters of the next page (None on the last one), and
#: what the page reports about its models.
Page = tuple[list[str], dict[str, str] | None, dict[str, ModelInfo]]

#: At most this many per-model metadata requests (Ollama's ``/api/show``) per call.
MAX_METADATA_LOOKUPS = 100

#: The one user message every chat-style probe sends.
PROMPT = [{"role": "user", "content": "hi"}]


@dataclass
class Listing:
    """What the key-level check learned. ``ids`` is None when the API cannot list models;
    ``info`` holds what the listing itself reports about models (capabilities, window)."""

    ids: list[str] | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    info: dict[str, ModelInfo] = field(default_factory=dict)


def find_listed(model_id: str, ids: list[str], implicit_tag: str | None = None) -> str | None:
    """The listed ID that ``model_id`` names: itself, or with the tag the server adds to
    untagged names (Ollama lists ``llama3.2`` as ``llama3.2:latest``)."""
    if model_id in ids:
        return model_id
    if implicit_tag is not None and ":" not in model_id:
        tagged = f"{model_id}:{implicit_tag}"
        if tagged in ids:
            return tagged
    return None


def is_embedding(model: ModelSpec) -> bool:
    """Embedding models get an embeddings probe, as the app's own check does."""
    caps = model.capabilities or []
    return "embedding" in caps or (not caps and "embed" in model.id.lower())


class Dialect(ABC):
    """List models, verify a key, look up one model, and (opt-in) probe it."""

    kind: ClassVar[str] = "base"
    #: The probe costs nothing (Anthropic's count_tokens), so it is not counted as billable.
    free_probe: ClassVar[bool] = False
    #: The tag the server adds to untagged model names (Ollama's ``latest``).
    implicit_tag: ClassVar[str | None] = None
    #: A prefix the listing puts before IDs (Gemini's ``models/``), dropped before comparing.
    id_prefix: ClassVar[str] = ""
    #: Paginated listings stop after this many pages.
    max_pages: ClassVar[int] = 50
    #: Why models of a listing without IDs (:attr:`Listing.ids` None) cannot pass unprobed.
    unlisted_reason: ClassVar[str] = (
        "this API cannot list models with a key; run with --probe (or set check.probe) to "
        "send one billable request per model"
    )

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

    def bare(self, model_id: str) -> str:
        """``model_id`` as the listing compares it (without :attr:`id_prefix`)."""
        return model_id.removeprefix(self.id_prefix) if self.id_prefix else model_id

    def match(self, model_id: str, ids: list[str]) -> str | None:
        """The listed ID that ``model_id`` names, or None."""
        return find_listed(self.bare(model_id), ids, self.implicit_tag)

    async def find_model(self, key: Secret | None, model_id: str) -> str | None:
        """A free per-model lookup for IDs absent from the list (aliases); None if unknown."""
        return None

    async def model_info(
        self, key: Secret | None, listing: Listing, ids: list[str]
    ) -> dict[str, ModelInfo]:
        """What the endpoint reports about the listed ``ids``: the listing's own metadata, plus
        metadata requests (never generation) where a dialect knows the listing lacks it."""
        return {i: listing.info[i] for i in ids if i in listing.info}

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

    async def paginate(
        self,
        key: Secret | None,
        url: str,
        first: dict[str, str],
        page: Callable[[Reply], Page],
        *,
        what: str = "model list",
    ) -> Listing:
        """Follow a paginated listing from the ``first`` parameters, at most :attr:`max_pages`.

        Stops early once every configured model (:attr:`wanted`) was seen, and refuses a
        cursor that does not advance (a server looping on one page).
        """
        ids: list[str] = []
        info: dict[str, ModelInfo] = {}
        params = first
        for _ in range(self.max_pages):
            reply = await self.call("GET", url, key, what=what, phase="list", params=params)
            found, following, described = page(reply)
            ids.extend(found)
            info.update(described)
            if following is None:
                return Listing(ids, info=info)
            if self.wanted and self.wanted.issubset(ids):
                note = "stopped paging once every configured model was found"
                return Listing(ids, note=note, info=info)
            if following == params:
                raise ProbeFailure("bad_response", f"{what}: pagination does not advance")
            params = following
        return Listing(ids, note=f"stopped after {self.max_pages} pages", info=info)

    async def probe_post(
        self,
        url: str,
        key: Secret | None,
        *,
        what: str,
        body: Any,
        member: str,
        params: Mapping[str, str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        """A probe: POST ``body``; the 2xx reply must be a JSON object holding ``member``."""
        reply = await self.call(
            "POST",
            url,
            key,
            what=what,
            phase="model",
            json_body=body,
            params=params,
            extra_headers=extra_headers,
        )
        json_object(reply, what, member)

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
        raise ProbeFailure("bad_response", f"{what}: HTTP {reply.status} {reply.json_problem}")
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
    if data is INVALID:
        raise ProbeFailure("bad_response", f"{what}: HTTP {reply.status} {reply.json_problem}")
    if not isinstance(data, dict) or any(name not in data for name in required):
        need = ", ".join(required) or "a JSON object"
        raise ProbeFailure("bad_response", f"{what}: HTTP {reply.status} without {need}")
    return data
