"""The pre-commit hooks call real commands, the way pre-commit invokes them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from cherrysync.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
HOOKS = {h["id"]: h for h in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_hooks_name_existing_commands_and_match_providers_files() -> None:
    assert set(HOOKS) == {"cherrysync-validate", "cherrysync-check"}
    for hook in HOOKS.values():
        program, command = hook["entry"].split()[:2]
        assert program == "cherrysync" and command in COMMANDS
        assert re.search(hook["files"], "config/providers.yaml")
        assert re.search(hook["files"], "providers.team.yml")
        assert not re.search(hook["files"], "docs/other.yaml")
    assert HOOKS["cherrysync-check"]["stages"] == ["manual"]
    assert HOOKS["cherrysync-check"]["pass_filenames"] is False


def test_validate_hook_runs_on_the_staged_files(tmp_path: Path) -> None:
    good = tmp_path / "providers.yaml"
    good.write_text("version: 1\nproviders:\n  - name: Local\n    type: ollama\n")
    bad = tmp_path / "providers.lab.yaml"
    bad.write_text("version: 1\nproviders:\n  - name: Local\n    type: olama\n")
    entry = HOOKS["cherrysync-validate"]["entry"].split()
    command = [sys.executable, "-m", "cherrysync", *entry[1:]]
    assert subprocess.run([*command, str(good)], check=False).returncode == 0
    done = subprocess.run(
        [*command, str(good), str(bad)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "providers.lab.yaml:4:11: error:" in done.stdout
