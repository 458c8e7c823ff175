"""--overlay and --tag through the CLI: merged results, selection, positions in the overlay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from check_support import FAST
from cherrysync.cli import main
from cherrysync.resolve import resolve_providers
from cherrysync.validate.overlays import read_overlay
from cherrysync.validate.pipeline import validate_path
from emulators import OpenAIEmulator

KEY = "sk-proj-OverlayKey0123456789abcdef"
BASE = """\
version: 1
providers:
  - name: Work Relay
    id: work-relay
    type: openai
    base_url: https://relay.example.com/v1/
    api_key: ${WORK_KEY}
    tags: [work]
    models: [gpt-4o]
  - name: GPU Box
    id: gpu-box
    type: openai
    base_url: http://localhost:8000/
    tags: [gpu, lab]
    models: [gpt2]
  - name: Home
    id: home
    type: anthropic
    api_key: ${HOME_KEY}
    models: [claude-sonnet-4-5]
"""
LAPTOP = """\
version: 1
providers:
  - id: home
    enabled: false
  - id: gpu-box
    base_url: http://127.0.0.1:9000/
  - id: scratch
    name: Scratch
    type: openai
    base_url: http://localhost:1234/v1/
    tags: [lab]
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("WORK_KEY", KEY)
    monkeypatch.setenv("HOME_KEY", "sk-ant-home-0123456789")
    base = tmp_path / "providers.yaml"
    base.write_text(BASE)
    overlay = tmp_path / "laptop.yaml"
    overlay.write_text(LAPTOP)
    return base, overlay


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(["export", "--to", "providers-json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err


def test_overlay_switches_off_replaces_and_adds(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, overlay = files
    code, exported, _ = _export(capsys, str(base), "--overlay", str(overlay))
    assert code == 0
    by_id = {p["id"]: p for p in exported}
    assert list(by_id) == ["work-relay", "gpu-box", "home", "scratch"]
    assert by_id["home"]["enabled"] is False
    assert by_id["gpu-box"]["apiHost"] == "http://127.0.0.1:9000/"
    assert by_id["scratch"]["name"] == "Scratch"
    code, plain, _ = _export(capsys, str(base))
    assert code == 0 and {p["id"]: p["enabled"] for p in plain}["home"] is True


def test_tags_select_any_and_intersect_with_provider(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, overlay = files
    ids = lambda out: [p["id"] for p in out]  # noqa: E731
    assert ids(_export(capsys, str(base), "--tag", "work")[1]) == ["work-relay"]
    assert ids(_export(capsys, str(base), "--tag", "work", "--tag", "gpu")[1]) == [
        "work-relay",
        "gpu-box",
    ]
    with_overlay = _export(capsys, str(base), "--overlay", str(overlay), "--tag", "lab")[1]
    assert ids(with_overlay) == ["gpu-box", "scratch"]
    both = _export(capsys, str(base), "--tag", "lab", "--provider", "gpu-box")[1]
    assert ids(both) == ["gpu-box"]
    code, _, err = _export(capsys, str(base), "--tag", "lab", "--provider", "home")
    assert code == 2 and "no provider named home carries tag lab" in err
    code, _, err = _export(capsys, str(base), "--tag", "wrok")
    assert code == 2 and "no provider carries tag wrok" in err and "did you mean 'work'" in err


def test_only_selected_providers_need_their_variables(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = files
    monkeypatch.delenv("HOME_KEY")
    code, exported, _ = _export(capsys, str(base), "--tag", "work")
    assert code == 0 and exported[0]["apiKey"] == KEY
    code, _, err = _export(capsys, str(base))
    assert code == 1 and "HOME_KEY is not set" in err


def test_validate_tag_narrows_require_env(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = files
    monkeypatch.delenv("HOME_KEY")
    assert main(["validate", "--require-env", str(base)]) == 1
    assert "HOME_KEY" in capsys.readouterr().out
    assert main(["validate", "--require-env", "--tag", "work", str(base)]) == 0


def test_validate_applies_the_overlay_to_each_file_and_reports_it_once(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = files
    second = tmp_path / "second.yaml"
    second.write_text(BASE)
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nproviders:\n  - id: home\n    enabeld: false\n")
    code = main(["validate", "--format", "json", str(base), str(second), "--overlay", str(bad)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["files"] == [str(base), str(second), str(bad)]
    assert [(d["file"], d["line"], d["rule"]) for d in report["diagnostics"]] == [
        (str(bad), 4, "unknown-key")
    ]


def test_check_annotations_point_into_the_overlay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emu = OpenAIEmulator([KEY], ["gpt-4o"]).start()
    try:
        monkeypatch.setenv("WORK_KEY", KEY)
        base = tmp_path / "providers.yaml"
        base.write_text(BASE.replace("https://relay.example.com/v1/", emu.url))
        overlay = tmp_path / "laptop.yaml"
        overlay.write_text("version: 1\nproviders:\n  - id: work-relay\n    models: [gpt-x]\n")
        args = ["check", str(base), "--overlay", str(overlay), "--tag", "work", *FAST]
        assert main([*args, "--format", "github"]) == 1
        first = capsys.readouterr().out.splitlines()[0]
        assert first.startswith(f"::error file={overlay},line=4,")
        assert main([*args, "--format", "sarif"]) == 1
        results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
        where = results[0]["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"].endswith("laptop.yaml")
    finally:
        emu.stop()


def test_prune_with_tag_is_refused_before_anything_is_read(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = files
    for command in ("plan", "apply"):
        args = [command, str(base), "--target", str(tmp_path / "x.zip"), "--prune", "--tag", "work"]
        assert main(args) == 2
        assert "--prune cannot be combined with --tag" in capsys.readouterr().err


def test_models_add_refuses_models_an_overlay_sets(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = files
    overlay = tmp_path / "models.yaml"
    overlay.write_text("version: 1\nproviders:\n  - id: work-relay\n    models: [o3]\n")
    args = ["models", "work-relay", str(base), "--overlay", str(overlay), "--add", "gpt-5"]
    assert main(args) == 2
    assert f"come from the overlay {overlay}" in capsys.readouterr().err
    assert base.read_text() == BASE


def test_missing_overlay_is_a_usage_error(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = files
    assert main(["validate", str(base), "--overlay", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read overlay" in capsys.readouterr().err


def test_ca_bundle_from_an_overlay_is_relative_to_the_overlay(tmp_path: Path) -> None:
    base = tmp_path / "providers.yaml"
    base.write_text(BASE)
    machine = tmp_path / "machines"
    machine.mkdir()
    overlay = machine / "box.yaml"
    overlay.write_text("version: 1\nproviders:\n  - id: gpu-box\n    check: {ca_bundle: ca.pem}\n")
    validated = validate_path(base, overlays=[read_overlay(overlay)])
    assert validated.ok and validated.model is not None
    resolved, problems = resolve_providers(
        validated.model, {}, filename=str(base), document=validated.document, only=["gpu-box"]
    )
    assert not problems
    assert resolved[0].spec.check_options.ca_bundle == str((machine / "ca.pem").resolve())


def test_readme_overlay_example_applies_to_the_example_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```") if "$schema=./schema/overlay.schema.json" in b)
    overlay = tmp_path / "laptop.yaml"
    overlay.write_text(block.removeprefix("yaml\n"))
    example = str(root / "providers.example.yaml")
    code = main(["validate", "--format", "json", example, "--overlay", str(overlay)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert all(d["severity"] == "warning" for d in report["diagnostics"])


def test_schema_check_covers_the_overlay_schema(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(root)
    assert main(["schema", "--check"]) == 0
    assert "schema/overlay.schema.json is up to date" in capsys.readouterr().out
    stale = tmp_path / "overlay.schema.json"
    stale.write_text("{}\n")
    assert main(["schema", "--check", "--kind", "overlay", "--path", str(stale)]) == 1
    assert "cherrysync schema --kind overlay -o" in capsys.readouterr().err
