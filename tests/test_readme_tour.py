"""The README's five-minute tour runs as written, in order, in an empty folder.

The commands come from the README itself (between the ``tour:start`` and ``tour:end``
markers): the first block starts ``demo --serve`` (run in the background here, as in a first
terminal), the second runs in a shell, line by line, as a user pasting it into a second terminal
would. The demo prints the same commands for its folder.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.demo.run import TOUR

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="runs the tour in a POSIX shell")


def _tour_blocks() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    tour = text.split("<!-- tour:start -->", 1)[1].split("<!-- tour:end -->", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", tour, re.S)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def _command(line: str) -> str:
    return line.split("  #", 1)[0].strip()


def test_the_demo_prints_the_readme_tour() -> None:
    serve, commands = _tour_blocks()
    assert [_command(line) for line in serve] == ["cherrysync demo --serve --dir cherrysync-demo"]
    assert _command(commands[0]) == "cd cherrysync-demo"
    assert [_command(line) for line in commands[1:]] == [command for command, _ in TOUR]


def test_the_tour_runs_as_written(tmp_path: Path) -> None:
    (serve,), commands = _tour_blocks()
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for name in ("DEMO_RELAY_KEY", "NO_COLOR"):
        env.pop(name, None)
    server = subprocess.Popen(
        ["bash", "-c", serve],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C goes to it alone
    )
    assert server.stdout is not None
    try:
        shown = ""
        for line in server.stdout:
            shown += line
            if line.startswith("serving: "):
                break
        assert "serving: " in shown, shown
        script = "set -e\n" + "\n".join(commands) + "\n"
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in the first terminal sends
        rest, _ = server.communicate(timeout=60)
    assert server.returncode == 0 and "endpoints stopped" in rest
    out = done.stdout
    assert "5 checks: 5 passed, 0 skipped, 0 warnings, 0 failed" in out
    assert "Plan: 1 to add, 0 to change, 0 to remove." in out
    assert "Applied: 0 added, 1 changed, 0 removed." in out  # the overlay switched vLLM off
    demo = tmp_path / "cherrysync-demo"
    assert "gpt-4.1" in (demo / "providers.yaml").read_text(encoding="utf-8")
    assert (demo / "from-app.yaml").is_file() and (demo / "from-app.env").stat().st_mode & 0o77 == 0
