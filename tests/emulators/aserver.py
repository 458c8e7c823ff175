"""An asyncio front end for emulators: many ports, one event loop, no thread per connection.

The threaded server is the faithful one (resets, trickles, TLS) used by the tests; this one
serves plain request/response traffic for the benchmark, where a thread per connection would
make the emulators, not the checker, the bottleneck. ``latency`` is measured from the arrival
of the request.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qsl, urlsplit

from emulators.server import Emulator, Request

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


async def _connection(
    emulator: Emulator, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            arrived = time.monotonic()
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            body = await reader.readexactly(length) if length else b""
            parts = urlsplit(target)
            request = Request(
                method, parts.path, dict(parse_qsl(parts.query)), headers, body, target
            )
            with emulator.lock:
                emulator.requests.append(request)
            reply = emulator._fault_for(request) or emulator.handle(request)
            wait = arrived + emulator.latency + reply.delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            payload = reply.payload()
            out = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
            if reply.content_type:
                out.append(f"Content-Type: {reply.content_type}")
            out += [f"{k}: {v}" for k, v in reply.headers.items()]
            out.append(f"Content-Length: {len(payload)}")
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + payload)
            await writer.drain()
    except asyncio.CancelledError:
        pass  # the benchmark is over; open keep-alive connections are simply dropped
    finally:
        writer.close()


async def serve(emulators: list[Emulator], ready: asyncio.Future[list[int]]) -> None:
    """Serve every emulator on its own loopback port until cancelled."""
    servers = []
    for emulator in emulators:
        server = await asyncio.start_server(
            lambda r, w, e=emulator: _connection(e, r, w), "127.0.0.1", 0, backlog=512
        )
        servers.append(server)
    ready.set_result([s.sockets[0].getsockname()[1] for s in servers])
    try:
        await asyncio.Event().wait()
    finally:
        for server in servers:
            server.close()
