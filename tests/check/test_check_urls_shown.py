"""URLs in results: plain http decided on the address a host really is, no userinfo or query
in any output, and transport failures that name the URL and the retries behind them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from check_support import FAST, closed_port, provider, run_json, statuses, write_providers
from cherrysync.cli import main
from cherrysync.samples.v1backup import USER_PROVIDER, data_json, persist_state, write_backup
from emulators import OpenAIEmulator, Reply

KEY = "sk-proj-URLSshown0123456789abcdef"


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.0.1."])
def test_loopback_written_as_a_number_is_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        url = f"http://{host}:{emu.port}/"
        path = write_providers(
            tmp_path, [provider("p", "openai", url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
        )
        code, report, _ = run_json(capsys, path)
        assert code == 0 and statuses(report) == [(None, "ok"), ("gpt-4o", "ok")]
        assert emu.requests[0].headers["host"] == f"127.0.0.1:{emu.port}"  # the canonical host


@pytest.mark.parametrize("host", ["134744072", "0x08080808", "8.526344", "010.010.010.010"])
def test_a_public_address_written_as_a_number_gets_no_key_over_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    path = write_providers(
        tmp_path,
        [provider("p", "openai", f"http://{host}:9/", ["gpt-4o"], "K")],
        monkeypatch,
        {"K": KEY},
    )
    code, report, _ = run_json(capsys, path, "--timeout", "0.5")
    assert code == 1 and statuses(report) == [(None, "wrong_base_url")]
    assert report["results"][0]["message"] == (
        "plain http to the public host 8.8.8.8 would send the key unencrypted; use https"
    )


def test_plan_never_shows_userinfo_or_query_of_a_stored_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app may hold ``user:password@`` or ``?token=`` in a base URL; the file cannot."""
    stored = dict(USER_PROVIDER, apiHost="http://ml:hunter2@gpu.lan:8000/v1/?token=tok123")
    backup = write_backup(tmp_path / "b.zip", data_json(persist_state([stored])))
    file = tmp_path / "providers.yaml"
    file.write_text(
        "version: 1\nproviders:\n"
        f"  - {{name: Home, id: '{USER_PROVIDER['id']}', type: openai, "
        "base_url: 'http://gpu.lan:8000/v1/'}\n"
    )
    for fmt in ("text", "json"):
        code = main(["plan", str(file), "--target", str(backup), "--format", fmt])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "hunter2" not in out + err and "tok123" not in out + err and "ml:" not in out
        assert "http://***@gpu.lan:8000/v1/?…" in out
        if fmt == "json":
            json.loads(out)


def test_a_url_with_credentials_from_the_environment_is_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_providers(
        tmp_path,
        [provider("p", "openai", "${URL}", ["gpt-4o"], "K")],
        monkeypatch,
        {"K": KEY, "URL": "https://ml:hunter2@relay.example/v1/?token=tok123"},
    )
    for command in (["check", str(path)], ["models", "p", str(path)], ["plan", str(path)]):
        assert main([*command, "--target", "x"] if command[0] == "plan" else command) in (1, 2)
        out, err = capsys.readouterr()
        assert "hunter2" not in out + err and "tok123" not in out + err


def test_unreachable_names_the_url_and_the_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/"
    path = write_providers(
        tmp_path, [provider("p", "openai", url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
    )
    code, report, _ = run_json(capsys, path)  # FAST: one retry
    assert code == 1 and statuses(report) == [(None, "unreachable"), ("gpt-4o", "skipped")]
    assert report["results"][0]["message"] == (
        f"cannot connect to http://127.0.0.1:{port}/v1/models "
        "(DNS lookup failed or connection refused) (after 1 retry)"
    )
    code, report, _ = run_json(capsys, path, "--retries", "0")
    assert report["results"][0]["message"].endswith("connection refused)")
    assert main(["models", "p", str(path), *FAST]) == 1
    assert f"cannot connect to http://127.0.0.1:{port}/v1/models" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("reply", "status", "ending"),
    [
        (Reply(503, {"error": {"message": "busy", "type": "x"}}), "server_error", "busy"),
        (Reply(200, {"data": []}, delay=1.0), "timeout", "within 0.5s"),
    ],
)
def test_a_result_after_retries_says_so(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reply: Reply,
    status: str,
    ending: str,
) -> None:
    with OpenAIEmulator([KEY], ["gpt-4o"]) as emu:
        emu.inject("^/v1/models$", reply)
        path = write_providers(
            tmp_path, [provider("p", "openai", emu.url, ["gpt-4o"], "K")], monkeypatch, {"K": KEY}
        )
        code, report, _ = run_json(capsys, path, "--retries", "2", "--timeout", "0.5")
    assert code == 1
    assert statuses(report)[0] == (None, status)
    assert report["results"][0]["message"].endswith(f"{ending} (after 2 retries)")
    assert emu.count("^/v1/models$") == 3
