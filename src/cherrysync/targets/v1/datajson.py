"""A 1.x ``data.json`` read as a stream: only what cherrysync patches is ever held in memory.

A backup's ``data.json`` is mostly IndexedDB (every message of every topic): a real one can
hold over 100 MB, and a 1 MB zip can inflate to gigabytes of whitespace. cherrysync needs
four top-level members (``version``, ``time``, ``localStorage``, ``indexedDB``) and one string
inside ``localStorage``: ``persist:cherry-studio``. :func:`scan` walks the bytes once, decoding
only keys and those values, and *skips* everything else without building it:

- strings are skipped by a regular expression that knows ``\\`` escapes, chunk by chunk;
- containers are skipped region by region: escaped quotes are dropped, the quotes left split
  the region into text outside and inside strings, and the brackets outside are summed as
  +1/-1 (the running maximum is the nesting depth, bounded like every JSON cherrysync reads;
  the first return to zero is the container's end), nearly all in C; only the one region
  where a container ends is walked token by token to find the exact byte.

The result is the byte span of the ``persist:cherry-studio`` string, so a patched ``data.json``
is the original bytes before it, the new string, and the original bytes after it
(:func:`spliced`), streamed from the input member into the output member: every other byte is
kept exactly, and memory does not grow with the file.

Parts cherrysync does not read are checked for their structure (strings closed, brackets
balanced, nesting bounded, nothing after the top-level object), not decoded.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import IO, Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH

CHUNK = 1 << 20
#: Bytes examined at once when skipping a container (bounds the bracket list built per step).
REGION = 256 << 10
#: Longer keys are none of the few cherrysync looks for (even fully ``\\u``-escaped).
MAX_KEY_BYTES = 1024
MAX_SCALAR_BYTES = 64
#: The persisted state: Chromium keeps at most 10 MiB per origin in ``localStorage``.
MAX_PERSIST_BYTES = 64 << 20
PERSIST_KEY = "persist:cherry-studio"

_WS = re.compile(rb"[ \t\n\r]*+")
_STRING_BODY = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)
_TOKENS = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(rb'[^ \t\n\r,:\[\]{}"]*+')
_NOT_SPECIAL = bytes(b for b in range(256) if b not in b'"[]{}')
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_QUOTE, _BACKSLASH = 0x22, 0x5C


class ShapeError(ValueError):
    """The bytes are not the JSON they should be; the message says what and at which byte."""


class TooLarge(ValueError):
    """``data.json``, or the one value cherrysync decodes from it, is over its limit."""


class _Reader:
    """A window onto a byte stream: ``buf[pos:]`` is unread, ``base`` is ``buf[0]``'s offset."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self.buf = b""
        self.pos = 0
        self.base = 0

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def fill(self) -> bool:
        """Drop what was read, append the next chunk; False at the end of the stream."""
        chunk = self._stream.read(CHUNK)
        if not chunk:
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        if self.base + len(self.buf) > self._limit:
            raise TooLarge(f"data.json is larger than {self._limit >> 20} MiB")
        return True

    def peek(self) -> int:
        """The next byte after whitespace (-1 at the end), not consumed."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return -1

    def fail(self, what: str) -> ShapeError:
        return ShapeError(f"{what} at byte {self.offset}")

    def expect(self, byte: bytes) -> None:
        if self.peek() != byte[0]:
            raise self.fail(f"expected '{byte.decode()}'")
        self.pos += 1


def _string(r: _Reader, keep: int) -> bytes | None:
    """Consume the string at ``r.pos``; its literal (quotes included) when at most ``keep``
    bytes long, else None (the rest is skipped, never held)."""
    r.pos += 1
    parts: list[bytes] | None = [b'"'] if keep else None
    size = 1
    while True:
        end = _STRING_BODY.match(r.buf, r.pos).end()  # type: ignore[union-attr]
        if parts is not None:
            size += end - r.pos
            if size > keep:
                parts = None
            else:
                parts.append(r.buf[r.pos : end])
        r.pos = end
        if end < len(r.buf) and r.buf[end] == _QUOTE:
            r.pos += 1
            return b"".join([*parts, b'"']) if parts is not None and size < keep else None
        # the chunk ends inside the string (perhaps right after a backslash, kept for later)
        if not r.fill():
            raise r.fail("unterminated string")


def _scalar(r: _Reader) -> bytes | None:
    """A number, ``true``, ``false`` or ``null``: its text when short (checked by decoding)."""
    parts: list[bytes] | None = []
    size = 0
    while True:
        end = _SCALAR.match(r.buf, r.pos).end()  # type: ignore[union-attr]
        size += end - r.pos
        if parts is not None and size <= MAX_SCALAR_BYTES:
            parts.append(r.buf[r.pos : end])
        else:
            parts = None
        r.pos = end
        if end < len(r.buf) or not r.fill():
            break
    if size == 0:
        raise r.fail("expected a value")
    return b"".join(parts) if parts is not None else None


def _bracket_end(segment: bytes, nth: int) -> int:
    """Where the ``nth`` bracket outside strings of ``segment`` ends (1-based)."""
    for match in _TOKENS.finditer(segment):
        if match.group()[0] != _QUOTE:
            nth -= 1
            if nth == 0:
                return match.end()
    raise ShapeError("malformed escapes")  # only bytes that are not JSON get here


def _opening_quote(segment: bytes) -> int:
    """The last quote of ``segment`` that no backslash escapes: where the string that runs
    past the segment's end begins."""
    end = len(segment)
    while True:
        quote = segment.rfind(b'"', 0, end)
        run = quote
        while run > 0 and segment[run - 1] == _BACKSLASH:
            run -= 1
        if (quote - run) % 2 == 0:
            return quote
        end = quote


