"""A 1.x backup's ``data.json``: check it is one, read ``llm``, splice a new ``llm`` in (pure).

Patching splices bytes instead of re-serialising the document: every byte outside the
``persist:cherry-studio`` string stays as the app wrote it (IndexedDB tables, other
``localStorage`` keys), and inside it every slice string other than ``llm`` keeps its exact text,
``_persist`` included (reference §3.1, §3.5). ``data.json`` itself is read as a stream
(:mod:`.datajson`): only the persisted state is ever decoded.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH
from cherrysync.targets.base import TargetError
from cherrysync.targets.found import EXPORT_AS_FILE
from cherrysync.targets.v1 import datajson

PERSIST_KEY = datajson.PERSIST_KEY
#: Backup formats cherrysync patches: current 1.x writers produce 5 (reference §3.4).
KNOWN_BACKUP_VERSIONS = frozenset({5})

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def js_json(value: Any) -> str:
    """``JSON.stringify`` text: compact, non-ASCII kept, lone surrogates escaped as JS does."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class _Member:
    key: str
    value: Any
    start: int
    end: int


def _members(text: str, pos: int) -> Iterator[_Member]:
    """Top-level members of the JSON object starting at ``pos``, with each value's span."""
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "{":
        raise ValueError("expected an object")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] == "}":
        return
    while True:
        if text[pos : pos + 1] != '"':
            raise ValueError("expected a key")
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise ValueError("expected ':'")
        start = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        value, end = _DECODER.raw_decode(text, start)
        yield _Member(key, value, start, end)
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text[pos : pos + 1] == "}":
            return
        raise ValueError("expected ',' or '}'")


def _index(text: str, pos: int = 0) -> dict[str, _Member]:
    """Members by key; the last duplicate wins, as in ``JSON.parse``."""
    return {m.key: m for m in _members(text, pos)}


def _not_backup(detail: str) -> TargetError:
    return TargetError(f"not a Cherry Studio 1.x backup: {detail}")


@dataclass
class PersistState:
    """The persisted Redux state (``persist:cherry-studio``) and where its ``llm`` slice sits.

    Every 1.x source yields one: a format-5 ``data.json``, or the ``localStorage`` LevelDB of a
    format-6 backup or a live installation (reference §3.1).
    """

    text: str
    llm_span: tuple[int, int]
    llm: dict[str, Any]
    slices: dict[str, Any]
    persist_version: int

    def slice(self, name: str) -> dict[str, Any] | None:
        """A decoded slice (``assistants``, ...), or None when absent or unreadable."""
        raw = self.slices.get(name)
        try:
            value = (
                boundedjson.loads(raw, max_depth=APP_JSON_DEPTH) if isinstance(raw, str) else None
            )
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    @property
    def providers(self) -> list[Any]:
        providers = self.llm.get("providers")
        return providers if isinstance(providers, list) else []

    def patched(self, providers: list[Any]) -> str:
        """The state text with only ``llm.providers`` replaced."""
        llm = dict(self.llm)
        llm["providers"] = providers
        a, b = self.llm_span
        return self.text[:a] + js_json(js_json(llm)) + self.text[b:]


def parse_persist(text: str, fail: Callable[[str], TargetError] = _not_backup) -> PersistState:
    """Check that ``text`` is the app's persisted state and locate its ``llm`` slice."""
    try:
        boundedjson.check_depth(text, max_depth=APP_JSON_DEPTH)
        slices = _index(text)
    except ValueError as exc:
        raise fail(f"'{PERSIST_KEY}' is not a JSON object ({exc})") from None
    llm_member = slices.get("llm")
    if llm_member is None or not isinstance(llm_member.value, str):
        raise fail("the Redux state has no 'llm' slice")
    try:
        llm = boundedjson.loads(llm_member.value, max_depth=APP_JSON_DEPTH)
    except ValueError as exc:
        raise fail(f"the 'llm' slice is not usable JSON ({exc})") from None
    if not isinstance(llm, dict) or not isinstance(llm.get("providers"), list):
        raise fail("the 'llm' slice has no 'providers' list")
    return PersistState(
        text=text,
        llm_span=(llm_member.start, llm_member.end),
        llm=llm,
        slices={k: m.value for k, m in slices.items()},
        persist_version=_persist_version(slices),
    )


