"""Every server-controlled string is redacted before it is shortened, in every output.

A server that has the key can put it anywhere: after padding in a message (so a cut lands in
the middle of it), in an error type or code, in a request-id header, in a model id or in the
host of a redirect. No output of ``check`` or ``models`` may then show 8 characters of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from check_support import FAST, key_runs, provider, write_providers
from cherrysync.check.redaction import Redactor
from cherrysync.check.result import CheckResult
from cherrysync.cli import main
from emulators import AnthropicEmulator, OpenAIEmulator, Reply, Request

KEY = "sk-proj-REDACTfirst0123456789abcdef"
HEADER = "hdr-REDACTsecond-0123456789xyz"
SECRETS = [KEY, HEADER]
FORMATS = ("json", "text", "github", "sarif", "junit")


def echo(req: Request) -> str:
    """What a careless gateway echoes: the Authorization header and the custom header."""
    return f"{req.headers.get('authorization')} {req.headers.get('x-team')}"


def error(message: str = "no", etype: str = "x", code: str | None = None) -> dict[str, object]:
    return {"error": {"message": message, "type": etype, "param": None, "code": code}}


#: name -> the handler a hostile /v1/models answers with
HOSTILE: dict[str, Callable[[Request], Reply]] = {
    **{
        f"message-after-{pad}": (lambda req, pad=pad: Reply(401, error("x" * pad + echo(req))))
        for pad in (0, 200, 220, 226, 235, 1000, 100_000)
    },
    **{
        f"text-after-{pad}": (
            lambda req, pad=pad: Reply(
                401, "x" * pad + echo(req), content_type="text/plain", raw=True
            )
        )
        for pad in (0, 220, 390, 5000)
    },
    "spaces-collapse-onto-the-key": lambda req: Reply(
        401, " " * 20_000 + echo(req), content_type="text/plain", raw=True
    ),
    "type-and-code": lambda req: Reply(401, error("no", "t" * 200 + echo(req), echo(req))),
    "request-id": lambda req: Reply(
        401, error(), headers={"x-request-id": echo(req), "request-id": echo(req)}
    ),
    "retry-rate-limit": lambda req: Reply(
        429, error("p" * 215 + echo(req)), headers={"x-request-id": "r" * 70 + echo(req)}
    ),
    "control-split": lambda req: Reply(401, error(echo(req).replace("0123", "\x1b[0m0123"))),
    "redirect-host": lambda req: Reply(
        302, None, headers={"Location": f"http://{KEY.lower()}.example/v1/models"}
    ),
}


@pytest.fixture
def gateway() -> Iterator[OpenAIEmulator]:
    server = OpenAIEmulator([KEY], ["gpt-4o"]).start()
    yield server
    server.stop()


def providers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> Path:
    entry = provider("gw", "openai", url, ["gpt-4o"], "KEY", headers={"X-Team": "${HDR}"})
    return write_providers(tmp_path, [entry], monkeypatch, {"KEY": KEY, "HDR": HEADER})


@pytest.mark.parametrize("case", list(HOSTILE))
def test_no_output_format_shows_part_of_a_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gateway: OpenAIEmulator,
    case: str,
) -> None:
    gateway.inject("^/v1/models$", HOSTILE[case])
    path = providers_file(tmp_path, monkeypatch, gateway.url)
    summary = tmp_path / "summary.md"
    for fmt in FORMATS:
        code = main(["check", str(path), "--format", fmt, "--summary", str(summary), *FAST])
        out, err = capsys.readouterr()
        assert code == 1
        assert key_runs(out + err, SECRETS) == [], fmt
    assert key_runs(summary.read_text(), SECRETS) == []
    code = main(["models", "gw", str(path), *FAST])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("cherrysync: error: gw: ")
    assert key_runs(err, SECRETS) == []


def test_the_message_keeps_its_text_up_to_the_mask(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gateway: OpenAIEmulator,
) -> None:
    gateway.inject("^/v1/models$", HOSTILE["message-after-200"])
    path = providers_file(tmp_path, monkeypatch, gateway.url)
    main(["check", str(path), "--format", "json", *FAST])
    message = json.loads(capsys.readouterr().out)["results"][0]["message"]
    assert message.startswith("model list: HTTP 401 (type=x): " + "x" * 200 + "Bearer sk-p…cdef")


def test_listed_model_ids_and_lookups_are_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Model ids come from the server too: in ``closest``, in messages, in ``models``."""
    configured = "gpt-4o-mini-2024-07-18-preview-deployment-eu"
    near = "gpt-4o-mini-2024-07-18-preview-" + KEY[:16]
    with (
        OpenAIEmulator([KEY], [near, KEY, "other"]) as oa,
        AnthropicEmulator([KEY], ["claude-sonnet-4-5"]) as ant,
    ):
        ant.inject(
            "^/v1/models/claude-x$", lambda req: Reply(200, {"id": "resolved-" + KEY, "type": "m"})
        )
        path = write_providers(
            tmp_path,
            [
                provider("oa", "openai", oa.url, [configured], "KEY"),
                provider("ant", "anthropic", ant.url, ["claude-x"], "KEY"),
            ],
            monkeypatch,
            {"KEY": KEY},
        )
        for fmt in FORMATS:
            main(["check", str(path), "--format", fmt, *FAST])
            out, err = capsys.readouterr()
            assert key_runs(out + err, SECRETS) == [], fmt
            if fmt == "json":
                results = json.loads(out)["results"]
                assert results[1]["closest"][0].startswith("gpt-4o-mini-2024-07-18-preview-")
                assert "resolves to resolved-sk-p…cdef" in results[3]["message"]
        for fmt in ("text", "json"):
            assert main(["models", "oa", str(path), "--format", fmt, *FAST]) == 0
            out, err = capsys.readouterr()
            assert key_runs(out + err, SECRETS) == [], fmt
            assert "other" in out


@dataclass(frozen=True)
class _Note:
    rule: str
    message: str


@dataclass
class _Richer(CheckResult):
    """A result with fields of the kinds later features add."""

    notes: list[_Note] = field(default_factory=list)
    by: dict[str, list[str]] = field(default_factory=dict)


def test_every_string_of_a_result_is_cleaned_however_nested() -> None:
    """Fields added to results later (notes, balances) are covered without being listed."""
    result = _Richer("p", "sk-p…cdef", "m", "ok", f"fine {KEY}", closest=[f"{KEY}-near"])
    result.notes = [_Note("r", f"echo {KEY}\x1b[2J")]
    result.by = {KEY: [f"x{KEY[:10]}"]}
    result.clean(Redactor(SECRETS).value)
    assert result.message == "fine sk-p…cdef" and result.closest == ["sk-p…cdef-near"]
    assert result.notes == [_Note("r", "echo sk-p…cdef\\x1b[2J")]
    assert key_runs(repr(result), SECRETS) == []
    assert (result.model, result.key) == ("m", "sk-p…cdef")
