"""HTTP plumbing: one session per provider, limits, deadlines, retries and redirect policy.

Every request goes through :meth:`Session.request`, which guarantees the security rules of
provider-apis.md §4: redirects are never followed with credentials (only exact same-origin hops),
nothing is sent to an origin other than the provider's, and failures carry messages built here,
never httpx exception text (which contains URLs). Bodies are read within bounds
(:mod:`.body`) and every string a server sent passes the session's :class:`.Redactor`. The
clients themselves (TLS, no cookies, no proxies) are built in :mod:`.clients`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin

import httpx

from cherrysync import __version__
from cherrysync.baseurl import display_url
from cherrysync.check.body import (
    ACCEPT_ENCODING,
    INVALID,
    TOO_DEEP,
    parse_json,
    read_body,
)
from cherrysync.check.errors import Phase, classify, error_info, transport_failure
from cherrysync.check.redaction import Redactor
from cherrysync.check.result import ProbeFailure
from cherrysync.check.retry import RetryPolicy, retry_hint
from cherrysync.check.urls import origin_of, shown_origin

MAX_SAME_ORIGIN_HOPS = 3
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "apim-request-id")
_DEFAULT_HEADERS = {
    "user-agent": f"cherrysync/{__version__}",
    "accept": "application/json",
    "accept-encoding": ACCEPT_ENCODING,  # only codings read_body inflates in bounded steps
}
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})

__all__ = [
    "INVALID",
    "Reply",
    "Session",
    "failure_from",
    "last_exchange_ms",
    "start_timing",
]

#: Seconds of the last exchange sent from the current task, failed ones included. Each check
#: runs in its own task (``asyncio.gather``), so this is the request that decided *its* result.
_LAST_EXCHANGE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "cherrysync_last_exchange", default=None
)


def start_timing() -> None:
    """Forget the current task's last exchange, before the requests of one check."""
    _LAST_EXCHANGE.set(None)


def last_exchange_ms() -> int | None:
    """Milliseconds of the current task's last exchange, from the first byte sent to the last
    byte read: without waits for a free slot or between retries. None if nothing was sent."""
    elapsed = _LAST_EXCHANGE.get()
    return None if elapsed is None else int(elapsed * 1000)


@dataclass
class Reply:
    """A complete response. ``data`` is the parsed JSON, or :data:`INVALID` when it is not
    (:attr:`json_problem` says why). ``clean`` is the session's redactor, for any text taken
    from it; ``retries`` how many retries came before it."""

    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float
    clean: Redactor = field(default_factory=Redactor)
    retries: int = 0

    @property
    def html(self) -> bool:
        ctype = self.headers.get("content-type", "").lower()
        return "html" in ctype or self.body.lstrip()[:1] == b"<"

    @functools.cached_property
    def _parsed(self) -> tuple[Any, str]:
        return parse_json(self.body)

    @property
    def data(self) -> Any:
        return self._parsed[0]

    @property
    def json_problem(self) -> str:
        """Why :attr:`data` is :data:`INVALID` (``body is not valid JSON``, too deep); or ""."""
        return self._parsed[1]

    @property
    def request_id(self) -> str | None:
        for name in _REQUEST_ID_HEADERS:
            if name in self.headers:
                return self.clean.value(self.headers[name], 80)
        return None


def retried(count: int) -> str:
    """`` (after 2 retries)``, or "" when the first attempt was the last."""
    if not count:
        return ""
    return f" (after {count} retr{'y' if count == 1 else 'ies'})"


@dataclass
class Limits:
    """A global semaphore and one per origin, shared by every session of a run."""

    concurrency: int = 16
    per_host: int = 4
    _global: asyncio.Semaphore | None = None
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def host(self, origin: str) -> asyncio.Semaphore:
        if origin not in self._hosts:
            self._hosts[origin] = asyncio.Semaphore(self.per_host)
        return self._hosts[origin]

    @property
    def all(self) -> asyncio.Semaphore:
        if self._global is None:
            self._global = asyncio.Semaphore(self.concurrency)
        return self._global


@dataclass(frozen=True)
class _Call:
    """One request as the caller asked for it; a same-origin redirect changes its URL."""

    method: str
    url: str
    headers: Mapping[str, str]
    json_body: Any
    params: Mapping[str, str] | None


