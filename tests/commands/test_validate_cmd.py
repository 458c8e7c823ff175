"""`cherrysync validate` and `cherrysync schema` as a user runs them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.commands.schema import SchemaOptions, schema
from cherrysync.commands.validate import ValidateOptions, validate
from cherrysync.console import QUIET, VERBOSE
from cherrysync.load.yamldoc import MAX_BYTES
from clirun import run_cli

BAD = "version: 1\nproviders:\n  - name: A\n    type: opena\n    nmae: x\n"
GOOD = "version: 1\nproviders:\n  - name: Local\n    type: ollama\n    models: [llama3]\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "good.yaml").write_text(GOOD)
    return {"bad": tmp_path / "bad.yaml", "good": tmp_path / "good.yaml"}


def test_exit_codes(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(files["good"])]) == 0
    assert main(["validate", str(files["bad"])]) == 1
    assert main(["validate", str(files["good"].parent / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["validate", "--format", "nope"]) == 2


def test_default_file_is_providers_yaml(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files["good"].parent)
    assert main(["validate"]) == 2
    files["good"].rename(files["good"].parent / "providers.yaml")
    assert main(["validate"]) == 0


def test_json_contract(files: dict[str, Path]) -> None:
    out = io.StringIO()
    options = ValidateOptions(files=(str(files["bad"]), str(files["good"])), format="json")
    assert validate(options, stdout=out) == 1
    payload = json.loads(out.getvalue())
    assert payload["summary"] == {"errors": 2, "warnings": 0}
    first = payload["diagnostics"][0]
    assert first == {
        "file": str(files["bad"]),
        "line": 4,
        "column": 11,
        "severity": "error",
        "rule": "invalid-value",
        "message": first["message"],
    }
    assert {d["rule"] for d in payload["diagnostics"]} == {"invalid-value", "unknown-key"}


def test_quiet_and_verbose_go_to_the_given_streams(files: dict[str, Path]) -> None:
    warned = files["good"].parent / "warned.yaml"
    warned.write_text(
        GOOD + "  - name: Key\n    type: openai\n    api_key: sk-literal-0123456789\n"
    )
    out, err = io.StringIO(), io.StringIO()
    options = ValidateOptions(files=(str(warned),), verbosity=QUIET)
    assert validate(options, stdout=out, stderr=err) == 0
    assert (out.getvalue(), err.getvalue()) == ("", "")
    options = ValidateOptions(files=(str(warned), str(files["bad"])), verbosity=VERBOSE)
    assert validate(options, stdout=out, stderr=err) == 1
    assert "[literal-secret]" in out.getvalue() and "[unknown-key]" in out.getvalue()
    assert err.getvalue() == "2 file(s) checked: 2 error(s), 1 warning(s)\n"


def test_github_annotations(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--format", "github", str(files["bad"])])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"::error file={files['bad']},line=4,col=11,title=invalid-value::")


def test_file_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 10))
    assert main(["validate", str(big)]) == 1
    out = capsys.readouterr().out
    assert "[file-too-large]" in out
    assert f"file is larger than the limit of {MAX_BYTES} bytes (5 MiB)" in out


def test_require_env_with_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CS_TEST_KEY", raising=False)
    source = tmp_path / "p.yaml"
    source.write_text(
        "version: 1\nproviders:\n  - name: A\n    type: openai\n    api_key: ${CS_TEST_KEY}\n"
    )
    assert main(["validate", str(source)]) == 0, "validate needs no secrets by default"
    assert main(["validate", "--require-env", str(source)]) == 1
    assert "CS_TEST_KEY is not set" in capsys.readouterr().out
    env = tmp_path / ".env"
    env.write_text("# team keys\nexport CS_TEST_KEY='sk-test-value'\n")
    assert main(["validate", "--require-env", "--env-file", str(env), str(source)]) == 0
    assert (
        main(["validate", "--require-env", "--env-file", str(tmp_path / "nope"), str(source)]) == 2
    )


def test_schema_check(tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert schema(SchemaOptions(check=True, path=str(root / "schema/providers.schema.json"))) == 0
    stale = tmp_path / "stale.json"
    stale.write_text("{}\n")
    assert schema(SchemaOptions(check=True, path=str(stale))) == 1
    assert "stale" in capsys.readouterr().err
    out = tmp_path / "fresh.json"
    assert schema(SchemaOptions(output=str(out))) == 0
    assert schema(SchemaOptions(check=True, path=str(out))) == 0
    assert main(["schema", "--check", "--path", str(out)]) == 0


def test_schema_has_editor_help(root: Path) -> None:
    schema = json.loads((root / "schema/providers.schema.json").read_text())
    provider = schema["$defs"]["Provider"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all("description" in spec for spec in provider["properties"].values())
    assert provider["additionalProperties"] is False
    assert "^x-" in provider["patternProperties"]


def test_python_dash_m_and_no_http_stack_at_import(root: Path, files: dict[str, Path]) -> None:
    code = (
        "import sys; from cherrysync.cli import main; rc = main(['validate', sys.argv[1]]);"
        "assert 'httpx' not in sys.modules, 'validate imported httpx';"
        "assert 'sqlite3' not in sys.modules; raise SystemExit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(files["good"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("cherrysync ")


def test_no_traceback_on_unreadable_directory(tmp_path: Path) -> None:
    done = run_cli("validate", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_readme_field_reference_is_generated(root: Path) -> None:
    from cherrysync.validate.fileschema import render_markdown

    readme = (root / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- schema-reference:start -->\n") + len(
        "<!-- schema-reference:start -->\n"
    )
    end = readme.index("<!-- schema-reference:end -->")
    assert readme[start:end] == render_markdown(), "run: cherrysync schema --format markdown"


def test_readme_starts_with_two_commands(root: Path) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```")
    assert blocks[1].strip() == "sh\npip install . && cherrysync demo"
    assert blocks[3].strip() == "sh\npip install -e '.[test]' && python -m pytest"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_summary_is_refused_before_any_report(root: Path, tmp_path: Path) -> None:
    """The report is not printed first and then failed: a machine reader gets the error."""
    os.mkfifo(tmp_path / "summary")
    example = str(root / "providers.example.yaml")
    argv = ["validate", example, "--format", "json", "--summary", str(tmp_path / "summary")]
    done = subprocess.run(
        [sys.executable, "-m", "cherrysync", *argv],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["exit_code"] == 2
    assert b"not a regular file" in done.stderr
