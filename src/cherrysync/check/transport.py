"""The checker's HTTP/1.1 transport for httpx: asyncio streams and h11, without httpcore or anyio.

httpx's own transport goes through httpcore and anyio, whose imports and per-request bookkeeping
(cancel scopes, locks, backend lookups) were about a fifth of a cold 200-provider ``check``. The
checker needs less than they offer: HTTP/1.1, no proxies, a deadline per exchange that the
caller sets (:class:`~cherrysync.check.http.Session` wraps each one in ``asyncio.timeout``) and
concurrency bounded by the caller's :class:`~cherrysync.check.http.Limits`. h11 does the
framing, with its bound on a response head (16 KiB, as under httpcore). Failures are raised as
httpx's exception types, the original as their cause, so :mod:`cherrysync.check.errors`
classifies them as it always did.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpx

from cherrysync.check.urls import default_port

#: bytes asked of the socket per read (also asyncio's stream buffer)
_CHUNK = 64 * 1024
#: (scheme, host, port): the connections of one origin are interchangeable
Origin = tuple[str, str, int]


class _Connection:
    """One socket and its h11 state: a request, then its response, then maybe another.

    The exceptions it raises carry the failure's type and cause, which is all that
    :func:`~cherrysync.check.errors.transport_failure` reads; their text is never shown.
    """

    #: a byte of this exchange's response arrived (before that, a failure on a reused
    #: connection means the server had closed it, and the request is sent again)
    answered: bool

    def __init__(
        self, origin: Origin, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.origin = origin
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)

    async def send(self, request: httpx.Request) -> None:
        self.answered = False
        body = await request.aread()
        url = request.url
        head = h11.Request(method=request.method, target=url.raw_path, headers=request.headers.raw)
        data = self.h11.send(head)
        if body:
            data += self.h11.send(h11.Data(data=body))
        data += self.h11.send(h11.EndOfMessage())
        try:
            self.writer.write(data)
            await self.writer.drain()
        except OSError as exc:
            raise httpx.WriteError(type(exc).__name__) from exc

    async def next_event(self) -> Any:
        """The next h11 event, reading from the socket as h11 needs."""
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            try:
                chunk = await self.reader.read(_CHUNK)
            except OSError as exc:  # reset, or a TLS alert (ssl.SSLError is an OSError)
                raise httpx.ReadError(type(exc).__name__) from exc
            if chunk:
                self.answered = True
            self.h11.receive_data(chunk)  # b"": the server closed; h11 says whether that is an end

    def reusable(self) -> bool:
        """Done with one exchange and both sides willing to keep the connection open."""
        try:
            self.h11.start_next_cycle()  # refused unless both sides are done and keep it open
        except h11.LocalProtocolError:
            return False
        return not self.closed

    @property
    def closed(self) -> bool:
        return self.writer.is_closing() or self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()


class _ResponseBody(httpx.AsyncByteStream):
    """The body as it arrives; at close the connection goes back to the pool or is closed."""

    def __init__(self, connection: _Connection, pool: _Pool) -> None:
        self._connection = connection
        self._pool = pool
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while not self._complete:
            event = await self._connection.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
            else:  # h11 gives only these two between a response head and its end
                raise httpx.RemoteProtocolError(f"{type(event).__name__} in a response body")

    async def aclose(self) -> None:
        if self._complete and self._connection.reusable():
            self._pool.release(self._connection)
        else:  # a body not read to its end (a cut, a timeout) leaves the socket unusable
            self._connection.close()


class _Pool:
    """Idle keep-alive connections per origin, at most ``idle`` of each."""

    def __init__(self, idle: int) -> None:
        self.idle = idle
        self._waiting: dict[Origin, list[_Connection]] = {}

    def take(self, origin: Origin) -> _Connection | None:
        connections = self._waiting.get(origin)
        while connections:
            connection = connections.pop()
            if not connection.closed:
                return connection
            connection.close()
        return None

    def release(self, connection: _Connection) -> None:
        """A connection done with its exchange: kept for the next, or closed if enough are."""
        connections = self._waiting.setdefault(connection.origin, [])
        if len(connections) < self.idle:
            connections.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        for connections in self._waiting.values():
            for connection in connections:
                connection.close()
        self._waiting.clear()


def address_of(url: httpx.URL) -> Origin:
    """Where a URL's request connects: its scheme, IDNA-encoded host (what DNS and TLS use) and
    port, the scheme's default when it names none. (The redirect policy's origin, a string
    with the host in canonical form, is :func:`cherrysync.check.urls.origin_of`.)"""
    return (url.scheme, url.raw_host.decode(), url.port or default_port(url.scheme))


class AsyncioTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 to one TLS configuration, keeping up to ``idle`` connections per origin."""

    def __init__(self, context: ssl.SSLContext | None, idle: int) -> None:
        self._context = context
        self._pool = _Pool(idle)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = address_of(request.url)
        connection = self._pool.take(origin)
        if connection is not None:
            try:
                return await self._exchange(connection, request)
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                if connection.answered:
                    raise
                # the server closed the idle connection as we used it: once more on a new one
        return await self._exchange(await self._connect(origin), request)

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = self._context if scheme == "https" else None
        try:  # with TLS, the host is also the name sent (SNI) and verified
            reader, writer = await asyncio.open_connection(host, port, ssl=tls)
        except OSError as exc:  # refused, unresolvable, or the TLS handshake (SSLError)
            raise httpx.ConnectError(type(exc).__name__) from exc
        return _Connection(origin, reader, writer)

    async def _exchange(self, connection: _Connection, request: httpx.Request) -> httpx.Response:
        try:
            await connection.send(request)
            while True:
                event = await connection.next_event()
                if isinstance(event, h11.Response):
                    break
                if not isinstance(event, h11.InformationalResponse):  # 1xx: wait for the answer
                    raise httpx.RemoteProtocolError(f"{type(event).__name__} before a response")
        except BaseException:
            connection.close()
            raise
        # httpx fills in the rest (the request, HTTP/1.1, the reason phrase); none is read
        return httpx.Response(
            event.status_code, headers=event.headers, stream=_ResponseBody(connection, self._pool)
        )

    async def aclose(self) -> None:
        self._pool.close()
