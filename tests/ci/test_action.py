"""The composite GitHub Action: its steps run here through the same shell commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from action_support import TOKEN, git, github_env, pull_request, run_steps
from emulators.github import GitHubEmulator


def test_action_validate_annotates_and_summarises(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: opena\n"
    )
    code, output, summary, _ = run_steps(tmp_path, {}, skip={"install", "check"})
    assert code == 1
    assert output.startswith("::error file=providers.yaml,line=4,col=11,title=invalid-value::")
    assert "cherrysync validate" in summary and "`invalid-value`" in summary


@pytest.mark.parametrize("strict", ["false", "true"])
def test_action_strict_input(tmp_path: Path, strict: str) -> None:
    (tmp_path / "team.yaml").write_text(
        "version: 1\nproviders:\n  - name: A\n    type: openai\n"
        "    api_key: sk-literal-key-123456\n"
    )
    code, output, _, _ = run_steps(
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
        code, output, summary, _ = run_steps(
            tmp_path, {"check": "true", "env-file": "ci.env"}, skip={"install"}
        )
    assert code == 1
    assert "::error file=providers.yaml,line=7," in output and "model_missing" in output
    assert "### ❌ cherrysync check" in summary and "| relay |" in summary
    assert str(RELAY.key)[6:] not in output + summary


# --------------------------------------------------------------------- the pull request comment

BASE = (
    "version: 1\nproviders:\n  - name: Relay\n    id: relay\n    type: openai\n"
    "    base_url: {url}/v1/\n    api_key: ${{RELAY_KEY}}\n    models: [gpt-4o-mini]\n"
)


def test_action_comments_once_and_updates_the_comment_on_every_push(tmp_path: Path) -> None:
    from cherrysync.demo.endpoints import RELAY, serve

    with serve(RELAY) as url, GitHubEmulator(TOKEN) as github:
        base = BASE.format(url=url)
        pr = pull_request(
            tmp_path, base, base.replace("[gpt-4o-mini]", "[gpt-4o-mini, text-embedding-3-small]")
        )
        (pr.work / "ci.env").write_text(f"RELAY_KEY={RELAY.key}\n")
        inputs = {"check": "true", "env-file": "ci.env", "comment": "true", "github-token": TOKEN}
        env = github_env(github, pr.event)
        first = run_steps(pr.work, inputs, skip={"install"}, env=env)
        (pr.work / "providers.yaml").write_text(base.replace("name: Relay", "name: Team Relay"))
        git(pr.work, "commit", "-q", "-am", "second push")
        second = run_steps(pr.work, inputs, skip={"install"}, env=env)
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
    pr = pull_request(tmp_path, "version: 1\nproviders: []\n", broken)
    with GitHubEmulator(TOKEN) as github:
        run = run_steps(
            pr.work,
            {"comment": "true", "github-token": TOKEN},
            skip={"install"},
            env=github_env(github, pr.event),
        )
    assert run.code == 1  # validate failed the job; the comment still went out
    (comment,) = github.on(7)
    assert "providers.yaml is not valid; fix the errors above" in comment["body"]
    assert "providers.yaml:4:11: error:" in comment["body"]
    assert "### ❌ cherrysync validate" in comment["body"]


def test_action_comment_on_a_file_the_pull_request_adds(tmp_path: Path) -> None:
    pr = pull_request(tmp_path, "version: 1\n", "version: 1\nproviders: []\n")
    (pr.work / "team.yaml").write_text("version: 1\nproviders:\n  - name: A\n    type: openai\n")
    with GitHubEmulator(TOKEN) as github:
        run = run_steps(
            pr.work,
            {"comment": "true", "github-token": TOKEN, "files": "providers.yaml team.yaml"},
            skip={"install"},
            env=github_env(github, pr.event),
        )
    assert run.code == 0, run.stderr
    (comment,) = github.on(7)
    assert "`main: no team.yaml` → `team.yaml`" in comment["body"]
    assert '| ➕ | provider `a` | `name` |  | `"A"` |' in comment["body"]