@dataclass
class Session:
    """Requests for one provider: its client, its origin and the shared limits."""

    client: httpx.AsyncClient
    origin: str
    limits: Limits
    policy: RetryPolicy
    timeout: float
    kind: str
    #: the provider's secrets: every server string is redacted before it is shortened
    redactor: Redactor = field(default_factory=Redactor)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        phase: Phase = "list",
    ) -> Reply:
        """Send with retries; return the final reply, or raise a classified ProbeFailure.

        Error statuses (after any retries) are returned for the dialect to classify, since it
        knows the phase; transport failures raise once the retries are used up. Either way the
        outcome says how many retries came before it.
        """
        call = _Call(method, url, headers, json_body, params)
        attempt = 0
        while True:
            hint: float | None = None
            try:
                reply = await self._send_following(call)
            except ProbeFailure as failure:
                if failure.status not in ("timeout", "unreachable"):
                    raise
                wait = self.policy.delay(attempt, None)
                if wait is None:
                    failure.message += retried(attempt)
                    raise
            else:
                reply.retries = attempt
                if reply.status not in _RETRY_STATUSES:
                    return reply
                data = reply.data
                hint = retry_hint(reply.headers, data)
                info = error_info(data, "")
                status = classify(reply.status, info, phase=phase, kind=self.kind, html=reply.html)
                if status == "quota_exhausted":
                    return reply
                wait = self.policy.delay(attempt, hint)
                if wait is None:
                    return reply
            attempt += 1
            await asyncio.sleep(wait)

    async def _send_following(self, call: _Call) -> Reply:
        for _ in range(MAX_SAME_ORIGIN_HOPS + 1):
            reply = await self._send_once(call)
            if not 300 <= reply.status < 400:
                return reply
            location = reply.headers.get("location")
            if not location:
                raise ProbeFailure("wrong_base_url", f"HTTP {reply.status} without a Location")
            try:
                target = urljoin(call.url, location)
            except ValueError:  # "http://[::1": not even a URL
                target = ""
            target_origin = origin_of(target) if target else ""
            if not target_origin:
                raise ProbeFailure(
                    "wrong_base_url",
                    f"HTTP {reply.status} redirect to an address that cannot be used; not "
                    "followed; set base_url to the final address",
                    request_id=reply.request_id,
                )
            if target_origin != self.origin:
                shown = self.redactor.value(display_url(shown_origin(target_origin)), 120)
                raise ProbeFailure(
                    "wrong_base_url",
                    f"HTTP {reply.status} redirect to {shown}; not followed (it would carry the "
                    "key to another origin); set base_url to the final address",
                    request_id=reply.request_id,
                )
            call = replace(call, url=target, params=None)  # the Location carries the query
        raise ProbeFailure("wrong_base_url", "too many same-origin redirects")

    async def _send_once(self, call: _Call) -> Reply:
        if origin_of(call.url) != self.origin:  # defence in depth: keys only go to the base origin
            raise ProbeFailure("wrong_base_url", "refused to send a request to another origin")
        # Host slot first: a request waiting for a busy host must not hold a global slot.
        async with self.limits.host(self.origin), self.limits.all:
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.timeout):
                    return await self._exchange(call, started)
            except ProbeFailure:
                raise
            except (TimeoutError, httpx.HTTPError, OSError, ssl.SSLError) as exc:
                failure = transport_failure(exc, self.timeout, call.url)
                # after a redirect the URL is the server's choice: it may echo a key
                failure.message = self.redactor.value(failure.message, 300)
                raise failure from None
            finally:
                _LAST_EXCHANGE.set(time.monotonic() - started)

    async def _exchange(self, call: _Call, started: float) -> Reply:
        # Built directly: the client adds nothing we want (no cookies, no base URL).
        request = httpx.Request(
            call.method,
            call.url,
            headers={**_DEFAULT_HEADERS, **call.headers},
            json=call.json_body,
            params=call.params,
        )
        response = await self.client.send(request, stream=True)
        try:
            encoding = response.headers.get("content-encoding", "")
            body = await read_body(response.aiter_raw(), encoding)
        finally:
            await response.aclose()
        elapsed = time.monotonic() - started
        return Reply(response.status_code, response.headers, body, elapsed, self.redactor)


def failure_from(reply: Reply, *, phase: Phase, kind: str, what: str) -> ProbeFailure:
    """Turn an error reply into a classified failure; the provider's text is redacted whole,
    then shortened (a body is decoded in full so no cut can split a key)."""
    data = reply.data
    text = "" if data is not INVALID else reply.body.decode("utf-8", "replace")
    if reply.json_problem == TOO_DEEP:
        text = TOO_DEEP  # not a wall of brackets
    info = error_info(data if data is not INVALID else None, text)
    status = classify(reply.status, info, phase=phase, kind=kind, html=reply.html)
    detail = reply.clean(info.message) if info.message else ("HTML page" if reply.html else "")
    fields = ", ".join(
        f"{name}={value}"
        for name, value in (
            ("type", info.type),
            ("code", info.code),
            ("reason", ",".join(info.reasons) or None),
        )
        if value
    )
    message = f"{what}: HTTP {reply.status}"
    if fields:
        message += f" ({reply.clean(fields, 160)})"
    if detail:
        message += f": {detail}"
    hint = retry_hint(reply.headers, data) if status == "rate_limited" else None
    if hint is not None:
        message += f" (retry after {hint:g}s)"
    message += retried(reply.retries)
    return ProbeFailure(status, message, retry_after=hint, request_id=reply.request_id)
