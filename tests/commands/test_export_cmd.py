"""``cherrysync export``: providers JSON and deep links decoded as the app's handler does."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cherrysync.cli import main
from cherrysync.commands.export import ExportOptions, export, opener_command
from cherrysync.errors import CherrysyncError

FILE = """\
version: 1
providers:
  - name: ACME Relay
    id: acme-relay
    type: openai
    base_url: https://relay.example.com/v1/
    api_key: ["${ACME_KEY}", "${ACME_KEY_2}"]
    headers: {X-Team: platform}
    models: [gpt-4o]
  - name: Azure EU
    id: azure-eu
    type: azure-openai
    base_url: https://contoso.openai.azure.com
    api_key: ${AZ_KEY}
    api_version: "2024-10-21"
    enabled: false
  - name: Café ünïcode
    id: cafe
    type: anthropic
    api_key: ${CAFE_KEY}
"""
ENV = {
    "ACME_KEY": "sk->>>???~~~+/=&",  # its base64 holds both '+' and '/
    "ACME_KEY_2": "sk-second",
    "AZ_KEY": "az-key-0001",
    "CAFE_KEY": "sk-ant-cafe",
}


def app_decode_v1(url: str) -> dict[str, Any]:
    """The 1.x handler: swap +/ to _- in the raw query, parse it, swap back, base64, mangle."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("cherrystudio", "providers", "/api-keys")
    query = parts.query.replace("+", "_").replace("/", "-")
    params = parse_qs(query)
    assert params["v"] == ["1"]
    data = params["data"][0].replace("_", "+").replace("-", "/")
    text = base64.b64decode(data).decode("utf-8")
    text = text.replace("'", '"').replace("(", "").replace(")", "")
    result: dict[str, Any] = json.loads(text)
    return result


@pytest.fixture
def providers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "providers.yaml"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_deeplinks_decode_as_the_app_does(
    providers_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(providers_file), "--to", "deeplinks"]) == 0
    out, err = capsys.readouterr()
    links = out.splitlines()
    assert len(links) == 3
    decoded = [app_decode_v1(link) for link in links]
    assert decoded[0] == {
        "id": "acme-relay",
        "baseUrl": "https://relay.example.com/v1/",
        "apiKey": "sk->>>???~~~+/=&",
        "name": "ACME Relay",
        "type": "openai",
    }
    assert decoded[1]["type"] == "azure-openai" and decoded[1]["apiKey"] == "az-key-0001"
    assert decoded[2]["name"] == "Café ünïcode"
    assert decoded[2]["baseUrl"] == "https://api.anthropic.com"
    first = links[0].split("data=", 1)[1]
    assert "-" in first and "_" in first  # both swapped characters are exercised
    for link in links:
        data = link.split("data=", 1)[1]
        assert set(data) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
        assert len(data) % 4 == 0  # padded
    assert "real API keys" in err
    assert "only the first of 2 keys" in err and "headers: X-Team" in err
    assert "1 model(s)" in err and "api version 2024-10-21" in err
    assert "enabled state" in err
    # on 2.x an existing provider keeps only its name; its endpoint follows the link's type
    assert "2.x keeps only its name" in err
    assert "replaced by one anthropic-messages endpoint" in err  # cafe, type anthropic
    assert "replaced by one openai-chat-completions endpoint" in err  # azure-eu collapses
    for value in ENV.values():
        assert value not in err


def test_the_reference_example_link() -> None:
    from cherrysync.targets.deeplink import encode

    payload = {
        "id": "acme-relay",
        "baseUrl": "https://relay.example.com/v1/",
        "apiKey": "sk-test-123",
        "name": "ACME Relay",
        "type": "openai",
    }
    assert encode(payload) == (
        "cherrystudio://providers/api-keys?v=1&data=eyJpZCI6ImFjbWUtcmVsYXkiLCJiYXNlVXJsIjoiaHR0"
        "cHM6Ly9yZWxheS5leGFtcGxlLmNvbS92MS8iLCJhcGlLZXkiOiJzay10ZXN0LTEyMyIsIm5hbWUiOiJBQ01FIFJ"
        "lbGF5IiwidHlwZSI6Im9wZW5haSJ9"
    )


