"""The role cherrysync.cherrysync.providers end to end on a local host: pip installs a wheel of
this checkout into a fresh virtual environment, the secrets come from an Ansible Vault file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_support import ROOT, ansible_env, playbook, program, write_yaml
from v2checks import snapshot
from v2fixtures import ENV, build_data_folder, write_file

pytestmark = pytest.mark.slow

PLAYBOOK = """\
- name: Cherry Studio providers from the reviewed file
  hosts: all
  gather_facts: false
  vars_files:
    - secrets.yml
  roles:
    - role: cherrysync.cherrysync.providers
      vars:
        cherrysync_env: "{{ vault_cherrysync_secrets }}"
  post_tasks:
    - name: Keep the result for the test
      ansible.builtin.copy:
        content: "{{ cherrysync_result | to_nice_json }}"
        dest: "{{ playbook_dir }}/result.json"
        mode: "0600"
      check_mode: false
      changed_when: false
"""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built as the README's "Many machines" says."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("cherrysync-*.whl")
    return built


def test_role_installs_a_wheel_copies_and_applies(
    tmp_path: Path, collections: Path, wheel: Path
) -> None:
    db = build_data_folder(tmp_path / "CherryStudio")
    before = snapshot(db)
    venv, config = tmp_path / "node" / "venv", tmp_path / "node" / "config"
    write_yaml(
        tmp_path / "inventory.yml",
        {
            "all": {
                "hosts": {
                    "ana": {
                        "ansible_connection": "local",
                        "ansible_python_interpreter": sys.executable,
                        "cherrysync_python": sys.executable,
                        "cherrysync_wheel": str(wheel),
                        "cherrysync_venv": str(venv),
                        "cherrysync_config_dir": str(config),
                        "cherrysync_providers_file": str(write_file(tmp_path)),
                        "cherrysync_target": str(tmp_path / "CherryStudio"),
                    }
                }
            }
        },
    )
    (tmp_path / "playbook.yml").write_text(PLAYBOOK, encoding="utf-8")
    env = ansible_env(tmp_path / "ansible-home", collections)
    (tmp_path / "vault-password").write_text("correct horse battery staple\n")
    secrets = write_yaml(tmp_path / "secrets.yml", {"vault_cherrysync_secrets": ENV})
    subprocess.run(
        [
            program("ansible-vault"),
            "encrypt",
            "--vault-password-file",
            "vault-password",
            "secrets.yml",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert secrets.read_text().startswith("$ANSIBLE_VAULT;")
    vault = ("--vault-password-file", "vault-password")

    check = playbook(tmp_path, env, "--check", *vault)
    assert check.code == 0 and check.recap()["ana"]["failed"] == 0, check.output
    assert "cherrysync is not installed here yet" in check.output
    assert not venv.exists() and not config.exists() and snapshot(db) == before

    first = playbook(tmp_path, env, "--diff", *vault)
    assert first.code == 0, first.output
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["changed"] and result["target"] == str(db)
    assert Path(result["backup_path"]).exists() and snapshot(db) != before
    assert (venv / "bin" / "cherrysync").exists() and (config / wheel.name).exists()
    assert (config / "providers.yaml").stat().st_mode & 0o777 == 0o600
    assert config.stat().st_mode & 0o777 == 0o700

    again = playbook(tmp_path, env, "-vvv", *vault)
    assert again.code == 0 and again.recap()["ana"]["changed"] == 0, again.output
    assert json.loads((tmp_path / "result.json").read_text())["changes"] == []
    for run in (check, first, again):
        assert not any(value in run.output for value in ENV.values())
