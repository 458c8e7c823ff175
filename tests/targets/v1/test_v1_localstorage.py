"""Reading ``persist:cherry-studio`` from real Chromium-style LevelDBs (reference §3.1)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cherrysync.samples.v1backup import SYSTEM_PROVIDERS, USER_PROVIDER, js, persist_state
from cherrysync.samples.v1localstorage import blink, build_profile, write_store
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1 import localstorage
from cherrysync.targets.v1.localstorage import read_installed_state
from leveldb_support import plyvel_or_skip

plyvel = plyvel_or_skip()
KEY = b"_file://\x00\x01persist:cherry-studio"


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_table_and_newer_log_the_newest_wins(tmp_path: Path) -> None:
    store = write_store(tmp_path / "leveldb")
    tables = list(store.glob("*.ldb"))
    logs = [p for p in store.glob("*.log") if p.stat().st_size > 0]
    assert tables and logs, "the sample keeps the old state in a table, the new one in the log"
    before = fingerprint(store)
    state = json.loads(read_installed_state(store))
    providers = json.loads(state["llm"])["providers"]
    assert [p["id"] for p in providers] == [p["id"] for p in [*SYSTEM_PROVIDERS, USER_PROVIDER]]
    assert fingerprint(store) == before, "the app's folder is never opened, only copied"
    # Without the log, LevelDB finds the older state in the table: both layers are real.
    for log in logs:
        log.unlink()
    older = json.loads(read_installed_state(store))
    assert json.loads(older["llm"])["providers"] == []


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("Café Relay", b"\x01"), ("中转站 🍒", b"\x00")],
)
def test_latin1_and_utf16_values(tmp_path: Path, name: str, prefix: bytes) -> None:
    state = persist_state([dict(USER_PROVIDER, name=name, notes="naïve")])
    store = write_store(tmp_path / "leveldb", state)
    copy = tmp_path / "copy"
    copy.mkdir()
    assert localstorage.snapshot(store, copy)
    db = plyvel.DB(str(copy))
    assert db.get(KEY)[:1] == prefix
    db.close()
    text = read_installed_state(store)
    assert text == js(state)
    assert json.loads(json.loads(text)["llm"])["providers"][0]["name"] == name


def test_utf16_script_key_and_a_development_origin(tmp_path: Path) -> None:
    store = write_store(tmp_path / "a", utf16_key=True)
    assert "Home vLLM" in read_installed_state(store)
    dev = write_store(tmp_path / "b", origin=b"_http://localhost:5173")
    assert "Home vLLM" in read_installed_state(dev)


def _put(store: Path, key: bytes, value: bytes) -> None:
    db = plyvel.DB(str(store), create_if_missing=True)
    db.put(key, value)
    db.close()


def test_missing_ambiguous_or_damaged_state(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    _put(empty, b"VERSION", b"1")
    with pytest.raises(TargetError, match=r"holds no Cherry Studio state.*it is not there"):
        read_installed_state(empty)
    two = write_store(tmp_path / "two", origin=b"_http://localhost:5173")
    _put(two, b"_http://localhost:1212\x00\x01persist:cherry-studio", blink("{}"))
    with pytest.raises(TargetError, match=r"several origins \(http://localhost:1212, http://"):
        read_installed_state(two)
    bad = write_store(tmp_path / "bad")
    _put(bad, KEY, b"\x07junk")
    with pytest.raises(TargetError, match=r"damaged.*unknown encoding"):
        read_installed_state(bad)
    with pytest.raises(TargetError, match="not a LevelDB folder"):
        read_installed_state(tmp_path / "nowhere")


def test_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = write_store(tmp_path / "leveldb")
    monkeypatch.setattr(localstorage, "MAX_VALUE_BYTES", 1000)
    with pytest.raises(TargetError, match="larger than 0 MiB"):
        read_installed_state(store)
    monkeypatch.setattr(localstorage, "MAX_STORE_BYTES", 4096)
    with pytest.raises(TargetError, match="holds more than 0 MiB"):
        read_installed_state(store)


def test_without_plyvel_the_error_names_the_install_and_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = write_store(tmp_path / "leveldb")
    monkeypatch.setitem(sys.modules, "plyvel", None)
    with pytest.raises(TargetError, match=r"pip install 'cherrysync\[v1\]'.*Export as file"):
        read_installed_state(store)


WRITER = """
import json, sys, time, plyvel
db = plyvel.DB(sys.argv[1], create_if_missing=True, write_buffer_size=64 * 1024)
key = b"_file://\\x00\\x01persist:cherry-studio"
pad = "x" * 20000
i = 0
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    llm = json.dumps({"providers": [{"id": f"p{i}", "pad": pad}]})
    db.put(key, b"\\x01" + json.dumps({"llm": llm, "_persist": '{"version":208}'}).encode())
    if i % 7 == 0:
        db.compact_range()
    if i == 0:
        print("ready", flush=True)
    i += 1
    time.sleep(0.01)
db.close()
"""


def test_reading_while_the_app_writes(tmp_path: Path) -> None:
    """A real writer keeps writing and compacting; every read sees one whole state."""
    store = tmp_path / "leveldb"
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(store), "4"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        seen = set()
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            state = json.loads(read_installed_state(store))
            seen.add(json.loads(state["llm"])["providers"][0]["id"])
        assert len(seen) > 1, "the reads saw the writer's progress"
    finally:
        writer.wait(timeout=30)


def test_profile_builder_matches_the_app_layout(tmp_path: Path) -> None:
    profile = build_profile(tmp_path / "CherryStudio")
    assert (profile / "Local Storage" / "leveldb" / "CURRENT").is_file()
    assert (profile / "IndexedDB").is_dir() and (profile / "Data").is_dir()