def _outside_brackets(segment: bytes) -> tuple[bytes, int]:
    """The brackets of ``segment`` outside strings (it starts outside one), and how much of it
    ends outside a string: all of it, or up to the quote of a string running past its end.

    Escaped quotes are removed first (and escaped backslashes before them, when two
    backslashes stand before a quote); the quotes left then alternate strictly, and the
    brackets between every second pair are the ones outside strings. Each step runs in C over
    the whole segment.
    """
    core = segment
    if b'\\"' in segment:
        if b'\\\\"' in segment:  # a quote after two backslashes: pair them off first
            core = core.replace(b"\\\\", b"")
        core = core.replace(b'\\"', b"")
    parts = core.translate(None, _NOT_SPECIAL).split(b'"')
    brackets = b"".join(parts[0::2])
    if len(parts) % 2:
        return brackets, len(segment)
    return brackets, _opening_quote(segment)


def _skip_container(r: _Reader, level: int) -> None:
    """Consume the array or object at ``r.pos``, itself at nesting ``level`` (1 = top)."""
    r.pos += 1
    depth = 1
    while True:
        stop = min(len(r.buf), r.pos + REGION)
        segment = r.buf[r.pos : stop]
        brackets, cut = _outside_brackets(segment)
        if brackets:
            running = list(accumulate(array("b", brackets.translate(_STEPS)), initial=depth))
            deepest = level - 1 + max(running)
            if deepest > APP_JSON_DEPTH:
                raise boundedjson.TooDeep(f"nested deeper than {APP_JSON_DEPTH} levels")
            if min(running) <= 0:
                r.pos += _bracket_end(segment[:cut], running.index(0))
                return
            depth = running[-1]
        r.pos += cut
        if cut < len(segment):  # a string that runs past the segment
            _string(r, 0)
        elif stop == len(r.buf) and not r.fill():
            raise r.fail("unexpected end of data")


def skip_value(r: _Reader, level: int) -> None:
    """Consume any JSON value without building it."""
    first = r.peek()
    if first == _QUOTE:
        _string(r, 0)
    elif first in (0x5B, 0x7B):  # [ {
        _skip_container(r, level)
    elif first < 0:
        raise r.fail("unexpected end of data")
    else:
        _scalar(r)


