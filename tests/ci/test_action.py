"""The composite GitHub Action: its steps run here through the same shell commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from ruamel.yaml import YAML

from emulators.github import GitHubEmulator

ROOT = Path(__file__).resolve().parents[2]


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


def _run_steps(
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


def test_action_validate_annotates_and_summarises(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: opena\n"
    )
    code, output, summary, _ = _run_steps(tmp_path, {}, skip={"install", "check"})
    assert code == 1
    assert output.startswith("::error file=providers.yaml,line=4,col=11,title=invalid-value::")
    assert "cherrysync validate" in summary and "`invalid-value`" in summary


@pytest.mark.parametrize("strict", ["false", "true"])
def test_action_strict_input(tmp_path: Path, strict: str) -> None:
    (tmp_path / "team.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: openai\n"
        "    api_key: sk-literal-key-123456\n"
    )
    code, output, _, _ = _run_steps(
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
        code, output, summary, _ = _run_steps(
            tmp_path, {"check": "true", "env-file": "ci.env"}, skip={"install"}
        )
    assert code == 1
    assert "::error file=providers.yaml,line=7," in output and "model_missing" in output
    assert "### ❌ cherrysync check" in summary and "| relay |" in summary
    assert str(RELAY.key)[6:] not in output + summary


# --------------------------------------------------------------------- the pull request comment

TOKEN = "ghs_actionToken0123456789abcdefXYZ"
BASE = (
    "version: 1\nproviders:\n  - name: Relay\n    id: relay\n    type: openai\n"
    "    base_url: {url}/v1/\n    api_key: ${{RELAY_KEY}}\n    models: [gpt-4o-mini]\n"
)


def _git(cwd: Path, *args: str) -> str:
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


def _pull_request(tmp_path: Path, base: str, head: str) -> PullRequestRepo:
    """origin with main (``base``) and a feature branch (``head``), and a depth-1 checkout of
    the feature branch: the base commit is not in it until the comment step fetches it."""
    origin, seed, work = tmp_path / "origin.git", tmp_path / "seed", tmp_path / "work"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(tmp_path, "init", "-q", "-b", "main", str(seed))
    (seed / "providers.yaml").write_text(base)
    _git(seed, "add", ".")
    _git(seed, "commit", "-q", "-m", "base")
    base_sha = _git(seed, "rev-parse", "HEAD")
    _git(seed, "checkout", "-q", "-b", "feature")
    (seed / "providers.yaml").write_text(head)
    _git(seed, "commit", "-q", "-am", "head")
    _git(seed, "push", "-q", str(origin), "main", "feature")
    _git(tmp_path, "clone", "-q", "--depth=1", "-b", "feature", f"file://{origin}", str(work))
    event = tmp_path / "event.json"
    pr = {"number": 7, "base": {"sha": base_sha, "ref": "main"}, "head": {"sha": "f" * 40}}
    event.write_text(json.dumps({"pull_request": pr}))
    return PullRequestRepo(work, event, base_sha)


def _github_env(github: GitHubEmulator, event: Path) -> dict[str, str]:
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "acme/providers",
        "GITHUB_API_URL": github.url,
    }


def test_action_comments_once_and_updates_the_comment_on_every_push(tmp_path: Path) -> None:
    from cherrysync.demo.endpoints import RELAY, serve

    with serve(RELAY) as url, GitHubEmulator(TOKEN) as github:
        base = BASE.format(url=url)
        pr = _pull_request(
            tmp_path, base, base.replace("[gpt-4o-mini]", "[gpt-4o-mini, text-embedding-3-small]")
        )
        (pr.work / "ci.env").write_text(f"RELAY_KEY={RELAY.key}\n")
        inputs = {"check": "true", "env-file": "ci.env", "comment": "true", "github-token": TOKEN}
        env = _github_env(github, pr.event)
        first = _run_steps(pr.work, inputs, skip={"install"}, env=env)
        (pr.work / "providers.yaml").write_text(base.replace("name: Relay", "name: Team Relay"))
        _git(pr.work, "commit", "-q", "-am", "second push")
        second = _run_steps(pr.work, inputs, skip={"install"}, env=env)
    assert (first.code, second.code) == (0, 0), first.stderr + second.stderr
    assert "comment created" in first.output and "comment updated" in second.output
    (comment,) = github.on(7)
    body = comment["body"]
    assert body.startswith("<!-- cherrysync-comment:")
    assert "### cherrysync diff: `main:providers.yaml` → `providers.yaml`" in body
    assert '| ✏️ | provider `relay` | `name` | `"Relay"` | `"Team Relay"` |' in body
    assert "text-embedding-3-small" not in body  # the first push's diff is gone
    assert "### ✅ cherrysync validate" in body and "### ✅ cherrysync check" in body
    assert body.count("cherrysync check") == 1  # this run's summary only
    everything = first.output + first.stderr + second.output + second.stderr + body
    assert TOKEN not in everything and str(RELAY.key) not in everything


def test_action_comment_shows_why_validate_failed(tmp_path: Path) -> None:
    broken = "version: 1\nproviders:\n  - name: A\n    type: opena\n"
    pr = _pull_request(tmp_path, "version: 1\nproviders: []\n", broken)
    with GitHubEmulator(TOKEN) as github:
        run = _run_steps(
            pr.work,
            {"comment": "true", "github-token": TOKEN},
            skip={"install"},
            env=_github_env(github, pr.event),
        )
    assert run.code == 1  # validate failed the job; the comment still went out
    (comment,) = github.on(7)
    assert "providers.yaml is not valid; fix the errors above" in comment["body"]
    assert "providers.yaml:4:11: error:" in comment["body"]
    assert "### ❌ cherrysync validate" in comment["body"]


def test_action_comment_on_a_file_the_pull_request_adds(tmp_path: Path) -> None:
    pr = _pull_request(tmp_path, "version: 1\n", "version: 1\nproviders: []\n")
    (pr.work / "team.yaml").write_text("version: 1\nproviders:\n  - name: A\n    type: openai\n")
    with GitHubEmulator(TOKEN) as github:
        run = _run_steps(
            pr.work,
            {"comment": "true", "github-token": TOKEN, "files": "providers.yaml team.yaml"},
            skip={"install"},
            env=_github_env(github, pr.event),
        )
    assert run.code == 0, run.stderr
    (comment,) = github.on(7)
    assert "`main: no team.yaml` → `team.yaml`" in comment["body"]
    assert '| ➕ | provider `a` | `name` |  | `"A"` |' in comment["body"]
