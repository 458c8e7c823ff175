"""The README's "Many machines" files parse as Ansible reads them: inventory, group vars and the
playbook with the role of the installed collection."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from ansible_support import ROOT, ansible_env, program

pytestmark = pytest.mark.slow


def readme_files() -> dict[str, str]:
    """The YAML blocks of the section whose first line is ``# <file name>``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: ansible -->", 1)[1].split("<!-- end: ansible -->")[0]
    blocks = re.findall(r"```yaml\n# (\S+)\n(.*?)```", section, re.DOTALL)
    return dict(blocks)


def test_readme_inventory_and_playbook_parse(tmp_path: Path, collections: Path) -> None:
    files = readme_files()
    assert set(files) == {"inventory.yml", "group_vars/workstations/vars.yml", "cherrysync.yml"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = ansible_env(tmp_path / "ansible-home", collections)

    def run(*cmd: str) -> str:
        done = subprocess.run(
            cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    inventory = json.loads(run(program("ansible-inventory"), "-i", "inventory.yml", "--list"))
    hosts = inventory["_meta"]["hostvars"]
    assert set(inventory["workstations"]["hosts"]) == set(hosts) and len(hosts) == 3
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    wheel = f"dist/cherrysync-{version}-py3-none-any.whl"
    assert all(h["cherrysync_wheel"] == wheel for h in hosts.values())
    assert f"dist/cherrysync-cherrysync-{version}.tar.gz" in (ROOT / "README.md").read_text()
    assert "OPENAI_API_KEY" in hosts["ben-desktop.example.internal"]["cherrysync_env"]
    run(program("ansible-playbook"), "-i", "inventory.yml", "cherrysync.yml", "--syntax-check")
