"""Server text is data, not terminal control: no escape sequence, carriage return, line break or
bidi override a server sends reaches a terminal or CI log raw, in any format of ``check``,
``models`` or ``validate``, and ``models --add-all`` never writes such an ID into the file."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from check_support import FAST, provider, write_providers
from cherrysync.cli import main
from cherrysync.diagnostics import Diagnostic
from cherrysync.validate.formats import DIAGNOSTIC_FORMATS, render, render_summary
from emulators import OpenAIEmulator, Reply

KEY = "sk-proj-CONTROLchars0123456789abcdef"
HOSTILE_IDS = [
    "gpt-4o\n::warning title=pwned::injected",
    "gpt-4o\x1b]0;owned\x07\x1b[2J",
    "gpt-4o\r\x9b31mred",
    "gpt-4o\u202etxt.exe",
    "gpt-4o gpt-4o-mini",
]
#: raw control characters that must never be printed (a line break only ends our own lines)
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_lines(text: str) -> None:
    """No raw control character, and no line a server started (a workflow command)."""
    assert RAW.search(text) is None, repr(RAW.search(text))
    for line in text.splitlines():
        assert not re.match(r"::\w+::|::warning title=pwned", line), line


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[OpenAIEmulator, Path]:
    server = OpenAIEmulator([KEY], [*HOSTILE_IDS, "gpt-4o-mini", "o4-mini"]).start()
    path = write_providers(
        tmp_path,
        [
            provider("hostile", "openai", server.url, ["gpt-4o", "gpt-4o-mini"], "KEY"),
            provider("noisy", "openai", server.url, ["x"], "BAD"),
        ],
        monkeypatch,
        {"KEY": KEY, "BAD": "sk-bad-0123456789abcdef"},
    )
    server.inject(
        "^/v1/models$",
        lambda req: (
            Reply(
                401,
                {"error": {"message": "bad\r\n::error::injected\x1b[31m\u2028", "type": "\x1b[1m"}},
                headers={"x-request-id": "req\x1b[2J"},
            )
            if "bad" in req.headers.get("authorization", "")
            else None
        ),  # type: ignore[arg-type,return-value]
    )
    yield server, path  # type: ignore[misc]
    server.stop()


def test_check_formats_escape_server_text(
    hostile: tuple[OpenAIEmulator, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, path = hostile
    summary = tmp_path / "summary.md"
    for fmt in ("text", "github", "sarif", "junit", "json"):
        code = main(["check", str(path), "--format", fmt, "--summary", str(summary), *FAST])
        out, err = capsys.readouterr()
        assert code == 1
        clean_lines(out + err)
        if fmt == "junit":
            ET.fromstring(out)  # XML 1.0 cannot carry these characters even escaped
        if fmt == "json":
            results = json.loads(out)["results"]
            assert "gpt-4o\\r\\x9b31mred" in results[1]["closest"]
            assert results[3]["message"].endswith("(type=\\x1b[1m): bad ::error::injected\\x1b[31m")
            assert results[3]["request_id"] == "req\\x1b[2J"
    clean_lines(summary.read_text())
    rows = [line for line in summary.read_text().splitlines() if line.startswith("| ")]
    assert len(rows) == 5 * (1 + 5) and all(row.endswith(" |") for row in rows)  # none broken


def test_models_shows_offered_ids_escaped_and_never_adds_them(
    hostile: tuple[OpenAIEmulator, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = hostile
    before = path.read_text()
    for fmt in ("text", "json"):
        assert main(["models", "hostile", str(path), "--format", fmt, *FAST]) == 0
        out, err = capsys.readouterr()
        clean_lines(out + err)
    assert "  + gpt-4o\\x1b]0;owned\\x07\\x1b[2J\n" in main_text(path, capsys)
    assert path.read_text() == before
    assert main(["models", "hostile", str(path), "--add-all", *FAST]) == 0
    out, err = capsys.readouterr()
    clean_lines(out + err)
    assert "cherrysync: warning: hostile: not adding 5 offered ID(s)" in err
    assert "added 1 model(s) to hostile" in err
    text = path.read_text()
    assert "o4-mini" in text and "pwned" not in text and "x1b" not in text and "\x1b" not in text
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()


def main_text(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    main(["models", "hostile", str(path), *FAST])
    return capsys.readouterr().out


@pytest.mark.parametrize("model_id", ["gpt2 - gpt-4o", "a\x1bb", "x?y"])
def test_models_refuses_to_add_an_id_the_file_cannot_hold(
    hostile: tuple[OpenAIEmulator, Path], capsys: pytest.CaptureFixture[str], model_id: str
) -> None:
    _, path = hostile
    before = path.read_text()
    assert main(["models", "hostile", str(path), "--add", model_id, *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cherrysync: error: cannot add: model id ")
    clean_lines(err)
    assert path.read_text() == before


DIAGNOSTICS = [
    Diagnostic("dir/\x1b[2Jp.yaml", 4, 11, "error", "model-id-chars", "id 'a\x1b]0;x\x07'"),
    Diagnostic("p.yaml", 1, 1, "warning", "literal-secret", "ok\r\n::error::x \u202e \x9b"),
]


@pytest.mark.parametrize("fmt", list(DIAGNOSTIC_FORMATS))
def test_validate_formats_escape_file_text(fmt: str) -> None:
    clean_lines(render(fmt, DIAGNOSTICS, ["p.yaml"]))
    clean_lines(render_summary(DIAGNOSTICS, ["p.yaml"]))
    coloured = render("text", DIAGNOSTICS, ["p.yaml"], colour=True)
    assert "\x1b" not in re.sub("\x1b\\[[0-9;]*m", "", coloured)  # only our own colours
