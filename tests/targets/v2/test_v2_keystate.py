"""Keys the app may encrypt (reference §4.5): cherrysync's record keeps plans true.

The app's sweep is simulated on a real database: every plaintext key of a provider becomes a
``v1:aes:`` envelope, as upstream PR #19138 does at each start.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.plan.formats import render_plan_json, render_plan_text
from cherrysync.secrets import Secret
from cherrysync.targets.v2.apikeys import ENCRYPTED
from cherrysync.targets.v2.keystate import KeyState, state_path
from cherrysync.targets.v2.target import DatabaseTarget
from v2checks import check_invariants, execute, rows, snapshot
from v2fixtures import ENV, build_data_folder, load, write_file

SEALED = ["acme", "resp", "claude", "gem", "azure-eu", "newrelay"]
ROTATED = "sk-acme-rotated-0123456789"


@pytest.fixture(params=["2.0", "2.1"])
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_data_folder(tmp_path / "CherryStudio", request.param)


def _keys(db: Path, pid: str) -> list[dict[str, Any]]:
    (row,) = rows(db, "SELECT api_keys FROM user_provider WHERE provider_id = ?", pid)
    value: list[dict[str, Any]] = json.loads(row["api_keys"])
    return value


def _seal(db: Path, pids: list[str]) -> None:
    """The app's sweep: AES-GCM envelopes (iv ‖ tag ‖ ciphertext), random like the real ones."""
    for pid in pids:
        keys = _keys(db, pid)
        for entry in keys:
            if not entry["key"].startswith("v1:"):
                blob = os.urandom(12 + 16 + len(entry["key"]))
                entry["key"] = "v1:aes:" + base64.b64encode(blob).decode()
        execute(
            db,
            "UPDATE user_provider SET api_keys = ? WHERE provider_id = ?",
            json.dumps(keys),
            pid,
        )


def test_the_record_is_private_and_holds_no_key(db: Path, tmp_path: Path) -> None:
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    path = state_path(db)
    assert path == db.parent / "cherrystudio.cherrysync-keys.json"
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    for value in ENV.values():
        assert value not in text
        assert hashlib.sha256(value.encode()).hexdigest() not in text
    record = json.loads(text)
    assert set(record) == {"format", "version", "salt", "providers"}
    assert set(record["providers"]) == set(SEALED)  # ollama and "off" have no key
    assert all(len(fp) == 64 for p in record["providers"].values() for fp in p.values())


