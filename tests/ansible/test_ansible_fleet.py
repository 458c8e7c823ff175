"""The module cherrysync.cherrysync.apply through the real ``ansible-playbook`` on three local
hosts, each with its own Cherry Studio 2.x data folder of a different shape."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ansible_support import Run, ansible_env, playbook, program, write_yaml
from standin_app import running_app
from v2checks import snapshot
from v2fixtures import ENV, build_data_folder, empty_database, write_file

pytestmark = pytest.mark.slow

ROTATED = "sk-rotated-9876543210"

PLAYBOOK = """\
- name: One reviewed providers file, many machines
  hosts: all
  gather_facts: false
  tasks:
    - name: Apply the providers file
      block:
        - name: Apply the providers file
          cherrysync.cherrysync.apply:
            executable: "{{ cherrysync_executable }}"
            src: "{{ providers_src }}"
            target: "{{ app_folder }}"
            env: "{{ cherrysync_secrets }}"
            wait: "{{ cherrysync_wait | default(0) }}"
          register: result
      always:
        - name: Keep the result for the test
          ansible.builtin.copy:
            content: "{{ result | to_nice_json }}"
            dest: "{{ results_dir }}/{{ inventory_hostname }}.json"
            mode: "0600"
          check_mode: false
          changed_when: false
"""


@dataclass
class Fleet:
    workdir: Path
    env: dict[str, str]
    folders: dict[str, Path]
    databases: dict[str, Path]

    def run(self, *args: str) -> Run:
        return playbook(self.workdir, self.env, *args)

    def result(self, host: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.workdir / "results" / f"{host}.json").read_text())
        return data

    def backups(self, host: str) -> list[Path]:
        return sorted(self.databases[host].parent.glob("*.cherrysync-backup.sqlite"))


@pytest.fixture
def fleet(tmp_path: Path, collections: Path) -> Iterator[Fleet]:
    """ana: 2.1 in Data/; ben: early 2.0 at the folder's root; cy: a fresh 2.1 install."""
    databases = {
        "ana": build_data_folder(tmp_path / "ana" / "CherryStudio"),
        "ben": build_data_folder(tmp_path / "ben" / "CherryStudio", "2.0", location="root"),
        "cy": empty_database(tmp_path / "cy" / "CherryStudio" / "Data" / "cherrystudio.sqlite"),
    }
    folders = {host: tmp_path / host / "CherryStudio" for host in databases}
    (tmp_path / "results").mkdir()
    inventory = {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "cherrysync_executable": program("cherrysync"),
                "providers_src": str(write_file(tmp_path)),
                "results_dir": str(tmp_path / "results"),
                "cherrysync_secrets": ENV,
            },
            "hosts": {host: {"app_folder": str(folder)} for host, folder in folders.items()},
        }
    }
    write_yaml(tmp_path / "inventory.yml", inventory)
    (tmp_path / "playbook.yml").write_text(PLAYBOOK, encoding="utf-8")
    yield Fleet(tmp_path, ansible_env(tmp_path / "ansible-home", collections), folders, databases)


def _no_key_in(text: str) -> None:
    leaked = [name for name, value in ENV.items() if value in text]
    assert not leaked, f"the values of {leaked} appear in the output"