@dataclass
class BackupData:
    """What cherrysync reads from ``data.json``: its format, the persisted state, and the byte
    span of the ``persist:cherry-studio`` string (everything else stays unread bytes)."""

    version: int
    persist_span: tuple[int, int]
    size: int
    state: PersistState
    time_ms: int | None = None

    @property
    def providers(self) -> list[Any]:
        return self.state.providers

    def replacement(self, providers: list[Any]) -> bytes:
        """The new ``persist:cherry-studio`` string (JSON text) with ``llm.providers`` replaced."""
        return js_json(self.state.patched(providers)).encode("utf-8")


def _version_hint(kinds: dict[str, int]) -> str:
    if "redux" in kinds:
        return "this is a Cherry Studio mobile export, which the desktop app cannot restore"
    return "data.json has no 'localStorage' object"


def _check_version(version: Any) -> int:
    if not isinstance(version, int) or isinstance(version, bool):
        raise _not_backup("data.json has no numeric 'version'")
    if version not in KNOWN_BACKUP_VERSIONS:
        known = ", ".join(map(str, sorted(KNOWN_BACKUP_VERSIONS)))
        raise TargetError(
            f"backup format version {version} is not supported (known: {known}); in Cherry "
            f"Studio 1.x, {EXPORT_AS_FILE} writes a format-5 zip that cherrysync patches"
        )
    return version


def read_backup(stream: IO[bytes], limit: int) -> BackupData:
    """Check that ``stream`` is a restorable 1.x ``data.json`` and read its persisted state,
    reading at most ``limit`` bytes and holding only the state."""
    try:
        layout = datajson.scan(stream, limit)
    except datajson.TooLarge as exc:
        raise TargetError(f"{exc}; refusing to read it") from None
    except ValueError as exc:  # ShapeError, TooDeep
        raise _not_backup(f"data.json is not a JSON object ({exc})") from None
    version = _check_version(layout.scalars.get("version"))
    if layout.kinds.get("localStorage") != ord("{"):
        raise _not_backup(_version_hint(layout.kinds))
    if layout.kinds.get("indexedDB") != ord("{"):
        # the app's restore reads it as an object (even {}) and throws otherwise (§3.4)
        raise _not_backup(
            "data.json has no 'indexedDB' object, so the app's restore would fail on it; make a "
            "fresh backup in the app"
        )
    persist = layout.persist
    if persist is None or persist.literal is None:
        raise _not_backup(f"localStorage has no '{PERSIST_KEY}' string")
    try:
        text = json.loads(persist.literal.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError included
        raise _not_backup(f"'{PERSIST_KEY}' is not a valid JSON string ({exc})") from None
    return BackupData(
        version=version,
        persist_span=(persist.start, persist.end),
        size=layout.size,
        state=parse_persist(text),
        time_ms=_int(layout.scalars.get("time")),
    )


def parse_backup(data: bytes | str, limit: int = 1 << 62) -> BackupData:
    """:func:`read_backup` of ``data.json`` held in memory (tests, small inputs)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_backup(io.BytesIO(raw), limit)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _persist_version(slices: dict[str, _Member]) -> int:
    """``_persist.version``: without it the app would replay every migration, so refuse."""
    member = slices.get("_persist")
    try:
        raw = member.value if member and isinstance(member.value, str) else None
        meta = boundedjson.loads(raw, max_depth=APP_JSON_DEPTH) if raw is not None else None
    except ValueError:
        meta = None
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise TargetError(
            "the backup's Redux state has no '_persist.version'; restoring it would re-run "
            "every app migration, so cherrysync refuses to patch it"
        )
    return version