def test_encrypted_keys_plan_nothing_and_a_changed_key_is_applied(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    _seal(db, SEALED)
    sealed = _keys(db, "acme")
    before = snapshot(db)
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(providers, prune=False)
    assert plan.empty
    # the record ties every envelope to one of the file's keys: no replacement is announced
    assert [n for n in plan.notes if n.startswith("provider 'acme':")] == [
        "provider 'acme': 2 stored key(s) encrypted by Cherry Studio; compared with "
        "cherrysync's record of what it last applied to this database"
    ]
    again = target.apply(providers, prune=False)
    assert again.transactions == 0 and snapshot(db) == before

    rotated = load(write_file(tmp_path), {**ENV, "ACME_KEY_2": ROTATED})
    target = DatabaseTarget.locate(str(db))
    plan = target.plan(rotated, prune=False)
    (change,) = plan.changes
    assert (change.action, change.provider, change.fields) == ("change", "acme", ("api_keys",))
    assert change.before is not None and change.after is not None
    first = {"entry": sealed[0]["id"], "key": ENCRYPTED}
    assert change.before["api_keys"] == [first, {"entry": sealed[1]["id"], "key": ENCRYPTED}]
    assert change.after["api_keys"] == [first, Secret(ROTATED)]
    shown = render_plan_text(plan) + render_plan_json(plan)
    assert "encrypted by Cherry Studio" in shown and ROTATED not in shown
    assert not any(e["key"] in shown for e in sealed)

    target.apply(rotated, prune=False)
    check_invariants(db)
    now = _keys(db, "acme")
    assert now[0] == sealed[0]  # the envelope of the unchanged key is left alone
    assert now[1]["key"] == ROTATED and uuid.UUID(now[1]["id"]).version == 4
    assert now[1]["id"] != sealed[1]["id"]
    assert DatabaseTarget.locate(str(db)).plan(rotated, prune=False).empty
    _seal(db, ["acme"])  # the next start encrypts the new key too
    assert DatabaseTarget.locate(str(db)).plan(rotated, prune=False).empty


def test_without_a_record_encrypted_keys_are_replaced(db: Path, tmp_path: Path) -> None:
    providers = load(write_file(tmp_path))
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    _seal(db, ["acme"])
    state_path(db).write_text("{not json")
    plan = DatabaseTarget.locate(str(db)).plan(providers, prune=False)
    assert [(c.provider, c.fields) for c in plan.changes] == [("acme", ("api_keys",))]
    assert any("key record" in n and "cannot be used" in n for n in plan.notes)
    assert [n for n in plan.notes if n.startswith("provider 'acme':")] == [
        "provider 'acme': 2 stored key(s) encrypted by Cherry Studio; compared with "
        "cherrysync's record of what it last applied to this database",
        "provider 'acme': 2 encrypted key(s) are not in that record as one of the file's keys "
        "(changed in the app, or applied by another tool); apply replaces them with the file's "
        "keys, written in plaintext for the app to encrypt at its next start",
    ]
    DatabaseTarget.locate(str(db)).apply(providers, prune=False)
    assert [e["key"] for e in _keys(db, "acme")] == [ENV["ACME_KEY"], ENV["ACME_KEY_2"]]
    assert KeyState.load(state_path(db)).problem is None
    _seal(db, ["acme"])
    assert DatabaseTarget.locate(str(db)).plan(providers, prune=False).empty


def test_import_says_which_keys_it_cannot_read(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    DatabaseTarget.locate(str(db)).apply(load(write_file(tmp_path)), prune=False)
    _seal(db, ["acme"])
    envelopes = [e["key"] for e in _keys(db, "acme")]
    out = tmp_path / "imported.yaml"
    assert main(["import", "--from", str(db), "-o", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    text, env = out.read_text(), (tmp_path / ".env").read_text()
    assert "provider 'acme': 2 key(s) are encrypted by Cherry Studio and cannot be read" in stderr
    assert "ACME_API_KEY, ACME_API_KEY_2" in stdout
    assert "    api_key:\n      - ${ACME_API_KEY}\n      - ${ACME_API_KEY_2}\n" in text
    assert "# ACME_API_KEY=" in env and "# ACME_API_KEY_2=" in env
    assert f"RESP_API_KEY='{ENV['ACME_KEY']}'" in env  # readable keys are still exported
    for envelope in envelopes:
        assert envelope not in stdout + stderr + text + env
        assert envelope[7:20] not in stdout + stderr + text + env
    # the imported file cannot silently drop the keys: their variables are unset
    code = main(["plan", str(out), "--target", str(db), "--env-file", str(tmp_path / ".env")])
    assert code == 1 and "ACME_API_KEY" in capsys.readouterr().err


def test_record_fingerprints_depend_on_the_salt(tmp_path: Path) -> None:
    one, two = KeyState(tmp_path / "a.json"), KeyState(tmp_path / "b.json")
    assert one.fingerprint("p", "e", "k") != two.fingerprint("p", "e", "k")
    assert one.fingerprint("p", "e", "k") != one.fingerprint("p", "e2", "k")
    one.record("p", [{"id": "e", "key": "k"}], ["k"])
    assert one.holds("p", "e", "k") and not one.holds("p", "e", "other")
    # an envelope keeps its record only while it is recognised as one of the file's keys
    one.record("p", [{"id": "e", "key": "v1:ss:abc"}], ["k"])
    assert one.holds("p", "e", "k")
    one.record("p", [{"id": "e", "key": "v1:ss:abc"}], ["changed"])
    assert "p" not in one.providers


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe", "codec"),
        (b'{"format": "other"}', "not a cherrysync key record"),
        (b'{"format": "cherrysync key record", "version": 9}', "unknown version 9"),
        (b'{"format": "cherrysync key record", "version": 1, "salt": "!!"}', "damaged salt"),
        (b" " * (5 << 20), "larger than 4 MiB"),
    ],
)
@pytest.mark.usefixtures("loose_umask")  # the rewrite is private whatever the umask
def test_unusable_records_count_as_empty(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "x.cherrysync-keys.json"
    path.write_bytes(content)
    state = KeyState.load(path)
    assert state.providers == {} and state.problem is not None and problem in state.problem
    state.record("p", [{"id": "e", "key": "k"}], ["k"])
    assert state.save() and path.stat().st_mode & 0o777 == 0o600
    assert KeyState.load(path).holds("p", "e", "k")
    assert not KeyState.load(path).save()  # unchanged: not rewritten


def test_a_symlinked_record_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("keep")
    path = tmp_path / "x.cherrysync-keys.json"
    path.symlink_to(elsewhere)
    state = KeyState.load(path)
    assert state.problem == "not a regular file"
    state.save()
    assert elsewhere.read_text() == "keep" and not path.is_symlink()