def members(r: _Reader, what: str) -> Iterator[str | None]:
    """The keys of the object at the reader, each yielded with the reader at its value, which
    the caller consumes. Keys too long to be one cherrysync looks for come as None."""
    if r.peek() != 0x7B:
        raise ShapeError(f"{what} is not a JSON object")
    r.pos += 1
    if r.peek() == 0x7D:
        r.pos += 1
        return
    while True:
        if r.peek() != _QUOTE:
            raise r.fail("expected a key")
        raw = _string(r, MAX_KEY_BYTES)
        try:
            key = json.loads(raw) if raw is not None else None
        except ValueError:
            raise r.fail("malformed key") from None
        r.expect(b":")
        r.peek()
        yield key
        after = r.peek()
        r.pos += 1
        if after == 0x7D:
            return
        if after != 0x2C:
            r.pos -= 1
            raise r.fail("expected ',' or '}'")


@dataclass
class Persist:
    """The ``persist:cherry-studio`` member: its byte span and literal, or what it was instead."""

    start: int
    end: int
    literal: bytes | None  # None when the value is not a string


@dataclass
class Layout:
    """What :func:`scan` found; for repeated keys the last one counts, as in ``JSON.parse``."""

    #: every top-level key, with the first byte of its (last) value: ``{``, ``[``, ``"``, ...
    kinds: dict[str, int] = field(default_factory=dict)
    #: the decoded scalar of ``version`` and ``time`` (None when absent or not a short scalar)
    scalars: dict[str, Any] = field(default_factory=dict)
    persist: Persist | None = None
    size: int = 0


def _local_storage(r: _Reader, layout: Layout) -> None:
    """Find ``persist:cherry-studio`` in ``localStorage``; skip its other keys."""
    layout.persist = None
    for key in members(r, "localStorage"):
        if key != PERSIST_KEY:
            skip_value(r, 3)
            continue
        start = r.offset
        if r.peek() != _QUOTE:
            skip_value(r, 3)
            layout.persist = Persist(start, r.offset, None)
            continue
        literal = _string(r, MAX_PERSIST_BYTES)
        if literal is None:
            raise TooLarge(f"'{PERSIST_KEY}' is larger than {MAX_PERSIST_BYTES >> 20} MiB")
        layout.persist = Persist(start, r.offset, literal)


def _top_scalar(r: _Reader) -> Any:
    if r.peek() in (_QUOTE, 0x5B, 0x7B):
        skip_value(r, 2)
        return None
    raw = _scalar(r)
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        raise r.fail("malformed value") from None


def scan(stream: IO[bytes], limit: int) -> Layout:
    """Walk the ``data.json`` bytes of ``stream`` once (at most ``limit`` of them)."""
    r = _Reader(stream, limit)
    layout = Layout()
    for key in members(r, "data.json"):
        if key is None:
            skip_value(r, 2)
            continue
        layout.kinds[key] = r.peek()
        if key == "localStorage" and layout.kinds[key] == 0x7B:
            _local_storage(r, layout)
        elif key in ("version", "time"):
            layout.scalars[key] = _top_scalar(r)
        else:
            skip_value(r, 2)
    if r.peek() != -1:
        raise r.fail("unexpected text after the top-level object")
    layout.size = r.offset
    return layout


def _exactly(src: IO[bytes], count: int) -> Iterator[bytes]:
    while count > 0:
        chunk = src.read(min(CHUNK, count))
        if not chunk:
            raise ShapeError("data.json changed while it was read")
        count -= len(chunk)
        yield chunk


def spliced(src: IO[bytes], span: tuple[int, int], size: int, value: bytes) -> Iterator[bytes]:
    """The bytes of ``src`` (``size`` of them) with ``span`` replaced by ``value``, streamed."""
    start, end = span
    yield from _exactly(src, start)
    yield value
    for _ in _exactly(src, end - start):
        pass
    yield from _exactly(src, size - end)
    if src.read(1):
        raise ShapeError("data.json changed while it was read")
