"""``cherrysync models``: list what an endpoint offers and write IDs back, keeping comments."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from check_support import FAST, FAST_NETWORK
from cherrysync.cli import main
from cherrysync.commands.models import ModelsOptions, models
from cherrysync.errors import CherrysyncError
from emulators import AzureEmulator, OllamaEmulator

FILE = """\
# yaml-language-server: $schema=./schema/providers.schema.json
version: 1

x-caps: &caps
  capabilities: [function_calling]

providers:
  - name: Local Ollama   # the laptop
    id: local-ollama
    type: ollama
    base_url: {url}
    models:
      - llama3.2:latest       # the default
      - id: "qwen2.5:7b"
        <<: *caps

  # flow style stays flow style
  - name: Flow
    id: flow
    type: ollama
    base_url: {url}
    models: ["llama3.2:latest"]

  - name: Bare
    id: bare
    type: ollama
    base_url: {url}
"""


@pytest.fixture
def ollama() -> Iterator[OllamaEmulator]:
    emu = OllamaEmulator(["llama3.2:latest", "qwen2.5:7b", "mistral:7b", "phi4:14b"]).start()
    yield emu
    emu.stop()


def write(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "providers.yaml"
    path.write_text(FILE.format(url=url))
    return path


def test_lists_configured_missing_and_extra(tmp_path: Path, ollama: OllamaEmulator) -> None:
    path = write(tmp_path, ollama.url)
    before = path.read_text()
    out = io.StringIO()
    assert models(ModelsOptions("local-ollama", str(path), network=FAST_NETWORK), stdout=out) == 0
    assert out.getvalue() == (  # the emulator's tags say: chat models, 8192 tokens
        "local-ollama: 4 offered, 2 configured\n"
        "  = llama3.2:latest  []  context 8192\n"
        "  = qwen2.5:7b       []  context 8192\n"
        "  + mistral:7b       []  context 8192\n"
        "  + phi4:14b         []  context 8192\n"
    )
    out = io.StringIO()
    options = ModelsOptions("flow", str(path), format="json", network=FAST_NETWORK)
    assert models(options, stdout=out) == 0
    data = json.loads(out.getvalue())
    assert data["extra"] == ["qwen2.5:7b", "mistral:7b", "phi4:14b"] and data["missing"] == []
    assert data["added"] == [] and data["deployments_listed"] is True
    assert path.read_text() == before


def test_add_all_and_add_select_ids_once_each(tmp_path: Path, ollama: OllamaEmulator) -> None:
    path = write(tmp_path, ollama.url)
    err = io.StringIO()
    options = ModelsOptions("bare", str(path), add=("phi4:14b", "ghost:1b", "phi4:14b"))
    assert models(options, stdout=io.StringIO(), stderr=err) == 0
    assert err.getvalue().splitlines()[-2:] == [
        "cherrysync: warning: ghost:1b is not offered by the endpoint",
        f"added 2 model(s) to bare in {path}",
    ]
    options = ModelsOptions("bare", str(path), add_all=True, format="json")
    out = io.StringIO()
    assert models(options, stdout=out, stderr=io.StringIO()) == 0
    assert json.loads(out.getvalue())["added"] == ["llama3.2:latest", "qwen2.5:7b", "mistral:7b"]
    assert path.read_text().endswith(
        "    models:\n      - phi4:14b\n      - ghost:1b\n      - llama3.2:latest\n"
        "      - qwen2.5:7b\n      - mistral:7b\n"
    )


def test_unreachable_endpoint_ends_the_command_with_its_status(tmp_path: Path) -> None:
    path = write(tmp_path, "http://127.0.0.1:9")
    options = ModelsOptions("local-ollama", str(path), network=FAST_NETWORK)
    with pytest.raises(CherrysyncError, match=r"^local-ollama: unreachable: ") as info:
        models(options, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.code == 1


def test_add_preserves_comments_anchors_and_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ollama: OllamaEmulator
) -> None:
    path = write(tmp_path, ollama.url)
    original = path.read_text()
    assert main(["models", "local-ollama", str(path), "--add", "mistral:7b", *FAST]) == 0
    assert main(["models", "flow", str(path), "--add-all", *FAST]) == 0
    assert main(["models", "bare", str(path), "--add", "phi4:14b", *FAST]) == 0
    text = path.read_text()
    expected = original.replace(
        "        <<: *caps\n", "        <<: *caps\n      - mistral:7b\n"
    ).replace(
        'models: ["llama3.2:latest"]',
        'models: ["llama3.2:latest", "qwen2.5:7b", "mistral:7b", "phi4:14b"]',
    )
    assert text == expected + "    models:\n      - phi4:14b\n"
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()


def test_add_warns_about_ids_the_endpoint_does_not_offer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ollama: OllamaEmulator
) -> None:
    path = write(tmp_path, ollama.url)
    assert main(["models", "local-ollama", str(path), "--add", "ghost:1b", *FAST]) == 0
    assert "ghost:1b is not offered" in capsys.readouterr().err
    assert "      - ghost:1b\n" in path.read_text()


def test_unreachable_endpoint_and_unknown_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "http://127.0.0.1:9")
    assert main(["models", "local-ollama", str(path), *FAST, "--retries", "0"]) == 1
    assert "unreachable" in capsys.readouterr().err
    assert main(["models", "nope", str(path)]) == 2
    assert "unknown provider" in capsys.readouterr().err


def test_azure_lists_the_catalog_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("AZ", key)
    with AzureEmulator([key], {"prod": "gpt-4o"}) as az:
        path = tmp_path / "p.yaml"
        path.write_text(
            "version: 1\nproviders:\n  - name: az\n    type: azure-openai\n"
            f"    base_url: {az.url}\n    api_key: ${{AZ}}\n    api_version: '2024-10-21'\n"
            "    models: [prod]\n"
        )
        assert main(["models", "az", str(path), *FAST]) == 0
    out = capsys.readouterr().out
    assert "catalog, not your deployments" in out and "! prod" in out and key not in out


def test_added_ids_that_yaml_11_reads_as_booleans_are_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ollama: OllamaEmulator
) -> None:
    path = write(tmp_path, ollama.url)
    assert main(["models", "bare", str(path), "--add", "yes", "off", "phi4:14b", *FAST]) == 0
    capsys.readouterr()
    assert path.read_text().endswith(
        '    models:\n      - "yes"\n      - "off"\n      - phi4:14b\n'
    )


NEW_API = """\
version: 1
providers:
  - name: Relay
    id: relay
    type: new-api
    base_url: {url}
    api_key: ${{RELAY_API_KEY}}
    models:
      - id: gpt-4o
        endpoint_type: openai
