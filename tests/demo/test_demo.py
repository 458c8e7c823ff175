"""`cherrysync demo` runs the whole pipeline offline, as the README's first command does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.demo.endpoints import DEMO_RELAY_KEY


def test_demo_runs_every_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    for step in ("validate", "check", "plan", "apply", "import"):
        assert f"$ cherrysync {step}" in out
    assert "5 checks: 5 passed, 0 skipped, 0 warnings, 0 failed" in out
    assert "No changes." in out
    assert DEMO_RELAY_KEY not in out
    assert (folder / "cherry-studio-backup.cherrysync.zip").is_file()
    assert (folder / "CherryStudio" / "Data" / "cherrystudio.sqlite").is_file()
    assert main(["validate", str(folder / "imported.yaml")]) == 0


def test_demo_refuses_a_folder_with_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_demo_dir_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    assert main(["demo", "--dir", str(file)]) == 2
    assert main(["demo", "--dir", str(file / "sub")]) == 2
    err = capsys.readouterr().err
    assert f"cherrysync: error: --dir {file} is a file; pick a new folder" in err
    assert f"cherrysync: error: cannot use --dir {file / 'sub'}: Not a directory" in err
    assert "internal error" not in err and file.read_text() == "mine"


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_ctrl_c_stops_the_demo_at_once(tmp_path: Path) -> None:
    """A real SIGINT during a step ends the whole demo with 130; no later step runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cherrysync", "demo", "--dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    seen = ""
    for line in process.stdout:
        seen += line
        if line.startswith("── 2/"):
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=60)
    seen += out
    assert process.returncode == 130, (seen, err)
    assert err.endswith("cherrysync: interrupted\n") and err.count("interrupted") == 1
    later = [n for n in range(4, 10) if f"── {n}/" in seen]
    assert not later and "── results" not in seen, seen


def test_demo_ends_with_the_tour_for_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cherrysync.demo.run import TOUR

    folder = tmp_path / "demo"
    assert main(["demo", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    tour = out.split("── next", 1)[1]
    assert f"cherrysync demo --serve --dir {folder}\n" in tour and f"cd {folder}\n" in tour
    for command, _ in TOUR:
        assert f"  {command} " in tour
    assert main(["demo", "--dir", str(folder)]) == 2
    assert f"serve its endpoints again with 'cherrysync demo --serve --dir {folder}'" in (
        capsys.readouterr().err
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_serve_again_serves_a_demo_folders_endpoints_until_ctrl_c(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import urllib.request

    folder = tmp_path / "demo"
    assert main(["demo", "--dir", str(folder)]) == 0
    capsys.readouterr()
    process = subprocess.Popen(
        [sys.executable, "-m", "cherrysync", "demo", "--serve", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("serving: "):
            break
    try:
        text = (folder / "providers.yaml").read_text(encoding="utf-8")
        vllm = re.search(r"base_url: (http://127\.0\.0\.1:\d+)/ ", text)
        assert vllm is not None
        with urllib.request.urlopen(f"{vllm.group(1)}/v1/models", timeout=10) as reply:
            assert b'"gpt2"' in reply.read()
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and "endpoints stopped" in rest
