from __future__ import annotations

from pathlib import Path

from cherrysync.cli import main


def test_example_file_validates(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(root / "providers.example.yaml")]) == 0
    assert capsys.readouterr().out == ""
