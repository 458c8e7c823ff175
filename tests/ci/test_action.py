"""The composite GitHub Action: its steps run here through the same shell commands."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]


def _run_steps(workdir: Path, inputs: dict[str, str], skip: set[str]) -> tuple[int, str, str]:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()} | inputs
    summary = workdir / "summary.md"
    summary.touch()
    output = ""
    for step in action["runs"]["steps"]:
        if step["id"] in skip:
            continue
        condition = step.get("if")
        if condition:
            name, expected = re.fullmatch(r"inputs\.([\w-]+) == '(\w+)'", condition).groups()
            if values[name] != expected:
                continue
        env = dict(os.environ, GITHUB_ACTION_PATH=str(ROOT), GITHUB_STEP_SUMMARY=str(summary))
        for key, template in step.get("env", {}).items():
            env[key] = re.sub(
                r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], template
            )
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        output += done.stdout
        if done.returncode:
            return done.returncode, output, summary.read_text()
    return 0, output, summary.read_text()


def test_action_validate_annotates_and_summarises(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: opena\n"
    )
    code, output, summary = _run_steps(tmp_path, {}, skip={"install", "check"})
    assert code == 1
    assert output.startswith("::error file=providers.yaml,line=4,col=11,title=invalid-value::")
    assert "cherrysync validate" in summary and "`invalid-value`" in summary


@pytest.mark.parametrize("strict", ["false", "true"])
def test_action_strict_input(tmp_path: Path, strict: str) -> None:
    (tmp_path / "team.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: openai\n"
        "    api_key: sk-literal-key-123456\n"
    )
    code, output, _ = _run_steps(
        tmp_path, {"files": "team.yaml", "strict": strict}, skip={"install", "check"}
    )
    assert code == (1 if strict == "true" else 0)
    assert ("::error" if strict == "true" else "::warning") in output


def test_action_check_step_against_a_loopback_endpoint(tmp_path: Path) -> None:
    from cherrysync.demo.endpoints import RELAY, serve

    with serve(RELAY) as url:
        (tmp_path / "providers.yaml").write_text(
            "version: 1\nproviders:\n  - name: Relay\n    type: openai\n"
            f"    base_url: {url}/v1/\n    api_key: ${{RELAY_KEY}}\n"
            "    models: [gpt-4o-mini, gpt-5-nope]\n"
        )
        (tmp_path / "ci.env").write_text(f"RELAY_KEY={RELAY.key}\n")
        code, output, summary = _run_steps(
            tmp_path, {"check": "true", "env-file": "ci.env"}, skip={"install"}
        )
    assert code == 1
    assert "::error file=providers.yaml,line=7," in output and "model_missing" in output
    assert "### ❌ cherrysync check" in summary and "| relay |" in summary
    assert str(RELAY.key)[6:] not in output + summary
