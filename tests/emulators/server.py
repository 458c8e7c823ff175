"""The emulator base: a threaded HTTP/1.1 server with request recording and fault injection."""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: The paths an emulator counts as generation (billable) requests.
GENERATION = re.compile(
    r"(chat/completions|/embeddings|/v1/messages$|:generateContent|:embedContent|/api/chat"
    r"|/api/embed|/api/generate|/responses$)"
)


#: Metadata reads beyond the model list: capabilities (Ollama /api/show, LiteLLM /model/info,
#: LM Studio's native lists) and balances (provider-apis.md §6).
METADATA = re.compile(
    r"(/api/show$|/model/info$|/api/v[01]/models$|/user/balance$|/users/me/balance$"
    r"|/user/info$|/credits$|/api/v1/key$|/dashboard/billing/|/api/usage/token/$)"
)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    raw_target: str

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass
class Reply:
    """What to send. ``body``: dict/list/str-JSON unless ``raw`` (bytes/str sent as is)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    raw: bool = False
    delay: float = 0.0  # before the status line
    trickle: float = 0.0  # seconds between 8-byte chunks of the body
    reset: str | None = None  # "before" (no status line), "mid" (half the body), "after" (accept)

    def payload(self) -> bytes:
        if self.raw:
            return self.body if isinstance(self.body, bytes) else str(self.body or "").encode()
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Handler = Callable[[Request], Reply]


@dataclass
class Fault:
    pattern: re.Pattern[str]
    reply: Reply | Handler
    method: str | None
    remaining: int | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early (timeouts under test) are expected


class Emulator:
    """Subclasses implement :meth:`handle`; ``url`` is ``scheme://127.0.0.1:port``."""

    name = "emulator"

    def __init__(self, *, latency: float = 0.0, tls: Any = None) -> None:
        self.latency = latency
        self.tls = tls  # a trustme.CA, or None for plain http
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Emulator:
        emulator = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                emulator._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _serve

        server = _Server(("127.0.0.1", 0), RequestHandler)
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ faults and records
    def inject(
        self,
        path: str,
        reply: Reply | Handler,
        *,
        times: int | None = None,
        method: str | None = None,
    ) -> None:
        """Answer requests whose path matches ``path`` (a regex) with ``reply``."""
        with self.lock:
            self.faults.append(Fault(re.compile(path), reply, method, times))

    def generation_requests(self) -> int:
        return sum(1 for r in self.requests if r.method == "POST" and GENERATION.search(r.path))

    def metadata_requests(self) -> int:
        """Capability and balance reads, plus SiliconFlow's kind-filtered lists."""
        return sum(1 for r in self.requests if METADATA.search(r.path) or "sub_type" in r.query)

    def count(self, path_regex: str) -> int:
        return sum(1 for r in self.requests if re.search(path_regex, r.path))

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def _fault_for(self, request: Request) -> Reply | None:
        with self.lock:
            for fault in self.faults:
                if fault.method and fault.method != request.method:
                    continue
                if not fault.pattern.search(request.path):
                    continue
                if fault.remaining is not None:
                    if fault.remaining <= 0:
                        continue
                    fault.remaining -= 1
                return fault.reply(request) if callable(fault.reply) else fault.reply
        return None

    # ------------------------------------------------------------------ wire
    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        target = urlsplit(handler.path)
        request = Request(
            handler.command,
            target.path,
            dict(parse_qsl(target.query, keep_blank_values=True)),
            {k.lower(): v for k, v in handler.headers.items()},
            body,
            handler.path,
        )
        with self.lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._respond(handler, request, arrived)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _respond(self, handler: BaseHTTPRequestHandler, request: Request, arrived: float) -> None:
        reply = self._fault_for(request) or self.handle(request)
        if self.latency:  # the answer leaves ``latency`` after the request arrived
            time.sleep(max(0.0, arrived + self.latency - time.monotonic()))
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset in ("before", "after"):
            _abort(handler)
            return
        payload = reply.payload()
        handler.send_response(reply.status)
        if reply.content_type:
            handler.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        if reply.reset == "mid":
            handler.wfile.write(payload[: max(1, len(payload) // 2)])
            handler.wfile.flush()
            _abort(handler)
            return
        if reply.trickle and handler.command != "HEAD":
            for start in range(0, len(payload), 8):
                handler.wfile.write(payload[start : start + 8])
                handler.wfile.flush()
                time.sleep(reply.trickle)
        elif handler.command != "HEAD":
            handler.wfile.write(payload)


def _abort(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    try:
        handler.wfile.flush()
        handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def bearer(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <t>`` (case-insensitive scheme)."""
    value = request.headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token if scheme.lower() == "bearer" else None


def model_card(model_id: str, owned_by: str = "system", **extra: Any) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 1686935002, "owned_by": owned_by, **extra}


class Recorder(Emulator):
    """A foreign host: records everything and answers like a happy OpenAI list, so a checker
    that followed a redirect with a key would visibly pass."""

    name = "recorder"

    def handle(self, request: Request) -> Reply:
        return Reply(body={"object": "list", "data": [model_card("gpt-4o-mini")]})

    def leaked(self, secrets: list[str]) -> list[str]:
        """Every recorded header value or URL that contains a secret or an auth header."""
        found = []
        for request in self.requests:
            for name, value in request.headers.items():
                if name in ("authorization", "x-api-key", "api-key", "x-goog-api-key"):
                    found.append(name)
                if any(s in value for s in secrets):
                    found.append(name)
            if "key=" in request.raw_target or any(s in request.raw_target for s in secrets):
                found.append("url")
        return found
