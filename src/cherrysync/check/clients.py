"""The HTTP clients of a run: one per origin and TLS configuration, and how each is built.

A client never follows redirects (:class:`~cherrysync.check.http.Session` decides each hop),
ignores proxy variables (keys go direct) and keeps no cookies (a session cookie earned by one
key must not vouch for the next). Building TLS contexts is cached: loading the CA store costs
more than most checks.
"""

from __future__ import annotations

import functools
import ssl
from http.cookiejar import CookieJar
from typing import Any

import httpx

from cherrysync.check.transport import AsyncioTransport
from cherrysync.fileio import read_regular_file


@functools.lru_cache(maxsize=32)
def ssl_context(verify: bool, ca_bundle: str | None) -> ssl.SSLContext:
    """Default trust store, a private CA bundle, or (explicitly opted in) no verification.

    Cached: building a context loads the whole CA store (~50 ms), which would otherwise
    dominate a run over hundreds of providers.
    """
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if ca_bundle:
        read_regular_file(ca_bundle, 0)  # a FIFO would make OpenSSL wait for a writer forever
        return ssl.create_default_context(cafile=ca_bundle)
    return httpx.create_ssl_context()


class _NoCookies(CookieJar):
    """A jar that never stores anything."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Any) -> None:
        return None


def make_client(verify: ssl.SSLContext | None, connections: int) -> httpx.AsyncClient:
    """A client that never follows redirects, ignores proxy variables (keys go direct) and
    keeps no cookies (a session cookie earned by one key must not vouch for the next).

    Deadlines are per request (:class:`Session`); concurrency is bounded by :class:`Limits`;
    requests go through :class:`~cherrysync.check.transport.AsyncioTransport`.
    """
    return httpx.AsyncClient(
        follow_redirects=False,
        cookies=_NoCookies(),
        transport=AsyncioTransport(verify, idle=connections),
        trust_env=False,
    )


class ClientPool:
    """One client per origin and TLS configuration, shared by the providers of a run: providers
    behind the same gateway reuse its connections, and each pool stays small (one shared pool
    over many hosts would close idle connections to open new ones, and scan them all)."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self._clients: dict[tuple[str, bool, str | None], httpx.AsyncClient] = {}

    def get(self, origin: str, verify: bool, ca_bundle: str | None) -> httpx.AsyncClient:
        """Raises OSError / ssl.SSLError when the CA bundle cannot be read."""
        key = (origin, verify, ca_bundle)
        if key not in self._clients:
            # plain http needs no context: skip loading the CA store
            context = None if origin.startswith("http://") else ssl_context(verify, ca_bundle)
            self._clients[key] = make_client(context, self.connections)
        return self._clients[key]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
