"""``cherrysync diff``: golden outputs in every format, sides from files, stdin and Git."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.commands.diff import DiffOptions, diff
from cherrysync.errors import CherrysyncError

GOLDEN = Path(__file__).parent / "diff_golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
SUFFIX = {"text": "txt", "json": "json", "markdown": "md"}
#: what the literal-key case must never print, in any format
LITERALS = ("OLDSECRET", "NEWSECRET", "0123456789", "9876543210")

OLD = (GOLDEN / "models" / "old.yaml").read_bytes()
NEW = (GOLDEN / "models" / "new.yaml").read_bytes()


def _diff(options: DiffOptions, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = diff(options, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN / case)
    code, out, err = _diff(DiffOptions("old.yaml", "new.yaml", format=fmt))
    assert (code, err) == (0, "")
    assert out == (GOLDEN / case / f"expected.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    for literal in LITERALS:
        assert literal not in out


def test_the_golden_cases_cover_what_reviews_need() -> None:
    assert set(CASES) >= {
        "add-provider",
        "remove-provider",
        "change-provider",
        "models",
        "key-reference",
        "literal-key",
        "reorder",
        "formatting",
    }
    for case in ("reorder", "formatting"):  # moves and reformatting are no changes
        assert "No changes" in (GOLDEN / case / "expected.txt").read_text()


def test_json_is_the_plan_contract_with_secret_fields_by_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(GOLDEN / "key-reference")
    _, out, _ = _diff(DiffOptions("old.yaml", "new.yaml", format="json"))
    data = json.loads(out)
    assert data["summary"] == {"add": 0, "change": 2, "remove": 0}
    first = data["changes"][0]
    assert set(first) >= {"action", "kind", "provider", "model", "fields", "before", "after"}
    assert (first["before"]["api_key"], first["after"]["api_key"]) == (
        "${OPENAI_API_KEY}",
        "${OPENAI_WORK_KEY}",
    )
    assert "sk-gw-fallback" not in out  # a reference's default may be a literal key


@pytest.mark.parametrize(
    ("flag", "case", "expected"),
    [(False, "models", 0), (True, "models", 2), (True, "reorder", 0)],
)
def test_detailed_exitcode(
    flag: bool, case: str, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN / case)
    assert _diff(DiffOptions("old.yaml", "new.yaml", detailed_exitcode=flag))[0] == expected


def test_stdin_is_one_side(tmp_path: Path) -> None:
    (tmp_path / "new.yaml").write_bytes(NEW)
    code, out, _ = _diff(DiffOptions("-", str(tmp_path / "new.yaml")), stdin=OLD)
    assert code == 0 and out.startswith(f"Changes from <stdin> to {tmp_path / 'new.yaml'}:")
    with pytest.raises(CherrysyncError, match="only one side can be '-'"):
        _diff(DiffOptions("-", "-"))


def test_stdin_through_the_real_cli(tmp_path: Path) -> None:
    (tmp_path / "new.yaml").write_bytes(NEW)
    done = subprocess.run(
        [sys.executable, "-m", "cherrysync", "diff", "-", "new.yaml", "--detailed-exitcode"],
        input=OLD,
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert b'+ model "openai-work::text-embedding-3-small"' in done.stdout


def test_invalid_sides_are_errors_with_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "old.yaml").write_text("version: 1\nproviders:\n  - name: A\n    type: opena\n")
    (tmp_path / "new.yaml").write_text("version: 1\nproviders:\n  - nme: A\n    type: openai\n")
    assert main(["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'old.yaml'}:4:11: error:" in err and "[invalid-value]" in err
    assert f"{tmp_path / 'new.yaml'}:3:5: error:" in err and "[unknown-key]" in err
    assert err.rstrip().endswith("are not valid; fix the errors above")


def test_a_missing_file_is_an_io_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "new.yaml").write_bytes(NEW)
    assert main(["diff", str(tmp_path / "nope.yaml"), str(tmp_path / "new.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_side_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Run in a child with a deadline: a hang fails the test instead of stalling the suite."""
    os.mkfifo(tmp_path / "old.yaml")
    (tmp_path / "new.yaml").write_bytes(NEW)
    done = subprocess.run(
        [sys.executable, "-m", "cherrysync", "diff", "old.yaml", "new.yaml"],
        capture_output=True,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert b"not a regular file" in done.stderr


def test_json_still_prints_one_object_carrying_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As plan --format json: a program reading stdout gets the contract's shape plus error."""
    (tmp_path / "old.yaml").write_text("version: 1\nproviders:\n  - name: A\n    type: opena\n")
    (tmp_path / "new.yaml").write_bytes(NEW)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CherrysyncError, match=r"^old\.yaml is not valid") as invalid:
        diff(DiffOptions("old.yaml", "new.yaml", format="json"), stdout=out, stderr=err)
    doc = json.loads(out.getvalue())
    assert invalid.value.code == 1 and "old.yaml:4:11: error:" in err.getvalue()
    assert doc["old"] == "old.yaml" and doc["changes"] == []
    assert doc["summary"] == {"add": 0, "change": 0, "remove": 0}
    assert doc["error"] == {
        "message": "old.yaml is not valid; fix the errors above",
        "exit_code": 1,
    }
    assert [(d["file"], d["line"], d["rule"]) for d in doc["diagnostics"]] == [
        ("old.yaml", 4, "invalid-value")
    ]
    for fmt, document in (("json", True), ("markdown", False)):  # Markdown has no failure form
        out = io.StringIO()
        with pytest.raises(CherrysyncError, match=r"cannot read nope\.yaml") as missing:
            diff(DiffOptions("nope.yaml", "new.yaml", format=fmt), stdout=out)
        assert missing.value.code == 2 and bool(out.getvalue()) is document


