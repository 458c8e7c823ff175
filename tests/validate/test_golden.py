"""Golden tests: one input per rule, the exact diagnostic lines expected for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cherrysync.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))


def _args(source: Path) -> list[str]:
    first = source.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    return first.removeprefix("# args:").split() if first.startswith("# args:") else []


@pytest.mark.parametrize("case", CASES)
def test_golden(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(GOLDEN)
    for name in ("CHERRYSYNC_TEST_UNSET_A", "CHERRYSYNC_TEST_UNSET_B", "CHERRYSYNC_TEST_UNSET_C"):
        monkeypatch.delenv(name, raising=False)
    source = GOLDEN / f"{case}.yaml"
    code = main(["validate", *_args(source), source.name])
    out = capsys.readouterr().out
    expected = (GOLDEN / f"{case}.out").read_text(encoding="utf-8")
    assert out == expected
    assert code == (1 if ": error: " in expected else 0)


def test_every_rule_has_a_golden_case() -> None:
    """Each rule id the validator emits appears in at least one golden output."""
    seen = {
        line.rsplit("[", 1)[1].rstrip("]")
        for out in GOLDEN.glob("*.out")
        for line in out.read_text(encoding="utf-8").splitlines()
    }
    assert seen >= _RULE_IDS, sorted(_RULE_IDS - seen)


_RULE_IDS = {
    "yaml-syntax",
    "duplicate-key",
    "yaml-alias-limit",
    "yaml-depth",
    "yaml-key",
    "yaml-merge",
    "empty-file",
    "encoding",
    "unknown-key",
    "missing-key",
    "wrong-type",
    "invalid-value",
    "id-separator",
    "invalid-id",
    "duplicate-id",
    "duplicate-name",
    "reserved-id",
    "duplicate-model",
    "model-id-chars",
    "new-api-endpoint-type",
    "base-url-required",
    "base-url-scheme",
    "base-url-credentials",
    "base-url-query",
    "base-url-endpoint",
    "base-url-verbatim",
    "base-url-v1-slash",
    "azure-api-version",
    "env-syntax",
    "env-unset",
    "env-unbraced",
    "literal-secret",
    "key-chars",
    "header-name",
    "deeplink-chars",
}
