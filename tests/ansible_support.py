"""Run the real ``ansible-galaxy`` / ``ansible-playbook`` on local hosts for tests/ansible.

Everything Ansible writes (its home, local and remote temp dirs, the installed collection) stays
inside the test's folder, and no ansible.cfg or ANSIBLE_* variable of the machine leaks in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
COLLECTION_SOURCE = ROOT / "ansible"


def program(name: str) -> str:
    """A console script of this Python's environment (ansible-playbook, cherrysync, ...)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed; pip install -e '.[test]'"
    return found


def ansible_env(home: Path, collections: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "ansible.cfg"
    config.write_text("[defaults]\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_HOME=str(home),
        ANSIBLE_LOCAL_TEMP=str(home / "tmp"),
        ANSIBLE_REMOTE_TEMP=str(home / "remote-tmp"),
        ANSIBLE_ASYNC_DIR=str(home / "async"),
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    env.pop("CHERRYSYNC_DEBUG", None)
    return env


def install_collection(workdir: Path) -> Path:
    """``ansible-galaxy collection build`` of ansible/, then ``install`` into a collections path."""
    collections = workdir / "collections"
    env = ansible_env(workdir / "galaxy-home", collections)
    galaxy = program("ansible-galaxy")
    build = [galaxy, "collection", "build", str(COLLECTION_SOURCE), "--output-path", str(workdir)]
    subprocess.run(build, env=env, cwd=workdir, check=True, capture_output=True, timeout=120)
    (tarball,) = workdir.glob("cherrysync-cherrysync-*.tar.gz")
    install = [galaxy, "collection", "install", str(tarball), "-p", str(collections)]
    subprocess.run(install, env=env, cwd=workdir, check=True, capture_output=True, timeout=120)
    return collections


RECAP = re.compile(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", re.MULTILINE)


@dataclass
class Run:
    code: int
    output: str

    def recap(self) -> dict[str, dict[str, int]]:
        """PLAY RECAP as host -> {ok, changed, failed, ...}."""
        tail = self.output.split("PLAY RECAP", 1)[-1]
        return {
            host: {k: int(v) for k, v in (pair.split("=") for pair in counts.split())}
            for host, counts in RECAP.findall(tail)
        }

    def recap_text(self) -> str:
        return "PLAY RECAP" + self.output.split("PLAY RECAP", 1)[-1]


def playbook(
    workdir: Path, env: dict[str, str], *args: str, extra_env: dict[str, str] | None = None
) -> Run:
    """``ansible-playbook -i inventory.yml playbook.yml ARGS`` in ``workdir``."""
    cmd = [program("ansible-playbook"), "-i", "inventory.yml", "playbook.yml", *args]
    done = subprocess.run(
        cmd,
        cwd=workdir,
        env={**env, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return Run(done.returncode, done.stdout)


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
