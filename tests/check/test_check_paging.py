"""The one pagination helper (Anthropic cursors, Gemini page tokens) and the one place that
builds a dialect for both ``check`` and ``models``, over loopback HTTP."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import trustme

from check_support import FAST, provider, run_json, statuses, write_providers
from cherrysync.cli import main
from emulators import AnthropicEmulator, GeminiEmulator, Reply
from emulators.server import Emulator, Request

AKEY = "sk-ant-api03-GOODgoodGOODgood-AAAA"
GKEY = "AIzaSyGOODgoodGOODgood0000000000000"
MODELS = [f"model-{i}" for i in range(7)]


def _anthropic() -> Emulator:
    return AnthropicEmulator([AKEY], MODELS, page_cap=2)


def _gemini() -> Emulator:
    return GeminiEmulator([GKEY], MODELS, page_cap=2)


#: (emulator factory, provider type, key, listing path, how the file names model-0)
DIALECTS: dict[str, tuple[Any, str, str, str, str]] = {
    "anthropic": (_anthropic, "anthropic", AKEY, "^/v1/models$", "model-0"),
    "gemini": (_gemini, "gemini", GKEY, "^/v1beta/models$", "models/model-0"),
}


def _page(dialect: str, cursor: str) -> Reply:
    """A page that always promises another one after ``cursor``."""
    if dialect == "anthropic":
        entry = {"id": "model-x", "type": "model", "display_name": "x", "created_at": "2025"}
        return Reply(body={"data": [entry], "has_more": True, "last_id": cursor})
    return Reply(body={"models": [{"name": "models/model-x"}], "nextPageToken": cursor})


def _file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialect: str, url: str, models: list[str]
) -> Path:
    _factory, ptype, key, _path, _first = DIALECTS[dialect]
    return write_providers(
        tmp_path, [provider("p", ptype, url, models, "K")], monkeypatch, {"K": key}
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_paging_stops_once_every_configured_model_was_found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    dialect: str,
) -> None:
    factory, _ptype, _key, listing, first = DIALECTS[dialect]
    with factory() as emu:
        path = _file(tmp_path, monkeypatch, dialect, emu.url, [first, "model-1"])
        code, report, _ = run_json(capsys, path)
        assert code == 0 and emu.count(listing) == 1  # both are on the first page
        assert (
            "stopped paging once every configured model was found"
            in (report["results"][0]["message"])
        )
        # `models` wants the whole list, so it pages to the end for the same file.
        assert main(["models", "p", str(path), "--format", "json", *FAST]) == 0
        assert json.loads(capsys.readouterr().out)["offered"] == MODELS
        assert emu.count(listing) == 1 + 4


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_cursor_that_does_not_advance_is_a_bad_response(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    dialect: str,
) -> None:
    factory, _ptype, _key, listing, _first = DIALECTS[dialect]
    with factory() as emu:
        emu.inject(listing, _page(dialect, "same"))
        path = _file(tmp_path, monkeypatch, dialect, emu.url, ["model-0"])
        code, report, _ = run_json(capsys, path)
        assert code == 1 and emu.count(listing) == 2
    head = report["results"][0]
    assert head["status"] == "bad_response"
    assert head["message"] == "model list: pagination does not advance"
    assert statuses(report)[1] == ("model-0", "skipped")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_paging_ends_after_max_pages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    dialect: str,
) -> None:
    factory, _ptype, _key, listing, _first = DIALECTS[dialect]
    cursors = itertools.count()

    def endless(_request: Request) -> Reply:
        return _page(dialect, f"c{next(cursors)}")

    with factory() as emu:
        emu.inject(listing, endless)
        path = _file(tmp_path, monkeypatch, dialect, emu.url, [])
        code, report, _ = run_json(capsys, path)
        assert code == 0 and emu.count(listing) == 50
    assert report["results"][0]["message"].endswith("; stopped after 50 pages")


def test_check_and_models_refuse_an_unreadable_ca_bundle_alike(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with AnthropicEmulator([AKEY], MODELS, tls=trustme.CA()) as emu:
        extra = {"check": {"ca_bundle": "missing.pem"}}
        path = write_providers(
            tmp_path,
            [provider("p", "anthropic", emu.url, ["model-0"], "K", **extra)],
            monkeypatch,
            {"K": AKEY},
        )
        code, report, _ = run_json(capsys, path)
        assert code == 1
        assert statuses(report) == [(None, "tls_error")]
        message = report["results"][0]["message"]
        assert message == "cannot use ca_bundle: No such file or directory"
        assert main(["models", "p", str(path), *FAST]) == 1
        assert f"p: tls_error: {message}" in capsys.readouterr().err
        assert emu.requests == []
