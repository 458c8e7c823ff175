"""The real CLI in a child process, for tests whose failure mode is a crash or a hang.

A SIGSEGV then shows as a failed assertion on the exit status (-11), a hang as a timeout, instead
of taking pytest down with it or stalling the suite.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_cli(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m cherrysync ARGS`` with text output captured, a 60 s deadline, any exit code."""
    return subprocess.run(
        [sys.executable, "-m", "cherrysync", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )
