"""The Action's ``overlays`` and ``tags`` inputs: validate, check and the pull request comment
see the merged result, as ``--overlay`` and ``--tag`` make it in the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from action_support import ROOT, TOKEN, github_env, pull_request, run_steps
from emulators.github import GitHubEmulator

BROKEN_TYPE = "version: 1\nproviders:\n  - name: Relay\n    id: relay\n    type: opena\n"
FIX_TYPE = "version: 1\nproviders:\n  - id: relay\n    type: openai\n"
BAD_URL = "version: 1\nproviders:\n  - id: relay\n    base_url: not a url\n"


@pytest.mark.parametrize(
    ("base", "overlays", "code", "annotation"),
    [
        (BROKEN_TYPE, "", 1, "::error file=providers.yaml,line=5,col=11,title=invalid-value::"),
        (BROKEN_TYPE, "fix.yaml", 0, ""),
        (FIX_TYPE.replace("- id", "- name: Relay\n    id"), "bad.yaml", 1, "file=bad.yaml,line=4"),
        (BROKEN_TYPE, "bad.yaml fix.yaml", 1, "file=bad.yaml,line=4"),  # both apply, in order
    ],
)
def test_validate_checks_the_merged_result(
    tmp_path: Path, base: str, overlays: str, code: int, annotation: str
) -> None:
    (tmp_path / "providers.yaml").write_text(base)
    (tmp_path / "fix.yaml").write_text(FIX_TYPE)
    (tmp_path / "bad.yaml").write_text(BAD_URL)
    run = run_steps(tmp_path, {"overlays": overlays}, skip={"install", "check"})
    assert run.code == code, run.output + run.stderr
    assert annotation in run.output
    assert ("### ✅ cherrysync validate" in run.summary) == (code == 0)


def test_validate_still_checks_every_provider_with_tags(tmp_path: Path) -> None:
    """As ``cherrysync validate --tag``: tags narrow only --require-env, never the rules."""
    (tmp_path / "providers.yaml").write_text(
        "version: 1\nproviders:\n  - name: Work\n    type: openai\n    tags: [work]\n"
        "  - name: Home\n    type: opena\n    tags: [home]\n"
    )
    run = run_steps(tmp_path, {"tags": "work"}, skip={"install", "check"})
    assert run.code == 1
    assert "::error file=providers.yaml,line=7,col=11,title=invalid-value::" in run.output


def test_inputs_are_split_on_whitespace_and_nothing_more(tmp_path: Path) -> None:
    """No pattern expansion, no command substitution: an overlay or tag is passed as written."""
    (tmp_path / "providers.yaml").write_text("version: 1\nproviders: []\n")
    (tmp_path / "o1.yaml").write_text("version: 1\nproviders: []\n")
    inputs = {"overlays": "o*.yaml", "tags": "$(touch pwned) `touch pwned2` -x"}
    run = run_steps(tmp_path, inputs, skip={"install", "check"})
    assert run.code == 2
    assert "overlay o*.yaml" in run.output + run.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


# ------------------------------------------------------------------------------------- check

RELAY_FILE = (
    "version: 1\nproviders:\n  - name: Relay\n    type: openai\n    base_url: {url}/v1/\n"
    "    api_key: ${{RELAY_KEY}}\n    models: [gpt-4o-mini]\n    tags: [work]\n"
)


@pytest.mark.parametrize(
    ("overlays", "code"),
    [("", 0), ("laptop.yaml", 1), ("laptop.yaml restore.yaml", 0), ("restore.yaml laptop.yaml", 1)],
)
def test_check_step_with_overlays(tmp_path: Path, overlays: str, code: int) -> None:
    from cherrysync.demo.endpoints import RELAY, serve

    models = "version: 1\nproviders:\n  - id: relay\n    models: [{}]\n"
    (tmp_path / "laptop.yaml").write_text(models.format("gpt-4o-mini, gpt-5-nope"))
    (tmp_path / "restore.yaml").write_text(models.format("gpt-4o-mini"))
    (tmp_path / "ci.env").write_text(f"RELAY_KEY={RELAY.key}\n")
    with serve(RELAY) as url:
        (tmp_path / "providers.yaml").write_text(RELAY_FILE.format(url=url))
        inputs = {"check": "true", "env-file": "ci.env", "overlays": overlays}
        run = run_steps(tmp_path, inputs, skip={"install"})
    assert run.code == code, run.output + run.stderr
    if code:  # the annotation points into the overlay that set the model
        assert "::error file=laptop.yaml,line=4," in run.output and "model_missing" in run.output
    assert ("### ✅ cherrysync check" in run.summary) == (code == 0)


@pytest.mark.parametrize(
    ("tags", "code", "checked"),
    [("", 1, {"relay", "home"}), ("work", 0, {"relay"}), ("work home", 1, {"relay", "home"})],
)
def test_check_step_with_tags(tmp_path: Path, tags: str, code: int, checked: set[str]) -> None:
    from cherrysync.demo.endpoints import RELAY, serve

    (tmp_path / "ci.env").write_text(f"RELAY_KEY={RELAY.key}\n")
    with serve(RELAY) as url:
        home = (
            f"  - name: Home\n    type: openai\n    base_url: {url}/v1/\n"
            "    api_key: ${RELAY_KEY}\n    models: [gpt-5-nope]\n    tags: [home]\n"
        )
        (tmp_path / "providers.yaml").write_text(RELAY_FILE.format(url=url) + home)
        inputs = {"check": "true", "env-file": "ci.env", "tags": tags}
        run = run_steps(tmp_path, inputs, skip={"install"})
    assert run.code == code, run.output + run.stderr
    assert {p for p in ("relay", "home") if f"| {p} |" in run.summary} == checked


def test_check_step_with_a_tag_no_provider_carries(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(RELAY_FILE.format(url="http://127.0.0.1:9"))
    run = run_steps(tmp_path, {"check": "true", "tags": "wrok"}, skip={"install"})
    assert run.code == 2
    assert "no provider carries tag wrok" in run.stderr and "did you mean 'work'?" in run.stderr


# ----------------------------------------------------------------------- the pull request comment

TEAM = (
    "version: 1\nproviders:\n  - name: Relay\n    id: relay\n    type: openai\n"
    "    base_url: https://relay.example.com/v1/\n    models: [gpt-4o-mini]\n    tags: [work]\n"
    "  - name: Home\n    id: home\n    type: ollama\n    models: [llama3]\n    tags: [home]\n"
)


def _comment(tmp_path: Path, head: str, inputs: dict[str, str], **overlays: str) -> str:
    """The body the Action posts on a pull request that changes ``TEAM`` into ``head``, with
    overlay files (``name_yaml="..."`` is ``name.yaml``) in the checkout."""
    pr = pull_request(tmp_path, TEAM, head)
    for name, text in overlays.items():
        (pr.work / name.replace("_yaml", ".yaml")).write_text(text)
    with GitHubEmulator(TOKEN) as github:
        run = run_steps(
            pr.work,
            {"comment": "true", "github-token": TOKEN, **inputs},
            skip={"install"},
            env=github_env(github, pr.event),
        )
    assert "Traceback" not in run.stderr and "comment created" in run.output, run.stderr
    (comment,) = github.on(7)
    return str(comment["body"])


LAPTOP = (
    "version: 1\nproviders:\n  - id: relay\n    models: [gpt-4o-mini]\n"
    "  - id: lm-studio\n    name: LM Studio\n    type: openai\n"
    "    base_url: http://localhost:1234/v1/\n    models: [qwen3-8b]\n"
)


def test_comment_diffs_the_merged_result(tmp_path: Path) -> None:
    head = TEAM.replace("name: Relay", "name: Team Relay").replace(
        "[gpt-4o-mini]", "[gpt-4o-mini, gpt-4.1]", 1
    )
    body = _comment(tmp_path, head, {"overlays": "laptop.yaml"}, laptop_yaml=LAPTOP)
    assert "with the overlay `laptop.yaml` merged on top. This comment" in body
    assert '| ✏️ | provider `relay` | `name` | `"Relay"` | `"Team Relay"` |' in body
    assert "gpt-4.1" not in body  # the overlay sets relay's models on both sides
    assert "lm-studio" not in body  # the overlay adds it to both sides: not a change
    assert "### ✅ cherrysync validate" in body


def test_comment_diff_without_the_overlay_shows_what_it_hides(tmp_path: Path) -> None:
    head = TEAM.replace("[gpt-4o-mini]", "[gpt-4o-mini, gpt-4.1]", 1)
    body = _comment(tmp_path, head, {}, laptop_yaml=LAPTOP)
    assert "gpt-4.1" in body and "merged on top" not in body


def test_comment_diff_with_tags(tmp_path: Path) -> None:
    head = TEAM.replace("name: Relay", "name: Team Relay").replace("[llama3]", "[llama3, qwen3]")
    body = _comment(tmp_path, head, {"tags": "work"})
    assert ", only providers tagged `work`. This comment" in body
    assert '`"Team Relay"`' in body and "qwen3" not in body
    (tmp_path / "again").mkdir()
    unknown = _comment(tmp_path / "again", head, {"tags": "wrok"})
    assert "No diff: no provider carries tag wrok in either version" in unknown


@pytest.mark.parametrize(
    ("overlay", "shown"),
    [
        (None, "No diff: cannot read overlay laptop.yaml"),
        (
            "version: 1\nproviders:\n  - id: relay\n    colour: red\n",
            "No diff: the overlay `laptop.yaml` is not valid:",
        ),
        ("version: 1\nproviders: [\n", "No diff: the overlay `laptop.yaml` is not valid:"),
    ],
)
def test_a_broken_overlay_gives_a_readable_section(
    tmp_path: Path, overlay: str | None, shown: str
) -> None:
    files = {"laptop_yaml": overlay} if overlay is not None else {}
    head = TEAM.replace("name: Home", "name: Home Lab")
    body = _comment(tmp_path, head, {"overlays": "laptop.yaml"}, **files)
    assert "### cherrysync diff: `providers.yaml`\n\n" + shown in body
    if overlay is not None:
        assert "laptop.yaml:" in body.split(shown, 1)[1]  # the overlay's own positions
        assert "### ❌ cherrysync validate" in body  # validate failed and said why, too


# ---------------------------------------------------------------------------------- README


def _readme_uses() -> list[dict[str, Any]]:
    """Every step of the README that uses this Action (from its YAML examples)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps: list[dict[str, Any]] = []
    for block in re.findall(r"```yaml\n(.*?)```", readme, re.S):
        if "uses: cherrysync/cherrysync@" not in block:
            continue
        found = YAML(typ="safe").load(block)
        if isinstance(found, dict):  # a workflow: its jobs' steps
            found = [s for job in found["jobs"].values() for s in job["steps"]]
        steps += [s for s in found if str(s.get("uses", "")).startswith("cherrysync/")]
    return steps


