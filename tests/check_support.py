"""Helpers for the check tests: write a providers file, run the CLI, start emulators."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.commands.check import NetworkOptions

#: Small timeouts and backoffs keep the suite fast; individual tests override them.
FAST = ["--timeout", "2", "--retries", "1", "--backoff", "0.01", "--max-retry-wait", "1"]
#: The same for tests that call the command functions directly.
FAST_NETWORK = NetworkOptions(timeout=2, retries=1, backoff=0.01, max_retry_wait=1)


def write_providers(
    tmp_path: Path,
    providers: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    keys: dict[str, str] | None = None,
) -> Path:
    """A providers file; ``keys`` become environment variables referenced as ``${NAME}``."""
    for name, value in (keys or {}).items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "providers.yaml"
    path.write_text(json.dumps({"version": 1, "providers": providers}, indent=2))
    return path


def provider(
    pid: str, ptype: str, base_url: str, models: list[Any], *keys: str, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": pid,
        "id": pid,
        "type": ptype,
        "base_url": base_url,
        "models": models,
    }
    if keys:
        data["api_key"] = [f"${{{k}}}" for k in keys] if len(keys) > 1 else f"${{{keys[0]}}}"
    data.update(extra)
    return data


def run_json(
    capsys: pytest.CaptureFixture[str], path: Path, *args: str
) -> tuple[int, dict[str, Any], str]:
    """Run ``check --format json``; return the exit code, the parsed output and stderr."""
    code = main(["check", str(path), "--format", "json", *FAST, *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def statuses(report: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(r["model"], r["status"]) for r in report["results"]]


def closed_port() -> int:
    """A loopback port nothing listens on (connect is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def key_runs(text: str, secrets: Iterable[str], run: int = 8) -> list[str]:
    """Every ``run``-character piece of a secret found in ``text`` (a mask shows at most 4)."""
    return [
        value[start : start + run]
        for value in secrets
        for start in range(len(value) - run + 1)
        if value[start : start + run] in text
    ]
