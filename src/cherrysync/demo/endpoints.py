"""Two OpenAI-compatible endpoints on loopback for the demo.

* a vLLM quick-start server: ``GET /v1/models`` lists ``gpt2`` and asks for no key, as
  ``vllm serve gpt2`` does;
* a team relay that requires ``Authorization: Bearer <key>`` and answers a wrong key with
  OpenAI's 401 error body.

Standard library only, so the demo needs nothing the test extra brings.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEMO_RELAY_KEY = "sk-demo-4f1c2b7e9a0d4c3b8e6f"


def _model(model_id: str, owner: str, created: int) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": owner}


@dataclass(frozen=True)
class Endpoint:
    name: str
    models: tuple[str, ...]
    key: str | None
    owner: str


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "cherrysync-demo/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log: the demo prints its own steps."""

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        endpoint = self.endpoint
        if (
            endpoint.key is not None
            and self.headers.get("Authorization") != f"Bearer {endpoint.key}"
        ):
            self._send(
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "invalid_api_key",
                    }
                },
            )
            return
        if self.path.rstrip("/") == "/v1/models":
            created = int(time.time())
            data = [_model(m, endpoint.owner, created) for m in endpoint.models]
            self._send(200, {"object": "list", "data": data})
            return
        self._send(404, {"error": {"message": f"Not found: {self.path}", "type": "not_found"}})


@contextmanager
def serve(endpoint: Endpoint, port: int = 0) -> Iterator[str]:
    """Serve ``endpoint`` on a loopback ``port`` (0: an ephemeral one); yields its base URL.

    ``OSError`` when the port is taken (serving an earlier demo folder's ports again).
    """
    handler = type("Handler", (_Handler,), {"endpoint": endpoint})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(
        target=server.serve_forever, name=f"demo-{endpoint.name}", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


VLLM = Endpoint("vllm", ("gpt2",), None, "vllm")
#: gpt-4.1 is offered but not in the demo's file: the tour adds it with `models --add`
RELAY = Endpoint(
    "relay", ("gpt-4o-mini", "text-embedding-3-small", "gpt-4.1"), DEMO_RELAY_KEY, "relay"
)
