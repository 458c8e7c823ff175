"""Run the composite GitHub Action (``action.yml``) as a runner would, in a folder of the test:
its steps through bash, with the inputs, the ``if:`` conditions and the step environment the
runner gives them; and a pull request to comment on (a real origin, a shallow checkout)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from ruamel.yaml import YAML

from emulators.github import GitHubEmulator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "ghs_actionToken0123456789abcdefXYZ"


class Run(NamedTuple):
    code: int
    output: str  # every step's stdout
    summary: str  # $GITHUB_STEP_SUMMARY
    stderr: str


def _condition(expression: str | None, values: dict[str, str], outcomes: dict[str, str]) -> bool:
    """The step's ``if:`` as GitHub evaluates it: ``success() &&`` unless it names always()."""
    if expression is None:
        return "failure" not in outcomes.values()
    status_function = False
    result = True
    for term in (t.strip() for t in expression.split("&&")):
        if term == "always()":
            status_function = True
        elif match := re.fullmatch(r"inputs\.([\w-]+) == '(\w+)'", term):
            result = result and values[match[1]] == match[2]
        elif match := re.fullmatch(r"steps\.([\w-]+)\.outcome == '(\w+)'", term):
            result = result and outcomes.get(match[1], "success") == match[2]
        else:
            raise AssertionError(f"the harness does not know the condition {term!r}")
    return result and (status_function or "failure" not in outcomes.values())


def run_steps(
    workdir: Path, inputs: dict[str, str], skip: set[str], env: dict[str, str] | None = None
) -> Run:
    """Run the action's steps in ``workdir`` as the runner would (skipped ones count as passed);
    the exit code is the first failing step's."""
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()} | inputs
    summary = workdir / "summary.md"
    summary.touch()
    temp = workdir / "runner-temp"
    temp.mkdir(exist_ok=True)
    outcomes: dict[str, str] = {}
    output = stderr = ""
    code = 0
    for step in action["runs"]["steps"]:
        if step["id"] in skip or not _condition(step.get("if"), values, outcomes):
            continue
        step_env = dict(
            os.environ,
            **(env or {}),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            GITHUB_ACTION_PATH=str(ROOT),
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(temp),
        )
        for key, template in step.get("env", {}).items():
            step_env[key] = re.sub(
                r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], template
            )
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=workdir,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        output += done.stdout
        stderr += done.stderr
        outcomes[step["id"]] = "failure" if done.returncode else "success"
        code = code or done.returncode
    return Run(code, output, summary.read_text(), stderr)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


class PullRequestRepo(NamedTuple):
    work: Path  # a shallow clone of the pull request's head, as actions/checkout makes it
    event: Path
    base_sha: str


def pull_request(tmp_path: Path, base: str, head: str) -> PullRequestRepo:
    """origin with main (``base``) and a feature branch (``head``), and a depth-1 checkout of
    the feature branch: the base commit is not in it until the comment step fetches it."""
    origin, seed, work = tmp_path / "origin.git", tmp_path / "seed", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(seed))
    (seed / "providers.yaml").write_text(base)
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "base")
    base_sha = git(seed, "rev-parse", "HEAD")
    git(seed, "checkout", "-q", "-b", "feature")
    (seed / "providers.yaml").write_text(head)
    git(seed, "commit", "-q", "-am", "head")
    git(seed, "push", "-q", str(origin), "main", "feature")
    git(tmp_path, "clone", "-q", "--depth=1", "-b", "feature", f"file://{origin}", str(work))
    event = tmp_path / "event.json"
    pr = {"number": 7, "base": {"sha": base_sha, "ref": "main"}, "head": {"sha": "f" * 40}}
    event.write_text(json.dumps({"pull_request": pr}))
    return PullRequestRepo(work, event, base_sha)


def github_env(github: GitHubEmulator, event: Path) -> dict[str, str]:
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "acme/providers",
        "GITHUB_API_URL": github.url,
    }