"""
RELAY_KEY = "sk-relay-0123456789abcdef"


@pytest.fixture
def relay(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from emulators.openai import NewAPIEmulator

    monkeypatch.setenv("RELAY_API_KEY", RELAY_KEY)
    with NewAPIEmulator([RELAY_KEY], ["gpt-4o", "gpt-4.1", "claude-x"]) as emu:
        yield emu.url


def test_new_api_add_needs_an_endpoint_type(
    tmp_path: Path, relay: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's own example left a file that failed validate; now it is refused first."""
    path = tmp_path / "providers.yaml"
    path.write_text(NEW_API.format(url=relay))
    before = path.read_text()
    assert main(["models", "relay", str(path), "--add", "gpt-4.1", *FAST]) == 2
    err = capsys.readouterr().err
    assert (
        "relay is a new-api provider, whose models need an endpoint type: pass --endpoint-type"
        in err
    )
    assert path.read_text() == before
    args = ["models", "relay", str(path), "--add", "gpt-4.1", "--endpoint-type", "openai"]
    assert main([*args, *FAST]) == 0
    assert path.read_text() == before + "      - id: gpt-4.1\n        endpoint_type: openai\n"
    assert main(["validate", str(path)]) == 0


def test_added_ids_that_read_back_as_numbers_are_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ollama: OllamaEmulator
) -> None:
    path = write(tmp_path, ollama.url)
    assert main(["models", "bare", str(path), "--add", "123", "1.5", "null", *FAST]) == 0
    assert path.read_text().endswith('      - "123"\n      - "1.5"\n      - "null"\n')
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()


