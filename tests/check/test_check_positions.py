"""Results placed at their node: a key's result at that key, even when two keys look alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_support import FAST, provider, write_providers
from cherrysync.cli import main
from emulators import OpenAIEmulator

GOOD = "sk-a0000000000000000000good-wxyz"
BAD = "sk-a1111111111111111111bad0-wxyz"  # masked as sk-a…wxyz too


def test_a_failing_key_is_annotated_at_its_own_entry_not_at_its_look_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with OpenAIEmulator([GOOD], ["m"]) as server:
        entry = provider("p", "openai", server.url + "/v1/", ["m"], "K1", "K2")
        path = write_providers(tmp_path, [entry], monkeypatch, {"K1": GOOD, "K2": BAD})
        assert main(["check", str(path), "--format", "github", *FAST]) == 1
    lines = path.read_text().splitlines()
    bad_line = next(n for n, text in enumerate(lines, 1) if "${K2}" in text)
    errors = [a for a in capsys.readouterr().out.splitlines() if a.startswith("::error ")]
    assert len(errors) == 1
    assert f",line={bad_line}," in errors[0]