# ------------------------------------------------------------------------------ Git revisions


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real repository: providers.yaml committed as OLD, then as NEW (also in conf/)."""
    (tmp_path / "conf").mkdir()
    _git(tmp_path, "init", "-q", "-b", "main")
    for content, message in ((OLD, "old"), (NEW, "new")):
        (tmp_path / "providers.yaml").write_bytes(content)
        (tmp_path / "conf" / "providers.yaml").write_bytes(content)
        _git(tmp_path, "add", ".")
        _git(tmp_path, "commit", "-q", "-m", message)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rev_path_reads_a_file_from_a_revision(repo: Path) -> None:
    code, out, _ = _diff(DiffOptions("HEAD~1:providers.yaml", "providers.yaml"))
    assert code == 0
    assert out.startswith("Changes from HEAD~1:providers.yaml to providers.yaml:")
    assert '- model "openai-work::text-embedding-ada-002"' in out
    assert _diff(DiffOptions("main:providers.yaml", "providers.yaml"))[1].startswith("No changes")


def test_rev_path_relative_to_the_current_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "conf")
    assert _diff(DiffOptions("HEAD~1:./providers.yaml", "providers.yaml"))[1].startswith(
        "Changes from HEAD~1:./providers.yaml"
    )
    with pytest.raises(CherrysyncError, match=r"from the top of the repository \(REV:\./PATH"):
        _diff(DiffOptions("HEAD~1:providers.yaml.orig", "providers.yaml"))


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("nope:providers.yaml", "invalid object name 'nope'"),
        ("HEAD:missing.yaml", "path 'missing.yaml' does not exist in 'HEAD'"),
        ("HEAD:conf", "not a file in that revision"),
    ],
)
def test_a_bad_revision_is_a_clear_usage_error(
    repo: Path, spec: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", spec, "providers.yaml"]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {spec} from Git: {reason}" in err and "Traceback" not in err


def test_an_existing_file_wins_over_rev_path(repo: Path) -> None:
    (repo / "HEAD:providers.yaml").write_bytes(NEW)  # a file whose name looks like REV:PATH
    assert _diff(DiffOptions("HEAD:providers.yaml", "providers.yaml"))[1].startswith("No changes")
    assert "Changes" in _diff(DiffOptions("HEAD~1:providers.yaml", "providers.yaml"))[1]


def test_outside_a_repository_and_without_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "new.yaml").write_bytes(NEW)
    with pytest.raises(CherrysyncError, match="from Git: not a git repository"):
        _diff(DiffOptions("HEAD:new.yaml", "new.yaml"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(CherrysyncError, match=r"cannot read HEAD:new\.yaml: git is not installed"):
        _diff(DiffOptions("HEAD:new.yaml", "new.yaml"))


def test_git_is_bounded_in_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cherrysync.sources import SourceError, git_blob

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(SourceError, match=r"git gave no answer within 0\.5 s"):
        git_blob("HEAD:providers.yaml", timeout=0.5)


def test_git_output_is_bounded_in_size(repo: Path) -> None:
    from cherrysync.sources import git_blob

    (repo / "big.yaml").write_bytes(b"#" * 4096)
    _git(repo, "add", "big.yaml")
    _git(repo, "commit", "-q", "-m", "big")
    assert len(git_blob("HEAD:big.yaml", limit=100)) == 100


def test_a_name_is_never_an_option_of_git(repo: Path) -> None:
    with pytest.raises(CherrysyncError, match="not a file, and not a Git REV:PATH"):
        _diff(DiffOptions("--output=x:y", "providers.yaml"))
    assert not (repo / "x").exists()


# --------------------------------------------------------------------------- overlays and tags

TAGGED_OLD = """version: 1
providers:
  - {name: Relay, id: relay, type: openai, api_key: "${RELAY_KEY}", models: [gpt-4o]}
  - {name: Lab, id: lab, type: openai, base_url: "http://localhost:8000/", tags: [gpu],
     models: [gpt2]}