@pytest.mark.parametrize(
    ("line", "replacement", "shown"),
    [
        ("  - name: ACME Relay", "  - name: ACME's relay", 'name "ACME\'s relay"'),
        ("    api_key: ${CAFE_KEY}", '    api_key: "sk-it\'s"', "the key"),
        (
            "    base_url: https://relay.example.com/v1/",
            "    base_url: https://relay.example.com/it's/",
            "baseUrl",
        ),
    ],
)
def test_unsafe_characters_are_refused(
    providers_file: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    replacement: str,
    shown: str,
) -> None:
    providers_file.write_text(FILE.replace(line, replacement), encoding="utf-8")
    assert main(["export", str(providers_file), "--to", "deeplinks"]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2  # the other providers still get their links
    assert shown in err and "cannot carry" in err
    assert "sk-it's" not in err


def test_parentheses_travel_as_json_escapes(
    providers_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 1.x handler deletes '(' and ')' from the decoded text, but not their JSON escapes."""
    text = FILE.replace("  - name: ACME Relay", "  - name: ACME (EU)").replace(
        "https://relay.example.com/v1/", "https://relay.example.com/(x)/"
    )
    providers_file.write_text(text, encoding="utf-8")
    assert main(["export", str(providers_file), "--to", "deeplinks"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    decoded = app_decode_v1(first)
    assert decoded["name"] == "ACME (EU)"
    assert decoded["baseUrl"] == "https://relay.example.com/(x)/"
    raw = base64.b64decode(first.split("data=", 1)[1].replace("_", "+").replace("-", "/"))
    assert b"(" not in raw and b"\\u0028EU\\u0029" in raw


def test_provider_without_key_gets_no_link(
    providers_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    providers_file.write_text(FILE.replace("    api_key: ${CAFE_KEY}\n", ""), encoding="utf-8")
    assert main(["export", str(providers_file), "--to", "deeplinks", "--provider", "cafe"]) == 1
    assert "no apiKey" in capsys.readouterr().err


def test_open_hands_links_to_the_platform_opener(
    providers_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr("sys.platform", "linux")
    args = ["export", str(providers_file), "--to", "deeplinks", "--provider", "azure-eu", "--open"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out == "" and "opened" in err
    assert len(calls) == 1 and calls[0][0] == "xdg-open"
    assert app_decode_v1(calls[0][1])["id"] == "azure-eu"
    assert opener_command("u", "darwin") == ["open", "u"]
    assert opener_command("u", "win32") is None


def test_a_missing_opener_is_named_and_the_link_is_not(
    providers_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a real run of a program that is not there
    monkeypatch.setattr("sys.platform", "linux")
    args = ["export", str(providers_file), "--to", "deeplinks", "--provider", "azure-eu", "--open"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "could not open the link with xdg-open (not installed)" in err
    assert "cherrystudio://" not in err


def test_providers_json(
    providers_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "providers.json"
    args = ["export", str(providers_file), "--to", "providers-json", "-o", str(out_file)]
    assert main(args) == 0
    assert out_file.stat().st_mode & 0o777 == 0o600
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert [p["id"] for p in data] == ["acme-relay", "azure-eu", "cafe"]
    acme = data[0]
    assert acme["apiKey"] == "sk->>>???~~~+/=&,sk-second"
    assert acme["isSystem"] is False and acme["enabled"] is True
    assert acme["extra_headers"] == {"X-Team": "platform"}
    assert acme["models"] == [
        {
            "id": "gpt-4o",
            "provider": "acme-relay",
            "name": "gpt-4o",
            "group": "gpt-4o",
            "supported_text_delta": True,
        }
    ]
    assert data[1]["apiVersion"] == "2024-10-21" and data[1]["enabled"] is False
    err = capsys.readouterr().err
    assert "real API keys" in err and "sk-second" not in err


def test_open_needs_deeplinks(providers_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(providers_file), "--to", "providers-json", "--open"]) == 2
    assert main(["export", str(providers_file), "--to", "deeplinks", "--provider", "nope"]) == 2
    assert "unknown provider nope (known: " in capsys.readouterr().err


def test_option_conflicts_are_refused_before_the_file_is_read(tmp_path: Path) -> None:
    absent = str(tmp_path / "absent.yaml")
    with pytest.raises(CherrysyncError, match=r"^--open works with --to deeplinks only$"):
        export(ExportOptions("providers-json", absent, open=True))
    with pytest.raises(CherrysyncError, match=r"^--open and --output exclude each other$"):
        export(ExportOptions("deeplinks", absent, open=True, output="links.txt"))
    with pytest.raises(CherrysyncError, match=r"^cannot read .*absent\.yaml"):
        export(ExportOptions("deeplinks", absent))


def test_keys_with_separators_are_refused(
    providers_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZ_KEY", "one two")
    for to in ("providers-json", "deeplinks"):
        assert main(["export", str(providers_file), "--to", to]) == 1
        out, err = capsys.readouterr()
        assert out == "" and "the key from ${AZ_KEY} contains whitespace, a comma" in err
        assert "one two" not in out + err
    # the other providers still export when the broken one is not asked for
    assert (
        main(["export", str(providers_file), "--to", "deeplinks", "--provider", "acme-relay"]) == 0
    )
