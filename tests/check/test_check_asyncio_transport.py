"""The checker's own HTTP/1.1 transport over real loopback sockets: keep-alive and its limits,
servers that close or stall, and what each failure is raised as (check/errors classifies it)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from cherrysync.check.transport import AsyncioTransport, address_of

#: what a test server does with one connection; it counts the connections it accepted
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def _head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback server running ``handler`` per connection: (its URL, [connections seen])."""
    seen = [0]

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen[0] += 1
        try:
            await handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/v1/models", seen


async def _keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _head(reader)
        writer.write(OK)
        await writer.drain()


def _run(test: Coroutine[Any, Any, None]) -> None:
    """Run one test's coroutine with a deadline: a transport bug must fail, not hang."""
    asyncio.run(asyncio.wait_for(test, 10))


def _client(idle: int = 4) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncioTransport(None, idle=idle), trust_env=False)


async def _get(client: httpx.AsyncClient, url: str) -> tuple[int, bytes]:
    response = await client.get(url)
    return response.status_code, response.content


def test_requests_in_turn_share_one_kept_alive_connection() -> None:
    async def run() -> None:
        async with serving(_keep_alive) as (url, seen), _client() as client:
            assert [await _get(client, url) for _ in range(3)] == [(200, b"ok")] * 3
            assert seen == [1]

    _run(run())


def test_a_request_body_arrives_whole_after_its_head() -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await _head(reader)
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        body = await reader.readexactly(length)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    async def run() -> None:
        async with serving(echo) as (url, _), _client() as client:
            response = await client.post(url, json={"model": "m", "max_tokens": 1})
            assert response.json() == {"model": "m", "max_tokens": 1}

    _run(run())


def test_concurrent_requests_open_connections_and_keep_at_most_idle_of_them() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await _head(reader)
            await asyncio.sleep(0.05)
            writer.write(OK)
            await writer.drain()

    async def run() -> None:
        async with serving(slow) as (url, seen), _client(idle=2) as client:
            await asyncio.gather(*(_get(client, url) for _ in range(4)))
            assert seen == [4]
            await asyncio.gather(*(_get(client, url) for _ in range(4)))
            assert seen == [6]  # two were kept; two more were opened

    _run(run())


def test_a_server_that_closes_each_connection_gets_a_new_one_per_request() -> None:
    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    async def run() -> None:
        async with serving(once) as (url, seen), _client() as client:
            assert [await _get(client, url) for _ in range(2)] == [(200, b"ok")] * 2
            assert seen == [2]

    _run(run())


def test_a_kept_connection_the_server_closes_as_it_is_reused_is_retried_once_anew() -> None:
    """Keep-alive's race: the server gives up on the connection just as the next request comes
    in, so no byte of an answer arrives; the request goes again on a new connection."""

    async def one_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(OK)
        await writer.drain()
        await _head(reader)  # the second request: closed unanswered
        writer.transport.abort()

    async def run() -> None:
        async with serving(one_answer) as (url, seen), _client() as client:
            assert await _get(client, url) == (200, b"ok")
            assert await _get(client, url) == (200, b"ok")
            assert seen == [2]

    _run(run())


def test_a_kept_connection_that_fails_mid_answer_is_not_retried() -> None:
    """Part of an answer arrived: the server got the request, so sending it again could
    repeat a billed call."""

    async def half_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(OK)
        await writer.drain()
        await _head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Le")
        await writer.drain()
        writer.transport.abort()

    async def run() -> None:
        async with serving(half_answer) as (url, seen), _client() as client:
            assert await _get(client, url) == (200, b"ok")
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError), match=r"."):
                await _get(client, url)
            assert seen == [1]

    _run(run())


def test_a_new_connection_closed_unanswered_is_not_retried() -> None:
    async def unanswered(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)

    async def run() -> None:
        async with serving(unanswered) as (url, seen), _client() as client:
            with pytest.raises(httpx.RemoteProtocolError, match=r"ConnectionClosed|disconnected"):
                await _get(client, url)
            assert seen == [1]

    _run(run())


def test_an_interim_response_is_skipped_for_the_final_one() -> None:
    async def interim(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + OK)
        await writer.drain()

    async def run() -> None:
        async with serving(interim) as (url, _), _client() as client:
            assert await _get(client, url) == (200, b"ok")

    _run(run())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", httpx.RemoteProtocolError),
        (b"SSH-2.0-OpenSSH_9.6\r\n", httpx.RemoteProtocolError),
        (b"", httpx.RemoteProtocolError),
    ],
    ids=["body-cut-short", "head-over-16k", "not-http", "closed-without-answer"],
)
def test_a_broken_answer_is_a_protocol_error_of_httpx(reply: bytes, error: type) -> None:
    async def broken(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(reply)
        await writer.drain()

    async def run() -> None:
        async with serving(broken) as (url, _), _client() as client:
            with pytest.raises(error, match=r"."):
                await _get(client, url)

    _run(run())


def test_a_refused_connection_is_a_connect_error_with_its_cause() -> None:
    async def run() -> None:
        async with serving(_keep_alive) as (url, _):
            pass  # closed again: nothing listens on that port now
        async with _client() as client:
            with pytest.raises(httpx.ConnectError, match="ConnectionRefusedError") as caught:
                await _get(client, url)
            assert isinstance(caught.value.__cause__, ConnectionRefusedError)

    _run(run())


def test_a_deadline_in_the_middle_of_a_body_closes_the_socket() -> None:
    closed = asyncio.Event()

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await writer.drain()
        await reader.read()  # returns once the client has closed the connection
        closed.set()

    async def run() -> None:
        async with serving(stall) as (url, _), _client() as client:
            response = await client.send(client.build_request("GET", url), stream=True)
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.2):
                    await response.aread()
            await response.aclose()
            await asyncio.wait_for(closed.wait(), 5)

    _run(run())


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://api.example.com/v1", ("https", "api.example.com", 443)),
        ("http://localhost/v1", ("http", "localhost", 80)),
        ("http://127.0.0.1:8080/v1", ("http", "127.0.0.1", 8080)),
        ("https://[::1]:8443/", ("https", "::1", 8443)),
        ("https://bücher.example/v1", ("https", "xn--bcher-kva.example", 443)),
    ],
)
def test_a_url_connects_to_its_host_and_port_or_the_schemes_default(
    url: str, address: tuple[str, str, int]
) -> None:
    assert address_of(httpx.URL(url)) == address


def test_a_tls_transport_still_speaks_plain_http_to_an_http_url() -> None:
    async def run() -> None:
        transport = AsyncioTransport(ssl.create_default_context(), idle=1)
        async with serving(_keep_alive) as (url, _), httpx.AsyncClient(transport=transport) as c:
            assert await _get(c, url) == (200, b"ok")

    _run(run())