def test_the_readme_passes_only_inputs_the_action_has() -> None:
    inputs = set(YAML(typ="safe").load((ROOT / "action.yml").read_text())["inputs"])
    steps = _readme_uses()
    assert len(steps) >= 3 and any("overlays" in s["with"] for s in steps)
    for step in steps:
        assert set(step["with"]) <= inputs


def test_the_readme_overlay_example_runs_as_written(tmp_path: Path) -> None:
    """Its inputs, on a file whose laptop overlay fixes the relay and adds a home provider."""
    from cherrysync.demo.endpoints import RELAY, serve

    (step,) = [s for s in _readme_uses() if "overlays" in s["with"]]
    inputs = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in step["with"].items()}
    (tmp_path / "laptop.yaml").write_text(
        "version: 1\nproviders:\n  - id: relay\n    models: [gpt-4o-mini]\n"
        "  - id: home\n    name: Home\n    type: ollama\n    models: [llama3]\n"
        "    base_url: http://127.0.0.1:9/\n    tags: [home]\n"
    )
    with serve(RELAY) as url:
        (tmp_path / "providers.yaml").write_text(
            RELAY_FILE.format(url=url).replace("[gpt-4o-mini]", "[gpt-5-nope]")
        )
        run = run_steps(tmp_path, inputs, skip={"install"}, env={"RELAY_KEY": str(RELAY.key)})
    assert run.code == 0, run.output + run.stderr
    assert "| relay |" in run.summary and "| home |" not in run.summary
    assert "not a pull request; no comment posted" in run.output