def test_check_diff_apply_and_a_second_apply(fleet: Fleet) -> None:
    before = {host: snapshot(db) for host, db in fleet.databases.items()}

    check = fleet.run("--check", "--diff", "-vvv")
    assert check.code == 0, check.output
    assert {h: (c["changed"], c["failed"]) for h, c in check.recap().items()} == {
        "ana": (1, 0),
        "ben": (1, 0),
        "cy": (1, 0),
    }
    assert {host: snapshot(db) for host, db in fleet.databases.items()} == before
    assert not any(fleet.backups(host) for host in fleet.databases)
    # --diff shows the plan with keys masked; no key anywhere, even at -vvv
    assert 'api_keys: ["sk-a…6789", "sk-a…6789"]' in check.output
    assert (
        '+provider "acme":' in check.output
        and "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in check.output
    )
    _no_key_in(check.output)
    planned = fleet.result("ana")
    assert planned["changed"] and planned["backup_path"] is None
    assert planned["target"] == str(fleet.databases["ana"])
    assert fleet.result("ben")["target"] == str(fleet.databases["ben"])
    first = planned["changes"][0]
    assert first == {
        "action": "add",
        "kind": "provider",
        "provider": "acme",
        "model": None,
        "fields": first["fields"],
    }
    assert "api_keys" in first["fields"]

    applied = fleet.run()
    assert applied.code == 0, applied.output
    assert all(c["changed"] == 1 and c["failed"] == 0 for c in applied.recap().values())
    for host, db in fleet.databases.items():
        result = fleet.result(host)
        assert result["changed"] and result["target"] == str(db)
        assert [Path(result["backup_path"])] == fleet.backups(host)
        assert snapshot(db) != before[host]
    _no_key_in(applied.output)

    again = fleet.run("-vvv")
    assert again.code == 0, again.output
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in again.recap().values())
    assert all(fleet.result(host)["changes"] == [] for host in fleet.databases)
    assert all(len(fleet.backups(host)) == 1 for host in fleet.databases)
    _no_key_in(again.output)

    # a rotated key is a change of api_keys, shown masked on both sides
    write_yaml(fleet.workdir / "rotated.yml", {"cherrysync_secrets": {**ENV, "ACME_KEY": ROTATED}})
    rotated = fleet.run("--check", "--diff", "--limit", "ana", "-e", "@rotated.yml")
    assert rotated.code == 0 and rotated.recap()["ana"]["changed"] == 1, rotated.output
    assert '-  api_keys: ["sk-a…6789", "sk-a…6789"]' in rotated.output
    assert '+  api_keys: ["sk-r…3210", "sk-a…6789"]' in rotated.output
    _no_key_in(rotated.output)
    assert ROTATED not in rotated.output
    for name in ("results", "ansible-home"):
        _no_key_in("".join(p.read_text(errors="replace") for p in _files(fleet.workdir / name)))


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file())


def test_a_host_whose_app_runs_fails_alone(fleet: Fleet) -> None:
    lock = fleet.folders["ben"] / "SingletonLock"
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", lock)  # the app of ben is running
    before = snapshot(fleet.databases["ben"])

    run = fleet.run()
    assert run.code == 2, run.output  # ansible-playbook: some host failed
    recap = run.recap()
    assert (recap["ben"]["failed"], recap["ben"]["changed"]) == (1, 0)
    assert all(recap[h]["failed"] == 0 and recap[h]["changed"] == 1 for h in ("ana", "cy"))
    failed = fleet.result("ben")
    assert failed["failed"] and "Cherry Studio is running" in failed["msg"]
    assert str(fleet.databases["ben"]) in failed["msg"]
    assert snapshot(fleet.databases["ben"]) == before and not fleet.backups("ben")
    _no_key_in(run.output)

    lock.unlink()  # the app was closed: the next run catches up on ben only
    run = fleet.run()
    assert run.code == 0, run.output
    assert {h: c["changed"] for h, c in run.recap().items()} == {"ana": 0, "ben": 1, "cy": 0}


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="the stand-in app reads /proc")
def test_wait_applies_once_the_app_has_quit(fleet: Fleet) -> None:
    """ben's app runs when the play starts and quits a moment after cherrysync began waiting."""
    before = snapshot(fleet.databases["ben"])
    with running_app(fleet.folders["ben"], 3.0, until_wait=True) as app:
        run = fleet.run("--limit", "ben", "-e", "cherrysync_wait=60")
        assert app.wait(timeout=30) == 0
        assert app.stdout is not None
        said = app.stdout.read()
    assert run.code == 0, run.output
    assert run.recap()["ben"]["changed"] == 1
    assert "apply started: " in said and "quit while the apply ran: True" in said, said
    result = fleet.result("ben")
    assert result["changed"] and result["target"] == str(fleet.databases["ben"])
    assert [Path(result["backup_path"])] == fleet.backups("ben")
    assert snapshot(fleet.databases["ben"]) != before
    assert not (fleet.folders["ben"] / "SingletonLock").exists()
    _no_key_in(run.output)
