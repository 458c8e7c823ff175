"""Hostile bodies: any JSON shape or depth, compression bombs and non-finite retry hints end in a
classified result (or exit 1 for ``models``), never an internal error, never unbounded memory."""

from __future__ import annotations

import contextlib
import json
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from check_support import FAST, provider, run_json, statuses, write_providers
from cherrysync.boundedjson import depth
from cherrysync.check.body import MAX_BODY, MAX_DEPTH, parse_json
from cherrysync.check.dialects.base import ids_from, json_object, listing_body
from cherrysync.check.dialects.openai import flavour
from cherrysync.check.errors import classify, error_info
from cherrysync.check.http import Reply as HttpReply
from cherrysync.check.http import failure_from
from cherrysync.check.result import ProbeFailure
from cherrysync.check.retry import retry_hint
from cherrysync.cli import main
from emulators import OpenAIEmulator, Reply

KEY = "sk-proj-HOSTILEbody0123456789abcdef"
DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


@pytest.fixture
def emu() -> Iterator[OpenAIEmulator]:
    server = OpenAIEmulator([KEY], ["gpt-4o"]).start()
    yield server
    server.stop()


def one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> Path:
    return write_providers(
        tmp_path, [provider("p", "openai", url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
    )


def strict(text: str) -> Any:
    """Parse as strict JSON: NaN and Infinity are errors, as in every other JSON parser."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------------------ JSON nesting


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize(
    ("status", "result"),
    [(200, "bad_response"), (401, "auth_failed"), (429, "rate_limited"), (503, "server_error")],
)
def test_deep_json_is_refused_before_parsing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    body: bytes,
    status: int,
    result: str,
) -> None:
    emu.inject("^/v1/models$", Reply(status, body, raw=True))
    code, report, _ = run_json(capsys, one(tmp_path, monkeypatch, emu.url), "--retries", "0")
    head = report["results"][0]
    assert code == 1 and statuses(report) == [(None, result), ("gpt-4o", "skipped")]
    assert "while checking" not in head["message"]  # the internal-error wording
    assert head["message"].startswith(f"model list: HTTP {status}")
    assert f"body nests deeper than {MAX_DEPTH} levels" in head["message"]


@pytest.mark.parametrize("body", [DEEP_ARRAY, b'{"error": {"details": true}}'])
def test_models_reports_a_hostile_listing_as_a_failed_listing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    body: bytes,
) -> None:
    emu.inject("^/v1/models$", Reply(200 if body.startswith(b"[") else 429, body, raw=True))
    path = one(tmp_path, monkeypatch, emu.url)
    code = main(["models", "p", str(path), *FAST, "--retries", "0"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("cherrysync: error: p: ") and "internal error" not in err


def test_depth_scan_skips_strings_and_counts_exactly() -> None:
    assert depth(b'{"a": "[[[[{{{{", "b": [[1], {"c": "\\"]]"}]}') == 3
    assert depth(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) == MAX_DEPTH
    assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)[1] == ""
    assert parse_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))[1].startswith("body nests")
    assert parse_json(b"[" * 10**6)[1].startswith("body nests")  # unbalanced, never recursed
    assert parse_json(b'{"retry": NaN}')[1] == "body is not valid JSON"


# ----------------------------------------------------------------------------- any JSON shape

SHAPES = [
    {"error": {"details": True}},
    {"error": {"details": "x", "innererror": [], "code": {"nested": [1]}}},
    {"error": {"details": [{"reason": ["A"], "violations": 5}, {"violations": {"q": 1}}]}},
    {"error": {"details": [{"violations": [None, {"quotaId": ["PerDay"]}]}]}},
    {"detail": [{"loc": ["body"], "msg": "x"}]},
    {"message": {"deep": True}, "statusCode": []},
    [{"error": {"details": True}}],
    ["a", "b"],
    "just a string",
    None,
]


@pytest.mark.parametrize("shape", SHAPES, ids=[str(i) for i in range(len(SHAPES))])
@pytest.mark.parametrize("status", [200, 400, 404, 429])
def test_any_json_shape_is_classified_over_http(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    shape: Any,
    status: int,
) -> None:
    emu.inject("^/v1/models$", Reply(status, json.dumps(shape), raw=True))
    code, report, err = run_json(capsys, one(tmp_path, monkeypatch, emu.url), "--retries", "0")
    assert code == 1 and err == ""
    assert "while checking" not in report["results"][0]["message"]


def test_listing_entries_of_any_shape_do_not_break_the_flavour_guess(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
) -> None:
    data = [{"id": "gpt-4o", "owned_by": ["x"]}, {"id": "m", "owned_by": {"a": 1}}]
    emu.inject("^/v1/models$", Reply(200, {"object": "list", "data": data}))
    code, report, _ = run_json(capsys, one(tmp_path, monkeypatch, emu.url))
    assert code == 0 and statuses(report) == [(None, "ok"), ("gpt-4o", "ok")]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["error", "details", "violations", "reason", "quotaId", "message", "code", "type",
             "status", "detail", "object", "data", "innererror", "@type", "retryDelay", "id",
             "owned_by", "models", "name"]
        ),
        inner,
        max_size=5,
    ),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(body=JSON, status=st.sampled_from([200, 400, 401, 403, 404, 429, 500]))
def test_every_reader_of_server_json_takes_any_shape(body: Any, status: int) -> None:
    """Only classified failures leave the readers, whatever the server's JSON looks like."""
    reply = HttpReply(status, httpx.Headers(), json.dumps(body).encode(), 0.0)
    info = error_info(body, "")
    classify(status, info, phase="list", kind="gemini", html=False)
    retry_hint({}, body)
    assert isinstance(failure_from(reply, phase="model", kind="azure", what="x"), ProbeFailure)
    for read in (
        lambda: ids_from(listing_body(reply, "list"), "list"),
        lambda: json_object(reply, "x", "data"),
        lambda: flavour(body if isinstance(body, list) else [body], set()),
    ):
        with contextlib.suppress(ProbeFailure):
            read()


# ---------------------------------------------------------------------------- strict JSON out


@pytest.mark.parametrize(
    "hint",
    [
        {"headers": {"Retry-After": "inf"}},
        {"headers": {"Retry-After": "nan"}},
        {"headers": {"retry-after-ms": "1e999"}},
        {"headers": {"Retry-After": "9" * 400}},
    ],
)
def test_non_finite_retry_hints_never_reach_the_json(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    hint: dict[str, dict[str, str]],
) -> None:
    body = {"error": {"message": "slow down", "type": "requests", "code": "rate_limit"}}
    emu.inject("^/v1/models$", Reply(429, body, headers=hint["headers"]))
    path = one(tmp_path, monkeypatch, emu.url)
    for fmt in ("json", "sarif"):
        code = main(["check", str(path), "--format", fmt, *FAST, "--retries", "0"])
        out = capsys.readouterr().out
        assert code == 1
        document = strict(out)
        if fmt == "json":
            assert document["results"][0]["status"] == "rate_limited"
            assert "retry_after" not in document["results"][0]


# -------------------------------------------------------------------------- compression bombs


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """100 MiB of zeros, gzipped to about 100 KiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(100)) + packer.flush()


def test_a_gzip_bomb_is_capped_while_it_inflates(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    bomb: bytes,
) -> None:
    emu.inject("^/v1/models$", Reply(200, bomb, raw=True, headers={"Content-Encoding": "gzip"}))
    path = one(tmp_path, monkeypatch, emu.url)
    tracemalloc.start()
    try:
        code, report, _ = run_json(capsys, path, "--retries", "0")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 1 and statuses(report)[0] == (None, "bad_response")
    assert report["results"][0]["message"] == f"response body over {MAX_BODY} bytes"
    assert peak < 3 * MAX_BODY, f"peak {peak / 2**20:.0f} MiB"  # the cap plus the buffer's growth


@pytest.mark.parametrize(
    ("coding", "wbits"), [("gzip", 31), ("x-gzip", 31), ("deflate", 15), ("deflate", -15)]
)
def test_compressed_listings_still_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    coding: str,
    wbits: int,
) -> None:
    listing = {
        "object": "list",
        "data": [{"id": f"m-{i}"} for i in range(5000)] + [{"id": "gpt-4o"}],
    }
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(json.dumps(listing).encode()) + packer.flush()
    emu.inject("^/v1/models$", Reply(200, body, raw=True, headers={"Content-Encoding": coding}))
    code, report, _ = run_json(capsys, one(tmp_path, monkeypatch, emu.url))
    assert code == 0 and statuses(report) == [(None, "ok"), ("gpt-4o", "ok")]
    assert emu.requests[0].headers["accept-encoding"] == "gzip, deflate"


ASKED = "only gzip, deflate was asked for"


@pytest.mark.parametrize(
    ("coding", "message"),
    [
        ("br", f"unsupported content encoding (br); {ASKED}"),
        ("gzip, gzip", f"unsupported content encoding (gzip, gzip); {ASKED}"),
        (KEY, f"unsupported content encoding; {ASKED}"),  # an unknown value is never echoed
        ("gzip", "compressed body is corrupt"),
    ],
)
def test_unreadable_codings_are_bad_responses(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emu: OpenAIEmulator,
    coding: str,
    message: str,
) -> None:
    body = b"\x1f\x8b not really gzip at all"
    emu.inject("^/v1/models$", Reply(200, body, raw=True, headers={"Content-Encoding": coding}))
    code, report, _ = run_json(capsys, one(tmp_path, monkeypatch, emu.url))
    assert code == 1 and statuses(report)[0] == (None, "bad_response")
    assert report["results"][0]["message"] == message
