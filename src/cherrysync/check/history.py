"""``check --history FILE``: one JSON line per run, and what changed since the previous one.

A record holds, per result, the provider id, the key's *index* (never a key, not even masked),
the model, the status, the level and the latency. Records of other providers files may share
the history file; a run compares itself with the last record of the same file.

The file is hostile input like any other: only its tail is read (:data:`MAX_READ`), at most
:data:`MAX_LINES` lines of it are examined, a line over :data:`MAX_LINE` or one that is not a
record is skipped with a warning. It is created with mode 0600 and each run appends its line
with one ``write`` on an ``O_APPEND`` descriptor, so concurrent runs do not interleave lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cherrysync.check.body import INVALID, parse_json
from cherrysync.check.result import LEVELS, STATUSES, CheckResult
from cherrysync.errors import CherrysyncError, io_message
from cherrysync.escaping import printable
from cherrysync.fileio import append_regular_file, open_regular_file

VERSION = 1
MAX_READ = 16 * 1024 * 1024
MAX_LINE = 8 * 1024 * 1024
MAX_LINES = 1000
#: "latency doubled" also needs this many more milliseconds, so 2 ms -> 4 ms is not news
LATENCY_NOISE_MS = 50

Identity = tuple[str, int | None, str | None]


@dataclass(frozen=True)
class Entry:
    """One result as the history keeps it."""

    provider: str
    key: int | None
    model: str | None
    status: str
    level: str
    latency_ms: int | None

    @property
    def identity(self) -> Identity:
        return self.provider, self.key, self.model

    @property
    def failing(self) -> bool:
        return self.level == "fail"

    def label(self) -> str:
        key = "no key" if self.key is None else f"key {self.key}"
        return f"{self.provider} {key} / {self.model or '(key)'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "key": self.key,
            "model": self.model,
            "status": self.status,
            "level": self.level,
            "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True)
class Run:
    time: str
    file: str
    entries: list[Entry]


@dataclass
class Previous:
    """What reading the history found: the last run of the same file, and skipped lines."""

    run: Run | None = None
    warnings: list[str] = field(default_factory=list)
    #: the file ends without a newline (a torn write): the next line must start a new one
    torn: bool = False


def entries(results: Sequence[CheckResult]) -> list[Entry]:
    return [
        Entry(r.provider, r.key_index, r.model, r.status, r.level, r.latency_ms) for r in results
    ]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------ reading


def _entry(data: Any) -> Entry | None:
    if not isinstance(data, dict):
        return None
    provider, key, model = data.get("provider"), data.get("key"), data.get("model")
    status, level, latency = data.get("status"), data.get("level"), data.get("latency_ms")
    if not isinstance(provider, str) or status not in STATUSES or level not in LEVELS:
        return None  # a status or level is shown again later: only ours are ever read
    if key is not None and (isinstance(key, bool) or not isinstance(key, int)):
        return None
    if model is not None and not isinstance(model, str):
        return None
    if latency is not None and (isinstance(latency, bool) or not isinstance(latency, int)):
        return None
    return Entry(provider, key, model, status, level, latency)


def parse_record(line: bytes) -> Run | None:
    """A history line as a run, or None when it is not one (any version but ours included)."""
    data, _ = parse_json(line)  # bounded nesting, like every JSON cherrysync reads
    if data is INVALID or not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    time, file, results = data.get("time"), data.get("file"), data.get("results")
    if not (isinstance(time, str) and isinstance(file, str) and isinstance(results, list)):
        return None
    found = [_entry(item) for item in results]
    if any(e is None for e in found):
        return None
    return Run(time, file, [e for e in found if e is not None])


def _tail(path: str) -> tuple[bytes, bool] | None:
    """The last :data:`MAX_READ` bytes, and whether they start at the top of the file."""
    try:
        with open_regular_file(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            start = max(0, size - MAX_READ)
            handle.seek(start)
            return handle.read(size - start), start == 0
    except FileNotFoundError:
        return None
    except OSError as exc:  # NotRegularFileError too: a FIFO, a device, a folder
        raise CherrysyncError(io_message(f"history file {path}", exc)) from None


def read_previous(path: str, file: str) -> Previous:
    """The last run of ``file`` recorded in ``path`` (none when the file does not exist).

    Raises CherrysyncError (exit 2) when the path cannot be read or is not a regular file.
    """
    tail = _tail(path)
    if tail is None:
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):  # say so now, not after the whole run
            raise CherrysyncError(f"history file {path}: the folder {folder} does not exist")
        return Previous()
    data, whole = tail
    found = Previous(torn=bool(data) and not data.endswith(b"\n"))
    lines = data.split(b"\n")
    if not whole:
        lines = lines[1:]  # the first one is cut
    examined = 0
    for back, line in enumerate(reversed(lines)):
        if not line.strip():
            continue
        examined += 1
        if examined > MAX_LINES:
            break
        where = f"line {len(lines) - back}" if whole else f"line {back} from the end"
        run = parse_record(line) if len(line) <= MAX_LINE else None
        if run is None:
            found.warnings.append(f"history {path}: {where} is not a history record; skipped")
        elif run.file == file:
            found.run = run
            break
    return found


# ------------------------------------------------------------------------------------ writing


def append(path: str, file: str, results: Sequence[CheckResult], *, torn: bool = False) -> None:
    """Append this run as one line (created 0600; one ``write`` on an O_APPEND descriptor)."""
    record = {
        "version": VERSION,
        "time": now(),
        "file": file,
        "results": [e.as_dict() for e in entries(results)],
    }
    line = ("\n" if torn else "") + json.dumps(record, separators=(",", ":")) + "\n"
    try:
        append_regular_file(path, line.encode("utf-8"), 0o600)
    except OSError as exc:
        raise CherrysyncError(io_message(f"history file {path}", exc, "write")) from None


# ------------------------------------------------------------------------------------ changes


@dataclass
class Changes:
    """What differs from the previous run: (before, after) pairs, in this run's order."""

    since: str
    newly_failing: list[tuple[Entry | None, Entry]] = field(default_factory=list)
    recovered: list[tuple[Entry, Entry]] = field(default_factory=list)
    slower: list[tuple[Entry, Entry]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.newly_failing or self.recovered or self.slower)


