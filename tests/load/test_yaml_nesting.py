"""Nesting is bounded before the C composer recurses: a deep file is a diagnostic, not SIGSEGV.

Every case runs the real CLI in a subprocess, so a crash shows as a failed assertion on the exit
status (-11) instead of taking pytest down with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import run_cli

VALID = "version: 1\nproviders:\n  - name: Local\n    type: ollama\n    models: [llama3]\n"


#: (name, text, line:col of the first node deeper than 64 levels)
CASES = [
    # 60 KB of '[': the k-th '[' is at depth k-1, so the 66th (column 66) is too deep
    ("flow-sequences", "[" * 60_000 + "\n", "1:66"),
    # '{a: ' four characters per level; the key inside the 65th mapping is at depth 65
    ("flow-mappings", "{a: " * 30_000 + "\n", "1:258"),
    # a block sequence per '- ' on one line: the 66th dash (column 131) is too deep
    ("compact-sequences", "- " * 30_000 + "x\n", "1:131"),
    ("complex-keys", "? " * 30_000 + "x\n", "1:131"),
    # block mappings by indentation: the key on line n (column n) is at depth n
    ("block-indentation", "".join(" " * i + "k:\n" for i in range(100)), "65:65"),
    # block keys, then a deep flow value: the limit counts both styles together; x-c's value
    # is at depth 3, so the 63rd '[' (column 9 + 63) is at depth 65
    ("mixed", "version: 1\nx-a:\n  x-b:\n    x-c: " + "[" * 20_000 + "\n", "4:72"),
]


@pytest.mark.parametrize(("name", "text", "where"), CASES, ids=[c[0] for c in CASES])
def test_deep_providers_file_is_a_yaml_depth_error(
    name: str, text: str, where: str, tmp_path: Path
) -> None:
    (tmp_path / "providers.yaml").write_text(text, encoding="utf-8")
    done = run_cli("validate", "providers.yaml", cwd=tmp_path)
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    expected = f"providers.yaml:{where}: error: nesting deeper than 64 levels [yaml-depth]\n"
    assert done.stdout == expected


@pytest.mark.parametrize("command", [["check"], ["plan", "--target", "auto"], ["export"]])
def test_every_command_that_reads_the_file_reports_it(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text("[" * 60_000, encoding="utf-8")
    if command[0] == "export":
        command = [*command, "--to", "providers-json"]
    done = run_cli(*command, "providers.yaml", cwd=tmp_path)
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert "providers.yaml:1:66: error: nesting deeper than 64 levels [yaml-depth]" in done.stderr


def test_deep_overlay_is_a_yaml_depth_error(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "laptop.yaml").write_text("- " * 30_000, encoding="utf-8")
    done = run_cli("validate", "providers.yaml", "--overlay", "laptop.yaml", cwd=tmp_path)
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert "laptop.yaml:1:131: error: nesting deeper than 64 levels [yaml-depth]" in done.stdout


def test_sixty_four_levels_are_fine(tmp_path: Path) -> None:
    """The limit is unchanged: x-deep at depth 1 holding 63 more levels validates."""
    deep = "[" * 63 + "]" * 63
    (tmp_path / "providers.yaml").write_text(VALID + f"x-deep: {deep}\n", encoding="utf-8")
    done = run_cli("validate", "providers.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
