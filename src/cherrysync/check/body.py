"""Server bodies read within bounds: decompressed as they stream, parsed only when shallow.

A hostile or broken server must cost at most :data:`MAX_BODY` bytes per response, whatever it
sends. httpx inflates a whole network chunk at once (a 64 KiB chunk of a gzip bomb is 64 MiB),
so bodies are read raw and inflated here in bounded steps, the limit checked after each step.
JSON is parsed through :mod:`cherrysync.boundedjson` (a bracket-depth scan first, since the
standard parser recurses once per level), with this module's own lower limit.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from cherrysync import boundedjson
from cherrysync.check.result import ProbeFailure

MAX_BODY = 8 * 1024 * 1024
#: Deepest JSON nesting accepted; provider documents use fewer than 10 levels.
MAX_DEPTH = 64
TOO_DEEP = f"body nests deeper than {MAX_DEPTH} levels"
#: The content codings :func:`read_body` can inflate in bounded steps; the only ones asked for.
ACCEPT_ENCODING = "gzip, deflate"
_KNOWN_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress"})
_STEP = 64 * 1024


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


#: ``Reply.data`` of a body that is not usable JSON (see :func:`parse_json` for why).
INVALID: Any = _Invalid()


def parse_json(body: bytes) -> tuple[Any, str]:
    """``(value, "")`` or ``(INVALID, why)``; NaN and Infinity are not JSON either."""
    try:
        return boundedjson.loads(body, max_depth=MAX_DEPTH, constants=False), ""
    except boundedjson.TooDeep:
        return INVALID, TOO_DEEP
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return INVALID, "body is not valid JSON"


class _Inflater:
    """One content coding, inflated at most :data:`_STEP` bytes at a time: :meth:`feed` yields
    each step, so the caller checks the limit before the next one is made."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        # gzip: header and trailer; deflate: zlib-wrapped as RFC 9110 says (raw as a fallback)
        self.inflate = zlib.decompressobj(31 if coding == "gzip" else 15)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.coding == "identity":
            yield data
            return
        if not self.started:
            self.started = True
            try:
                first = self.inflate.decompress(data, _STEP)
            except zlib.error:
                if self.coding != "deflate":
                    raise
                self.inflate = zlib.decompressobj(-15)  # servers that send raw deflate
                first = self.inflate.decompress(data, _STEP)
            yield first
            data = self.inflate.unconsumed_tail
        while data and not self.inflate.eof:  # bytes after the stream are ignored, as in httpx
            yield self.inflate.decompress(data, _STEP)
            data = self.inflate.unconsumed_tail

    def finish(self) -> bytes:
        return b"" if self.coding == "identity" else self.inflate.flush()


def _coding(content_encoding: str) -> str:
    """The one coding a response used, or a ``bad_response`` failure for any other."""
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    known = [c for c in codings if c in _KNOWN_CODINGS]  # never echo a value we do not know
    named = f" ({', '.join(known)})" if known == codings else ""
    raise ProbeFailure(
        "bad_response", f"unsupported content encoding{named}; only {ACCEPT_ENCODING} was asked for"
    )


async def read_body(raw: AsyncIterator[bytes], content_encoding: str) -> bytes:
    """The decoded body, failing as soon as it (or the raw stream) passes :data:`MAX_BODY`.

    One growing buffer per body: large buffers are mapped memory that goes back to the system
    when a refused body is dropped, where many small pieces would fragment the heap.
    """
    inflater = _Inflater(_coding(content_encoding))
    too_large = ProbeFailure("bad_response", f"response body over {MAX_BODY} bytes")
    body = bytearray()
    received = 0
    try:
        async for chunk in raw:
            received += len(chunk)
            if received > MAX_BODY:
                raise too_large
            for piece in inflater.feed(chunk):
                if len(body) + len(piece) > MAX_BODY:
                    raise too_large
                body += piece
        body += inflater.finish()
    except zlib.error:
        raise ProbeFailure("bad_response", "compressed body is corrupt") from None
    if len(body) > MAX_BODY:
        raise too_large
    return bytes(body)
