"""Fake helper programs (``op``, ``sops``, ...) written by a test and put first on PATH."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest


def install_tool(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str, body: str) -> Path:
    """Write ``body`` (Python) as an executable ``name`` in ``folder``, first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return path


def hide_tool(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A PATH on which no helper program is found (only an empty folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PATH", str(folder))
