"""Shell completion: run the generated scripts in real shells and complete what a user types."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cherrysync.cli import COMMANDS, build_parser, main

Complete = Callable[..., list[list[str]]]


def _script(shell: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "cherrysync", "completion", shell],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _options(command: str) -> set[str]:
    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {
        flag
        for action in sub.choices[command]._actions
        if action.help != argparse.SUPPRESS  # deprecated spellings stay out of completion
        for flag in action.option_strings
    }


@pytest.fixture(scope="module")
def bash_complete(tmp_path_factory: pytest.TempPathFactory) -> Complete:
    """Complete a command line in bash the way pressing Tab would, with the registered function."""
    folder = tmp_path_factory.mktemp("cwd")
    (folder / "providers.yaml").touch()
    (folder / "team.env").touch()
    script = folder / "complete.sh"
    script.write_text(
        _script("bash")
        + 'fn=$(complete -p cherrysync | sed "s/.* -F \\([^ ]*\\) .*/\\1/")\n'
        + 'while IFS= read -r line; do eval "COMP_WORDS=($line)"; '
        + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); $fn; "
        + 'printf "%s\\n" "$(printf "%s " "${COMPREPLY[@]}")"; done\n'
    )

    def complete(*lines: str) -> list[list[str]]:
        done = subprocess.run(
            ["bash", str(script)],
            input="".join(line + "\n" for line in lines),
            capture_output=True,
            text=True,
            check=True,
            cwd=folder,
        )
        return [sorted(out.split()) for out in done.stdout.splitlines()]

    return complete


def test_bash_completes_commands_choices_options_and_files(bash_complete: Complete) -> None:
    assert bash_complete(
        "cherrysync val",
        "cherrysync validate --format s",
        "cherrysync validate --st",
        "cherrysync completion ''",
        "cherrysync validate -q --env-file te",
        "cherrysync check prov",
        "cherrysync apply --target prov",
        "cherrysync diff prov",
        "cherrysync diff --format m",
    ) == [
        ["validate"],
        ["sarif"],
        ["--strict"],
        ["bash", "fish", "zsh"],
        ["team.env"],
        ["providers.yaml"],
        ["providers.yaml"],
        ["providers.yaml"],
        ["markdown"],
    ]


def test_bash_offers_every_option_of_every_command(bash_complete: Complete) -> None:
    """Generated from the parser, so a new option can never be missing from completion."""
    offered = bash_complete(*(f"cherrysync {command} -" for command in COMMANDS))
    assert offered == [sorted(_options(command)) for command in COMMANDS]


def test_zsh_script_is_native_and_registers_when_sourced() -> None:
    script = _script("zsh")
    assert script.startswith("#compdef cherrysync")
    for command in COMMANDS:
        assert f"{command}:'" in script
        for option in _options(command):
            assert option in script
    if not shutil.which("zsh"):
        pytest.skip("zsh is not installed")
    done = subprocess.run(
        [
            "zsh",
            "-fc",
            "autoload -U compinit && compinit -u -D; "
            f"source <({sys.executable} -m cherrysync completion zsh); "
            "print -r -- $_comps[cherrysync]",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (done.stdout.strip(), done.stderr) == ("_shtab_cherrysync", "")


def test_fish_script_completes_commands_choices_and_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", "fish"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"-a {command} -d" in out
    assert "complete -c cherrysync -n '__fish_seen_subcommand_from validate' -l format" in out
    if not shutil.which("fish"):
        pytest.skip("fish is not installed")
    script = tmp_path / "cherrysync.fish"
    script.write_text(out)
    queries = ["cherrysync val", "cherrysync validate --format s", "cherrysync completion z"]
    done = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            f"source {script}; " + "; ".join(f"complete -C '{q}'" for q in queries),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == [
        "validate",
        "sarif",
        "zsh",
    ]


@pytest.mark.parametrize(
    ("argv", "shtab_loaded"),
    [
        (["validate", "providers.example.yaml"], False),
        (["completion", "fish"], False),
        (["completion", "bash"], True),
    ],
)
def test_only_bash_and_zsh_completion_import_shtab(
    argv: list[str], shtab_loaded: bool, root: Path
) -> None:
    code = (
        "import sys, contextlib, io\nfrom cherrysync.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv!r})\n"
        "print('shtab' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == str(shtab_loaded)
