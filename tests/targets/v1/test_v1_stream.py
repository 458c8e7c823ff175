"""``data.json`` read as a stream: the same answers as a full JSON parse, for any layout and any
chunking, and memory that does not follow the parts cherrysync does not change."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cherrysync.samples.v1backup import PERSIST_KEY, data_json, js, persist_state
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1 import datajson
from cherrysync.targets.v1.backupdata import parse_backup
from v1fixtures import spliced_file

#: Strings that stress a byte scanner: quotes, escapes, brackets, a backslash before a quote.
tricky = st.lists(
    st.sampled_from(['"', "\\", "[", "]", "{", "}", "a", " ", "\n", "é", "🍒", ":", '\\"']),
    max_size=12,
).map("".join)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | tricky,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky, inner, max_size=4),
    max_leaves=25,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    local = draw(st.dictionaries(tricky.filter(lambda k: k != PERSIST_KEY), values, max_size=3))
    local[PERSIST_KEY] = js(persist_state())
    items = list(local.items())
    draw(st.randoms()).shuffle(items)
    top: list[tuple[str, Any]] = [
        ("time", 1764000000000),
        ("version", 5),
        ("localStorage", dict(items)),
        ("indexedDB", draw(st.dictionaries(tricky, values, max_size=4))),
        *draw(st.lists(st.tuples(tricky.map(lambda k: "x" + k), values), max_size=2)),
    ]
    draw(st.randoms()).shuffle(top)
    return dict(top)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=documents(),
    indent=st.sampled_from([None, 1, "\t"]),
    ascii_only=st.booleans(),
    chunk=st.integers(1, 64),
    region=st.integers(1, 64),
)
def test_stream_scan_agrees_with_a_full_parse(
    doc: dict[str, Any],
    indent: Any,
    ascii_only: bool,
    chunk: int,
    region: int,
) -> None:
    raw = json.dumps(doc, indent=indent, ensure_ascii=ascii_only).encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datajson, "CHUNK", chunk)
        patch.setattr(datajson, "REGION", region)
        data = parse_backup(raw)
        start, end = data.persist_span
        assert json.loads(raw[start:end]) == doc["localStorage"][PERSIST_KEY]
        assert data.size == len(raw) and data.version == 5 and data.time_ms == 1764000000000
        new = [{"id": "x", "models": []}]
        patched = spliced_file(data, raw, new)
    assert patched[:start] == raw[:start] and patched.endswith(raw[end:])
    after = json.loads(patched)
    assert json.loads(json.loads(after["localStorage"][PERSIST_KEY])["llm"])["providers"] == new
    after["localStorage"].pop(PERSIST_KEY)
    doc["localStorage"].pop(PERSIST_KEY)
    assert after == doc


def test_truncated_or_trailing_bytes_are_clear_errors() -> None:
    raw = js(data_json()).encode()
    rng = random.Random(7)
    for cut in sorted({rng.randrange(1, len(raw)) for _ in range(60)}):
        with pytest.raises(TargetError, match=r"not a Cherry Studio 1\.x backup"):
            parse_backup(raw[:cut])
    with pytest.raises(TargetError, match="unexpected text after the top-level object"):
        parse_backup(raw + b" {}")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"version":5,"indexedDB":{"a":"\\', "unterminated string"),
        (b'{"version":5,"indexedDB":{"a":[}}', "expected"),
        (b'{"version":5 "indexedDB":{}}', "expected ',' or '}'"),
        (b'{"version":5e,"localStorage":{},"indexedDB":{}}', "malformed value"),
    ],
)
def test_malformed_structure(raw: bytes, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        parse_backup(raw)


def _bomb(path: Path, whitespace_mb: int) -> None:
    """A small zip whose data.json inflates to ``whitespace_mb`` MiB, nearly all inside
    IndexedDB (written in pieces: the test itself never holds it)."""
    head, tail = js(data_json(indexedDB={"topics": "HOLE"})).split('"HOLE"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("data.json", "w", force_zip64=True) as out:
            out.write(head.encode() + b"[")
            for n in range(whitespace_mb):
                out.write(b" " * (1 << 20) + (b"," if n else b"") + b'"x"')
            out.write(b"]" + tail.encode())
        zf.writestr("Data/", b"")


#: The child's own peak (VmHWM): ``ru_maxrss`` would start from the parent's peak, which a
#: process inherits across fork and exec on Linux.
CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from v1fixtures import resolved
from cherrysync.targets.v1.target import BackupTarget
target = BackupTarget(Path(sys.argv[1]), out=Path(sys.argv[2]))
getattr(target, "plan" if sys.argv[4] == "plan" else "apply")(resolved(), prune=False)
status = Path("/proc/self/status").read_text()
print(next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) >> 10)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("step", ["plan", "apply"])
def test_memory_does_not_follow_what_is_not_patched(tmp_path: Path, step: str) -> None:
    """A zip of ~0.5 MB whose data.json inflates to 200 MB of whitespace: tens of MB, not
    hundreds (a full parse took twice the inflated size)."""
    backup, out = tmp_path / "bomb.zip", tmp_path / "out.zip"
    _bomb(backup, 200)
    assert backup.stat().st_size < 2 << 20
    tests = str(Path(__file__).parents[2])
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(backup), str(out), tests, step],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    peak_mb = int(result.stdout.split()[-1])
    assert peak_mb < 120, f"{step} peaked at {peak_mb} MB"
    if step == "apply":
        with zipfile.ZipFile(out) as zf, zf.open("data.json") as member:
            assert member.read(len(b'{"time"')) == b'{"time"'
            assert zf.testzip() is None