"""
TAGGED_NEW = """version: 1
providers:
  - {name: Relay, id: relay, type: openai, api_key: "${RELAY_KEY}", models: [gpt-4o],
     tags: [work]}
  - {name: Lab, id: lab, type: openai, base_url: "http://gpu-box:8000/", tags: [gpu],
     models: [gpt2]}
"""


@pytest.fixture
def tagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "old.yaml").write_text(TAGGED_OLD)
    (tmp_path / "new.yaml").write_text(TAGGED_NEW)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_overlays_apply_to_both_sides(tagged: Path) -> None:
    (tagged / "laptop.yaml").write_text(
        "version: 1\nproviders:\n  - id: lab\n    base_url: http://localhost:9000/\n"
    )
    plain = _diff(DiffOptions("old.yaml", "new.yaml"))[1]
    assert 'base_url = "http://localhost:8000/" -> "http://gpu-box:8000/"' in plain
    code, out, _ = _diff(DiffOptions("old.yaml", "new.yaml", overlays=("laptop.yaml",)))
    assert code == 0 and "base_url" not in out and '~ provider "relay"' in out


def test_an_invalid_overlay_is_reported_once(
    tagged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tagged / "bad.yaml").write_text("version: 1\nproviders:\n  - id: lab\n    colour: red\n")
    assert main(["diff", "old.yaml", "new.yaml", "--overlay", "bad.yaml"]) == 1
    err = capsys.readouterr().err
    assert err.count("bad.yaml:4:5: error:") == 1 and "[unknown-key]" in err


def test_a_missing_overlay_is_an_io_error(tagged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "old.yaml", "new.yaml", "--overlay", "nope.yaml"]) == 2
    assert "cannot read overlay nope.yaml" in capsys.readouterr().err


def test_tags_select_providers_carrying_them_in_either_version(tagged: Path) -> None:
    code, out, _ = _diff(DiffOptions("old.yaml", "new.yaml", tags=("work",)))
    assert code == 0
    assert out.splitlines()[2:4] == ['  ~ provider "relay"', '      ~ tags = (not set) -> ["work"]']
    assert '"lab"' not in out
    assert '"relay"' not in _diff(DiffOptions("old.yaml", "new.yaml", tags=("gpu",)))[1]
    with pytest.raises(CherrysyncError, match="no provider carries tag wrok in either version"):
        _diff(DiffOptions("old.yaml", "new.yaml", tags=("wrok",)))


# ---------------------------------------------------------------------------------- README


def _readme_section(root: Path) -> str:
    readme = (root / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("<!-- section: diff -->") : readme.index("<!-- end: diff -->")]


def test_readme_examples_run_as_written(root: Path, tmp_path: Path) -> None:
    """The README's commands, in a repository whose origin/main has the example's old file."""
    blocks = _readme_section(root).split("```")
    commands, shown = blocks[1].removeprefix("sh\n"), blocks[3].removeprefix("text\n")
    case = GOLDEN / "readme-example"
    (tmp_path / "providers.yaml").write_bytes((case / "old.yaml").read_bytes())
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "old")
    _git(tmp_path, "update-ref", "refs/remotes/origin/main", "HEAD")
    (tmp_path / "providers.yaml").write_bytes((case / "new.yaml").read_bytes())
    _git(tmp_path, "commit", "-q", "-am", "new")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    outputs = []
    for line in commands.strip().splitlines():
        command = line.split("  #")[0].strip()
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    assert outputs[0] == shown
    head = "### cherrysync diff: `HEAD:providers.yaml` → `providers.yaml`\n\nNo changes.\n\n"
    assert outputs[1] == head
    assert json.loads(outputs[2])["summary"] == {"add": 3, "change": 3, "remove": 1}


def test_readme_json_contract_matches_the_output(root: Path) -> None:
    block = next(b for b in _readme_section(root).split("```") if b.startswith("json\n"))
    documented = json.loads(block.removeprefix("json\n"))
    actual = json.loads((GOLDEN / "readme-example" / "expected.json").read_text())
    assert set(documented) == set(actual) and documented["summary"] == actual["summary"]
    for change in documented["changes"]:
        real = next(c for c in actual["changes"] if c["action"] == change["action"])
        assert set(change) == set(real)


def test_readme_workflow_uses_the_actions_inputs(root: Path) -> None:
    from ruamel.yaml import YAML

    block = next(b for b in _readme_section(root).split("```") if "pull-requests: write" in b)
    workflow = YAML(typ="safe").load(block.removeprefix("yaml\n"))
    inputs = YAML(typ="safe").load((root / "action.yml").read_text())["inputs"]
    (step,) = (s for s in workflow["jobs"]["review"]["steps"] if "cherrysync" in s["uses"])
    assert set(step["with"]) <= set(inputs) and step["with"]["comment"] is True
