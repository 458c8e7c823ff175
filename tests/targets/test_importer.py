"""``cherrysync import``: custom providers from a 1.x backup into a tidy, valid providers file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.load.envfile import read_env_file
from cherrysync.samples.v1backup import (
    SYSTEM_PROVIDERS,
    USER_PROVIDER,
    data_json,
    model,
    persist_state,
    write_backup,
)
from cherrysync.secrets import Secret
from cherrysync.targets.base import AppProvider
from cherrysync.targets.importer import build_import
from cherrysync.targets.v1.target import BackupTarget
from cherrysync.validate.pipeline import ValidationOptions, validate_path


def run_import(tmp_path: Path, backup: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "providers.yaml"
    return main(["import", "--from", str(backup), "-o", str(out), *extra]), out


def test_import_from_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = write_backup(tmp_path / "b.zip")
    code, out = run_import(tmp_path, backup)
    assert code == 0
    env_file = tmp_path / ".env"
    assert env_file.stat().st_mode & 0o777 == 0o600
    env = read_env_file(env_file)
    prefix = "HOME_VLLM_GPU"
    assert env == {f"{prefix}_API_KEY": "sk-home-1", f"{prefix}_API_KEY_2": "sk-home-2"}
    validated = validate_path(out, ValidationOptions(require_env=True, env=env))
    assert validated.ok, validated.diagnostics
    assert validated.model is not None
    (provider,) = validated.model.providers  # system providers are not imported
    assert provider.id == USER_PROVIDER["id"]
    assert provider.name == USER_PROVIDER["name"]
    assert provider.api_key == [f"${{{prefix}_API_KEY}}", f"${{{prefix}_API_KEY_2}}"]
    assert provider.base_url == "http://gpu.lan:8000/"
    assert provider.headers == {"X-Team": "ml"}
    assert provider.notes == USER_PROVIDER["notes"]
    (spec,) = provider.model_specs
    assert (spec.id, spec.name, spec.group, spec.capabilities) == (
        "qwen3-32b",
        "QWEN3-32B",
        "qwen3",
        ["reasoning"],
    )
    text = out.read_text(encoding="utf-8")
    assert "sk-home" not in text and "enabled" not in text
    captured = capsys.readouterr()
    assert "sk-home" not in captured.out + captured.err


def test_no_secrets_and_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = write_backup(tmp_path / "b.zip")
    code, out = run_import(tmp_path, backup, "--no-secrets")
    assert code == 0
    assert "api_key" not in out.read_text(encoding="utf-8")
    assert not (tmp_path / ".env").exists()
    code, _ = run_import(tmp_path, backup)
    assert code == 1 and "--force" in capsys.readouterr().err
    env_out = tmp_path / "keys.env"
    code, _ = run_import(tmp_path, backup, "--force", "--env-out", str(env_out))
    assert code == 0 and env_out.exists()
    assert "Keys are in keys.env" in out.read_text(encoding="utf-8")


def test_defaults_are_omitted() -> None:
    provider = AppProvider(
        id="acme",
        name="ACME",
        type="openai",
        base_url="https://api.openai.com",
        api_keys=[Secret("sk-1")],
        models=[
            _spec("gpt-4o", name="gpt-4o", group="gpt-4o"),
            _spec("Qwen/Qwen3-32b", group="Team"),
        ],
    )
    result = build_import([provider], source="test")
    body = result.text.split("providers:\n", 1)[1]
    assert body == (
        "  - name: ACME\n"
        "    id: acme\n"
        "    type: openai\n"
        "    api_key: ${ACME_API_KEY}\n"
        "    models:\n"
        "      - gpt-4o\n"
        "      - id: Qwen/Qwen3-32b\n"
        "        group: Team\n"
    )
    assert result.env == {"ACME_API_KEY": "sk-1"}


def _spec(mid: str, **fields: Any) -> Any:
    from cherrysync.model import ModelSpec

    return ModelSpec(id=mid, **fields)


def test_app_data_that_a_file_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd: list[dict[str, Any]] = [
        dict(USER_PROVIDER, id="Mistral-Own", type="mistral", name="Mistral"),
        dict(USER_PROVIDER, id="UPPER_Case", name="Upper", models=[]),
        dict(USER_PROVIDER, id="dup-a", name="Same", models=[]),
        dict(USER_PROVIDER, id="dup-b", name="same", models=[]),
        dict(USER_PROVIDER, id="az", name="Az", type="azure-openai", apiVersion="", models=[]),
        dict(
            USER_PROVIDER,
            id="na",
            name="NA",
            type="new-api",
            models=[model("na", "m1"), model("na", "m2", supported_endpoint_types=["anthropic"])],
        ),
        dict(USER_PROVIDER, id="bad-model", name="Bad", models=[model("bad-model", "a?b")]),
        dict(USER_PROVIDER, id="ollama", name="Not system", isSystem=False, models=[]),
        dict(USER_PROVIDER, id="money", name="Money", apiHost="https://x.example/$v/", models=[]),
    ]
    backup = write_backup(tmp_path / "b.zip", data_json(persist_state([*SYSTEM_PROVIDERS, *odd])))
    code, out = run_import(tmp_path, backup, "--no-secrets")
    assert code == 0
    err = capsys.readouterr().err
    assert "type 'mistral'" in err
    assert "imported as 'upper_case'" in err
    assert "name 'same' is taken; using 'same 2'" in err
    assert "provider 'az' skipped: azure-api-version" in err
    assert "model 'm1' has no endpoint type; using openai" in err
    assert "provider 'bad-model' skipped: model-id-chars" in err
    validated = validate_path(out)
    assert validated.ok and validated.model is not None
    ids = [p.provider_id for p in validated.model.providers]
    assert ids == ["upper_case", "dup-a", "dup-b", "na", "money"]
    na = validated.model.providers[3]
    assert [m.endpoint_type for m in na.model_specs] == ["openai", "anthropic"]
    assert validated.model.providers[4].base_url == "https://x.example/$$v/"


def test_read_custom_providers_skips_system_ones(tmp_path: Path) -> None:
    backup = write_backup(tmp_path / "b.zip")
    providers = BackupTarget(backup).read_custom_providers()
    assert [p.id for p in providers] == [USER_PROVIDER["id"]]
    assert providers[0].api_keys == [Secret("sk-home-1"), Secret("sk-home-2")]


def test_missing_source_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_import(tmp_path, tmp_path / "missing.zip")
    err = capsys.readouterr().err
    assert code == 2 and f"--from {tmp_path / 'missing.zip'}: no such file or folder" in err
