"""The module's documentation, command line and messages, and the collection's version.

These read ansible/ directly (no ansible-playbook): the documentation must describe exactly the
argument spec, the command line must carry newer CLI flags only when set and never a key, and
the collection must be versioned with the package.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from ansible_support import COLLECTION_SOURCE, ROOT, ansible_env, program
from cherrysync.cli import main
from v2fixtures import write_file

MODULE_FILE = COLLECTION_SOURCE / "plugins" / "modules" / "apply.py"
ROLE = COLLECTION_SOURCE / "roles" / "providers"


@pytest.fixture(scope="module")
def module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cherrysync_ansible_apply", MODULE_FILE)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def _params(**overrides: Any) -> dict[str, Any]:
    params = {
        "src": "/srv/providers.yaml",
        "target": "auto",
        "overlays": [],
        "tags": [],
        "prune": False,
        "wait": 0,
        "env": {"OPENAI_API_KEY": "sk-never-on-the-command-line"},
        "env_files": [],
        "executable": "cherrysync",
    }
    params.update(overrides)
    return params


def test_version_is_the_package_version() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version = pyproject["project"]["version"]
    galaxy = yaml.safe_load((COLLECTION_SOURCE / "galaxy.yml").read_text(encoding="utf-8"))
    assert (galaxy["namespace"], galaxy["name"], galaxy["version"]) == (
        "cherrysync",
        "cherrysync",
        version,
    )
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))
    assert defaults["cherrysync_version"] == version


def test_documentation_describes_exactly_the_argument_spec(module: ModuleType) -> None:
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = doc["options"]
    assert set(options) == set(module.ARGUMENT_SPEC)
    for name, spec in module.ARGUMENT_SPEC.items():
        documented = options[name]
        for key in ("type", "elements", "default"):
            assert documented.get(key) == spec.get(key), (name, key)
        assert bool(documented.get("required")) == bool(spec.get("required")), name
    assert module.ARGUMENT_SPEC["env"]["no_log"] is True
    examples = yaml.safe_load(module.EXAMPLES)
    used = [
        t["cherrysync.cherrysync.apply"] for t in examples if "cherrysync.cherrysync.apply" in t
    ]
    assert used and all(set(args) <= set(options) for args in used)
    returned = yaml.safe_load(module.RETURN)
    assert set(returned) >= {"changed", "changes", "target", "backup_path"}
    assert set(returned["changes"]["contains"]) == set(module.CHANGE_KEYS)


def test_role_documents_every_default() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    assert set(specs["argument_specs"]["main"]["options"]) == set(defaults)


def test_command_line_passes_newer_flags_only_when_set(module: ModuleType) -> None:
    assert module.cli_args("/v/bin/cherrysync", _params(), True) == [
        "/v/bin/cherrysync",
        "plan",
        "/srv/providers.yaml",
        "--target",
        "auto",
        "--format",
        "json",
    ]
    params = _params(
        overlays=["/srv/team.yaml", "/srv/host.yaml"],
        tags=["work", "eu"],
        prune=True,
        wait=90,
        env_files=["/srv/.env"],
        target="/home/ana/.config/CherryStudio",
    )
    args = module.cli_args("cherrysync", params, False)
    assert args[:3] == ["cherrysync", "apply", "/srv/providers.yaml"] and "--yes" in args
    pairs = list(itertools.pairwise(args))
    assert [v for k, v in pairs if k == "--overlay"] == ["/srv/team.yaml", "/srv/host.yaml"]
    assert [v for k, v in pairs if k == "--tag"] == ["work", "eu"]
    assert ("--wait", "90") in pairs and ("--env-file", "/srv/.env") in pairs
    assert "--prune" in args
    assert "--wait" not in module.cli_args("cherrysync", params, True)  # plan never waits
    assert not any("sk-never" in a for a in args)


def test_error_messages_come_from_the_cli(module: ModuleType) -> None:
    running = (
        "cherrysync: error: /home/ana/.config/CherryStudio/Data/cherrystudio.sqlite was not "
        "changed: Cherry Studio is running (quit it and run again)\n"
    )
    assert module.error_message(running, 1).startswith("/home/ana/.config/CherryStudio/Data/")
    old_cli = (
        "usage: cherrysync apply [-h] [-q | -v] [--target T]\n"
        "cherrysync apply: error: unrecognized arguments: --overlay /srv/host.yaml --wait 90\n"
    )
    message = module.error_message(old_cli, 2)
    assert "does not know --overlay, --wait" in message and "install the cherrysync" in message
    assert module.error_message("", 3) == "cherrysync exited with 3"


def test_an_unset_variable_is_named_with_its_position(
    module: ModuleType,
    v2_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RELAY_KEY")
    file = str(write_file(tmp_path))
    code = main(["plan", file, "--target", str(v2_folder), "--format", "json"])
    out, err = capsys.readouterr()
    # plan --format json prints a document carrying the error; the message comes from stderr
    assert code == 1 and json.loads(out)["error"]["exit_code"] == 1
    assert module.result_of(json.loads(out))["changed"] is False
    message = module.error_message(err, code)
    assert f"{file}:" in message and "RELAY_KEY" in message and "set them" in message


def test_diff_lists_changed_fields_and_whole_new_objects(module: ModuleType) -> None:
    doc = {
        "target_path": "/db",
        "changes": [
            {
                "action": "change",
                "kind": "model",
                "provider": "acme",
                "model": "gpt-4o",
                "fields": ["name"],
                "before": {"name": "gpt-4o", "group": "gpt-4o"},
                "after": {"name": "GPT-4o", "group": "gpt-4o"},
            },
            {
                "action": "add",
                "kind": "provider",
                "provider": "new",
                "model": None,
                "fields": ["name", "api_keys", "notes"],
                "before": None,
                "after": {"name": "New", "api_keys": ["sk-a…wxyz"], "notes": None},
            },
        ],
    }
    diff = module.plan_diff(doc)
    assert diff["before"] == 'model "acme::gpt-4o":\n  name: "gpt-4o"\n'
    assert diff["after"] == (
        'model "acme::gpt-4o":\n  name: "GPT-4o"\n'
        'provider "new":\n  name: "New"\n  api_keys: ["sk-a…wxyz"]\n'
    )
    assert diff["before_header"] == "/db (now)"


@pytest.mark.slow
def test_ansible_doc_shows_documentation_examples_and_return(
    collections: Path, tmp_path: Path
) -> None:
    env = ansible_env(tmp_path / "home", collections)
    done = subprocess.run(
        [program("ansible-doc"), "cherrysync.cherrysync.apply"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for heading in ("OPTIONS", "ATTRIBUTES", "NOTES", "EXAMPLES", "RETURN VALUES"):
        assert heading in out, heading
    for name in ("src", "overlays", "tags", "wait", "env_files", "executable", "backup_path"):
        assert name in out, name
    role = subprocess.run(
        [program("ansible-doc"), "-t", "role", "cherrysync.cherrysync.providers"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert role.returncode == 0 and "cherrysync_pip_spec" in role.stdout, role.stderr
