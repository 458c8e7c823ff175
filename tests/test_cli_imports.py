"""The import budget of a cold run, guarded by structure rather than by time: what a command
must not import (benchmarks/bench_startup.py measures what that is worth)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.cli import COMMANDS, main

#: the HTTP stack: only check and models send requests
HTTP = {"httpx", "httpcore", "h11", "anyio", "asyncio", "ssl", "http.client"}
#: the app's database, dotenv files, completion scripts, httpx's optional command-line client and
#: httpcore's optional trio support (cherrysync's event loop is asyncio)
ELSEWHERE = {"sqlite3", "dotenv", "shtab", "click", "pygments", "trio"}

PROBE = """
import json, sys
from cherrysync.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(k for k, v in sys.modules.items() if v)}))
"""


#: helper modules every command may use: loading, and the documents of a failed run
SHARED = {"common", "failure"}


def imported(*argv: str, cwd: Path | None = None) -> tuple[int, set[str]]:
    """The exit code and every module a fresh interpreter holds after ``cherrysync argv``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    return report["code"], set(report["modules"])


def commands_in(modules: set[str]) -> set[str]:
    return {m.rsplit(".", 1)[-1] for m in modules if m.startswith("cherrysync.commands.")}


def test_version_imports_no_command() -> None:
    code, modules = imported("--version")
    assert code == 0
    assert not {m for m in modules if m.startswith("cherrysync.commands")}
    assert not {"pydantic", "ruamel.yaml"} & modules


def test_a_run_imports_only_its_own_command(root: Path) -> None:
    code, modules = imported("schema", "--check", cwd=root)
    assert code == 0
    assert commands_in(modules) == {"schema"}


def test_validate_of_a_valid_file_stays_offline_and_schema_free(root: Path) -> None:
    code, modules = imported("validate", str(root / "providers.example.yaml"))
    assert code == 0
    assert commands_in(modules) == {"validate", "common"}  # failure: only for a failed run
    assert not (HTTP | ELSEWHERE | {"subprocess", "difflib"}) & modules  # no helper program
    # the model converts strictly; JSON Schema is only loaded to explain a failure
    assert not {m for m in modules if m.split(".")[0] in ("jsonschema", "pydantic")}
    assert not {m for m in modules if m.startswith(("cherrysync.check", "cherrysync.targets"))}
    assert "cherrysync.resolve" not in modules


def test_validate_of_an_invalid_file_explains_with_json_schema(tmp_path: Path) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text("version: 1\nproviders:\n  - name: x\n    type: nope\n")
    code, modules = imported("validate", str(path))
    assert code == 1
    assert "jsonschema" in modules
    assert not HTTP & modules


@pytest.mark.parametrize("command", ["check", "models"])
def test_network_commands_load_no_unrelated_stack(tmp_path: Path, command: str) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text("version: 1\nproviders:\n  - name: off\n    type: openai\n    enabled: false\n")
    argv = [command, str(path)] if command == "check" else [command, "off", "--file", str(path)]
    _, modules = imported(*argv)
    assert commands_in(modules) <= {command, *SHARED, "check"}
    assert not {m for m in modules if m.split(".")[0] in ("jsonschema", "pydantic")}
    assert not ELSEWHERE & modules
    assert not {m for m in modules if m.startswith("cherrysync.targets")}


def test_an_unknown_command_still_lists_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bogus"]) == 2
    err = capsys.readouterr().err
    assert all(f"'{command}'" in err for command in COMMANDS)


def test_a_check_that_sends_requests_loads_neither_httpcore_nor_anyio(tmp_path: Path) -> None:
    """check/transport.py speaks HTTP/1.1 itself (asyncio streams + h11)."""
    path = tmp_path / "providers.yaml"
    path.write_text(  # nothing listens on the discard port: the request is refused
        "version: 1\nproviders:\n  - name: local\n    type: ollama\n"
        "    base_url: http://127.0.0.1:9/\n    models: [m]\n"
    )
    code, modules = imported("check", str(path), "--retries", "0")
    assert code == 1
    assert "h11" in modules and "cherrysync.check.transport" in modules
    assert not {m for m in modules if m.split(".")[0] in ("httpcore", "anyio", "sniffio")}