def compare(previous: Run, results: Sequence[CheckResult]) -> Changes:
    """Newly failing (failing now, not before or not there), recovered (failing before, not
    now) and latency doubled (at least twice and :data:`LATENCY_NOISE_MS` slower)."""
    before = {e.identity: e for e in previous.entries}
    changes = Changes(previous.time)
    for now_entry in entries(results):
        old = before.get(now_entry.identity)
        if now_entry.failing and (old is None or not old.failing):
            changes.newly_failing.append((old, now_entry))
        elif old is not None and old.failing and not now_entry.failing:
            changes.recovered.append((old, now_entry))
        if old is not None and _doubled(old.latency_ms, now_entry.latency_ms):
            changes.slower.append((old, now_entry))
    return changes


def _doubled(before: int | None, after: int | None) -> bool:
    if before is None or after is None:
        return False
    return after >= 2 * before and after - before >= LATENCY_NOISE_MS


def change_lines(changes: Changes) -> list[str]:
    """One line per change, for stderr and the job summary."""
    lines = [
        f"newly failing: {new.label()}: {new.status}"
        + (f" (was {old.status})" if old is not None else " (new)")
        for old, new in changes.newly_failing
    ]
    lines += [
        f"recovered: {new.label()}: {new.status} (was {old.status})"
        for old, new in changes.recovered
    ]
    lines += [
        f"latency doubled: {new.label()}: {old.latency_ms} ms -> {new.latency_ms} ms"
        for old, new in changes.slower
    ]
    return lines


def since(changes: Changes) -> str:
    """When the previous run was, as its record says (escaped: it is the file's text)."""
    return printable(changes.since)


def render_text(changes: Changes | None, path: str) -> str:
    """What ``check`` prints on stderr after recording a run."""
    if changes is None:
        return f"history: first run of this file recorded in {path}\n"
    if changes.empty:
        return f"history: no changes since the run of {since(changes)}\n"
    lines = [f"history: changes since the run of {since(changes)}:"]
    lines += [f"  {line}" for line in change_lines(changes)]
    return "\n".join(lines) + "\n"


def render_markdown(changes: Changes | None) -> str:
    """A job-summary section (appended after the results table)."""
    if changes is None:
        return "First run recorded in the history file.\n\n"
    if changes.empty:
        return f"No changes since the run of {since(changes)}.\n\n"
    lines = [f"**Changes since the run of {since(changes)}**", ""]
    lines += [f"- {line}" for line in change_lines(changes)]
    return "\n".join(lines) + "\n\n"