def test_an_edit_that_would_not_validate_is_not_written(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    """The last line of defence: whatever the ids, the edited text is validated first."""
    from cherrysync.commands.common import load_providers
    from cherrysync.commands.models import add_to_file

    path = write(tmp_path, ollama.url)
    before = path.read_text()
    (provider,) = load_providers(str(path), {}, ["bare"]).providers
    err = io.StringIO()
    options = ModelsOptions("bare", str(path))
    with pytest.raises(CherrysyncError, match=r"^not writing .*would not validate") as info:
        add_to_file(options, provider, ["what?", "tab\there"], [], err)
    assert info.value.code == 1 and path.read_text() == before
    assert "model id 'what?' contains '?'" in err.getvalue()


def test_provider_option_names_the_provider_as_in_other_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ollama: OllamaEmulator
) -> None:
    path = write(tmp_path, ollama.url)
    assert main(["models", "--provider", "local-ollama", str(path), *FAST]) == 0
    assert capsys.readouterr().out.startswith("local-ollama: 4 offered, 2 configured\n")
    assert main(["models", "flow", str(path), "--provider", "bare"]) == 2
    assert "name the provider once" in capsys.readouterr().err
    assert main(["models"]) == 2
    assert "name a provider" in capsys.readouterr().err


def test_reported_capabilities_are_shown_and_written_by_add(tmp_path: Path) -> None:
    caps = {
        "llava:7b": ["completion", "vision"],
        "qwen3:8b": ["completion", "tools", "thinking"],
        "nomic-embed-text:latest": ["embedding"],
    }
    with OllamaEmulator(["llama3.2:latest", *caps], capabilities=caps, old_build=True) as emu:
        path = write(tmp_path, emu.url)
        out = io.StringIO()
        options = ModelsOptions("flow", str(path), add_all=True, network=FAST_NETWORK)
        assert models(options, stdout=out, stderr=io.StringIO()) == 0
        assert emu.count("^/api/show$") == 4  # old builds: one per offered model
        out_json = io.StringIO()
        options = ModelsOptions("bare", str(path), format="json", network=FAST_NETWORK)
        assert models(options, stdout=out_json) == 0
    assert out.getvalue() == (
        "flow: 4 offered, 1 configured\n"
        "  = llama3.2:latest          []  context 131072\n"
        "  + llava:7b                 [vision]  context 131072\n"
        "  + qwen3:8b                 [reasoning, function_calling]  context 131072\n"
        "  + nomic-embed-text:latest  [embedding]  context 131072\n"
    )
    assert (
        path.read_text().count(
            'models: ["llama3.2:latest", {id: "llava:7b", capabilities: [vision]}, '
            '{id: "qwen3:8b", capabilities: [reasoning, function_calling]}, '
            '{id: "nomic-embed-text:latest", capabilities: [embedding]}]'
        )
        == 1
    )
    reported = json.loads(out_json.getvalue())["reported"]
    assert reported["qwen3:8b"] == {
        "capabilities": ["reasoning", "function_calling"],
        "lacks": ["vision", "embedding"],
        "context_window": 131072,
    }
    assert main(["validate", str(path)]) == 0


def test_add_writes_a_block_mapping_and_ids_without_reports_stay_bare(tmp_path: Path) -> None:
    caps = {"llava:7b": ["completion", "vision"]}
    with OllamaEmulator(["llava:7b", "tiny:1b"], capabilities=caps) as emu:
        path = write(tmp_path, emu.url)
        options = ModelsOptions("bare", str(path), add=("llava:7b", "tiny:1b"))
        assert models(options, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert path.read_text().endswith(
        "    models:\n      - id: llava:7b\n        capabilities: [vision]\n      - tiny:1b\n"
    )


def test_an_endpoint_type_joins_reported_capabilities_in_one_entry() -> None:
    """--endpoint-type with capabilities the endpoint reports: one mapping, the id first."""
    from cherrysync.load.yamledit import with_added_models

    text = NEW_API.format(url="http://127.0.0.1:1")
    entries: list[str | dict[str, object]] = [
        {"id": "llava:7b", "capabilities": ["vision"]},
        "tiny:1b",
    ]
    edited = with_added_models(text, 0, entries, endpoint_type="openai")
    assert edited == text + (
        "      - id: llava:7b\n        endpoint_type: openai\n        capabilities: [vision]\n"
        "      - id: tiny:1b\n        endpoint_type: openai\n"
    )
