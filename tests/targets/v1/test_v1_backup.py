"""The 1.x backup target: plan, apply, what stays byte-identical, and clear errors."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cherrysync.cli import main
from cherrysync.model import ProvidersFile
from cherrysync.resolve import resolve_providers
from cherrysync.samples.v1backup import (
    PERSIST_KEY,
    SYSTEM_PROVIDERS,
    USER_PROVIDER,
    data_json,
    js,
    model,
    persist_state,
    restore,
    write_backup,
)
from cherrysync.secrets import Secret
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1.backupzip import member_span
from cherrysync.targets.v1.target import BackupTarget
from v1fixtures import ENV, FILE, resolved


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_members(path: Path) -> dict[str, bytes]:
    """Each member's raw bytes minus its local header offset: compressed data as stored."""
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        out = {}
        for info in zf.infolist():
            start, end = member_span(fh, info)
            fh.seek(start)
            out[info.filename] = fh.read(end - start)
        return out


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    return write_backup(tmp_path / "cherry-studio.202611251200.zip")


def providers_of(path: Path) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = restore(path)["slices"]["llm"]["providers"]
    return result


def test_apply_changes_only_llm_providers(backup: Path) -> None:
    before_hash = sha(backup)
    target = BackupTarget(backup)
    result = target.apply(resolved(), prune=False)
    out = backup.with_name("cherry-studio.202611251200.cherrysync.zip")
    assert result.output_path == out
    assert sha(backup) == before_hash  # the input is never written
    assert out.stat().st_mode & 0o777 == 0o600

    old, new = restore(backup), restore(out)
    # every other localStorage key, IndexedDB table and top-level field as the app restores them
    for key in ("time", "version", "indexedDB"):
        assert new["doc"][key] == old["doc"][key]
    for key, value in old["doc"]["localStorage"].items():
        if key != PERSIST_KEY:
            assert new["doc"]["localStorage"][key] == value
    # every other slice string byte for byte, _persist included; llm: only providers differ
    assert new["persist"].keys() == old["persist"].keys()
    for name, text in old["persist"].items():
        if name != "llm":
            assert new["persist"][name] == text, name
    assert json.loads(new["persist"]["_persist"]) == {"version": 208, "rehydrated": True}
    old_llm, new_llm = old["slices"]["llm"], new["slices"]["llm"]
    assert {k: v for k, v in new_llm.items() if k != "providers"} == {
        k: v for k, v in old_llm.items() if k != "providers"
    }
    # new providers on top in file order, existing ones unchanged and in place
    ids = [p["id"] for p in new_llm["providers"]]
    assert ids == ["relay", "azure-eu", "openai", "deepseek", "azure-openai", USER_PROVIDER["id"]]
    assert new_llm["providers"][2:] == old_llm["providers"]
    # Data/ members: same raw (compressed) bytes, no recompression
    old_raw, new_raw = raw_members(backup), raw_members(out)
    assert old_raw.keys() == new_raw.keys()
    for name, raw in old_raw.items():
        if name != "data.json":
            assert new_raw[name] == raw, name
    assert new["members"] == old["members"]


def test_data_json_text_outside_persist_is_untouched(backup: Path) -> None:
    BackupTarget(backup).apply(resolved(), prune=False)
    out = backup.with_name(backup.stem + ".cherrysync.zip")
    with zipfile.ZipFile(backup) as a, zipfile.ZipFile(out) as b:
        old_text, new_text = a.read("data.json").decode(), b.read("data.json").decode()
    old_persist = json.loads(old_text)["localStorage"][PERSIST_KEY]
    start = old_text.index(json.dumps(old_persist, ensure_ascii=False))
    assert new_text.startswith(old_text[:start])
    assert old_text[old_text.index('","i18nextLng"') :] in new_text


def test_v1_objects_follow_the_reference(backup: Path) -> None:
    BackupTarget(backup).apply(resolved(), prune=False)
    relay, azure = providers_of(backup.with_name(backup.stem + ".cherrysync.zip"))[:2]
    assert relay == {
        "id": "relay",
        "name": "Relay",
        "type": "new-api",
        "apiKey": "sk-relay-1,sk-relay-2",
        "apiHost": "https://relay.example.com/",
        "models": [
            {
                "id": "gpt-4o",
                "provider": "relay",
                "name": "gpt-4o",
                "group": "gpt-4o",
                "endpoint_type": "openai",
                "supported_endpoint_types": ["openai"],
                "supported_text_delta": True,
            },
            {
                "id": "claude-sonnet-4-5",
                "provider": "relay",
                "name": "Claude Sonnet 4.5",
                "group": "claude-sonnet",
                "capabilities": [
                    {"type": "vision", "isUserSelected": True},
                    {"type": "reasoning", "isUserSelected": True},
                ],
                "endpoint_type": "anthropic",
                "supported_endpoint_types": ["anthropic"],
                "supported_text_delta": True,
            },
        ],
        "enabled": True,
        "isSystem": False,
        "extra_headers": {"X-Team": "platform"},
        "notes": "Shared relay",
    }
    assert azure["apiVersion"] == "2024-10-21"
    assert azure["enabled"] is False
    assert "extra_headers" not in azure and "notes" not in azure
    assert azure["models"][0]["group"] == "gpt-4o"


def test_reapply_is_a_no_op_and_updates_keep_position(backup: Path) -> None:
    BackupTarget(backup).apply(resolved(), prune=False)
    out = backup.with_name(backup.stem + ".cherrysync.zip")
    assert BackupTarget(out).plan(resolved(), prune=False).empty
    # an update to an existing custom provider keeps its place and its unmanaged fields
    user_id = USER_PROVIDER["id"]
    text = f"""\
version: 1
providers:
  - name: Home vLLM
    id: {user_id}
    type: openai
    base_url: http://gpu.lan:8001/
    models: [qwen3-32b, llama3]
"""
    plan = BackupTarget(backup).plan(resolved(text), prune=False)
    changed = {(c.action, c.kind, c.model) for c in plan.changes}
    assert ("change", "provider", None) in changed
    assert ("add", "model", "llama3") in changed
    second = backup.with_name("second.zip")
    BackupTarget(backup, out=second).apply(resolved(text), prune=False)
    providers = providers_of(second)
    assert [p["id"] for p in providers][-1] == user_id
    home = providers[-1]
    assert home["apiHost"] == "http://gpu.lan:8001/"
    assert home["apiKey"] == ""
    assert home["apiOptions"] == {"isNotSupportStreamOptions": True}
    assert "extra_headers" not in home and "notes" not in home
    # the existing model keeps the fields the app added (pricing); the new one gets defaults
    assert home["models"] == [
        {
            "id": "qwen3-32b",
            "provider": user_id,
            "name": "qwen3-32b",
            "group": "qwen3-32b",
            "supported_text_delta": True,
            "pricing": {"input_per_million_tokens": 0, "output_per_million_tokens": 0},
        },
        {
            "id": "llama3",
            "provider": user_id,
            "name": "llama3",
            "group": "llama3",
            "supported_text_delta": True,
        },
    ]


def test_prune_refuses_dangling_references(backup: Path) -> None:
    plan = BackupTarget(backup).plan(resolved(), prune=True)
    removed = {(c.kind, c.provider, c.model) for c in plan.changes if c.action == "remove"}
    assert ("provider", USER_PROVIDER["id"], None) in removed
    assert not any(p == "openai" for _, p, _ in removed)  # built-in providers are never removed
    assert plan.blockers == [
        f"--prune would remove model 'qwen3-32b' of provider '{USER_PROVIDER['id']}', which is "
        "still used by llm.quickModel, assistant 'Assistant 0'.model; pick another model there "
        "in the app and export a fresh zip, or keep the model in the file"
    ]
    with pytest.raises(TargetError, match="would remove model 'qwen3-32b'"):
        BackupTarget(backup).apply(resolved(), prune=True)


def test_prune_removes_unreferenced_custom_providers(tmp_path: Path) -> None:
    spare = dict(USER_PROVIDER, id="spare", models=[model("spare", "m1")])
    persist = persist_state(
        [*SYSTEM_PROVIDERS, spare], assistant_models=[model("openai", "gpt-4o")]
    )
    persist["llm"] = js(json.loads(persist["llm"]) | {"quickModel": model("openai", "gpt-4o-mini")})
    path = write_backup(tmp_path / "b.zip", data_json(persist))
    result = BackupTarget(path).apply(resolved(), prune=True)
    assert not result.plan.blockers
    ids = [p["id"] for p in providers_of(tmp_path / "b.cherrysync.zip")]
    assert ids == ["relay", "azure-eu", "openai", "deepseek", "azure-openai"]


def test_yaml_id_of_a_system_provider_in_the_backup_is_blocked(tmp_path: Path) -> None:
    odd = dict(USER_PROVIDER, id="acme-sys", isSystem=True)
    path = write_backup(tmp_path / "b.zip", data_json(persist_state([odd])))
    text = "version: 1\nproviders:\n  - {name: Acme, id: acme-sys, type: openai}\n"
    plan = BackupTarget(path).plan(resolved(text, {}), prune=False)
    assert plan.blockers == [
        "provider 'acme-sys' is a built-in provider in this backup; choose another id"
    ]


def test_missing_data_folder_entry_is_added(tmp_path: Path) -> None:
    path = write_backup(tmp_path / "b.zip", files={}, stream=False)
    BackupTarget(path).apply(resolved(), prune=False)
    with zipfile.ZipFile(tmp_path / "b.cherrysync.zip") as zf:
        assert zf.namelist() == ["data.json", "Data/"]
        assert zf.testzip() is None


def test_ollama_type_warns_on_old_state(tmp_path: Path) -> None:
    path = write_backup(tmp_path / "b.zip", data_json(persist_state(persist_version=170)))
    text = "version: 1\nproviders:\n  - {name: Local, id: local, type: ollama}\n"
    plan = BackupTarget(path).plan(resolved(text, {}), prune=False)
    assert (
        "provider 'local' uses type ollama, which this app version (state version 170) may not know"
        in plan.notes
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: p.write_bytes(b"not a zip"), "not a valid zip"),
        (lambda p: _zip(p, {"other.txt": b"x"}), "no data.json"),
        (
            lambda p: _zip(p, {"metadata.json": b"{}", "Data/cherrystudio.sqlite": b""}),
            "2.x backup",
        ),
        (lambda p: write_backup(p, data_json(version=4)), "version 4 is not supported"),
        (lambda p: write_backup(p, data_json(version=7)), "version 7 is not supported"),
        (
            lambda p: write_backup(p, raw_data_json=js({"version": 1, "redux": {}}).encode()),
            "version 1",
        ),
        (lambda p: write_backup(p, raw_data_json=b"[1, 2]"), "not a JSON object"),
        (lambda p: write_backup(p, data_json(localStorage={})), "persist:cherry-studio"),
        (
            lambda p: write_backup(p, data_json(persist_state(persist_version=None))),
            "_persist.version",
        ),
        (lambda p: write_backup(p, data_json({"_persist": "{}"})), "no 'llm' slice"),
        (lambda p: write_backup(p, _without("indexedDB")), "no 'indexedDB' object"),
        (lambda p: write_backup(p, data_json(indexedDB=[])), "no 'indexedDB' object"),
    ],
)
def test_not_a_backup_is_a_clear_error(tmp_path: Path, build: Any, message: str) -> None:
    path = tmp_path / "in.zip"
    build(path)
    with pytest.raises(TargetError, match=message):
        BackupTarget(path).plan([], prune=False)


def _without(key: str) -> dict[str, Any]:
    doc = data_json()
    del doc[key]
    return doc


def test_persist_is_never_invented(tmp_path: Path) -> None:
    """Without `_persist` the app would replay every migration: refuse, and write nothing."""
    path = write_backup(tmp_path / "in.zip", data_json(persist_state(persist_version=None)))
    with pytest.raises(TargetError, match=r"no '_persist\.version'"):
        BackupTarget(path).apply(resolved(), prune=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.zip"]


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_cli_apply_writes_out_and_refuses_input(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    yaml_file = tmp_path / "providers.yaml"
    yaml_file.write_text(FILE)
    out = tmp_path / "patched.zip"
    args = ["apply", str(yaml_file), "--target", str(backup), "--yes"]
    assert main([*args, "--out", str(backup)]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}" in printed and "sk-relay-1" not in printed
    assert main(["plan", str(yaml_file), "--target", str(out), "--detailed-exitcode"]) == 0


def test_keys_from_the_environment_that_the_app_would_split(backup: Path) -> None:
    from ruamel.yaml import YAML

    env = dict(ENV, RELAY_KEY_2="sk-a,sk-b")
    pf = ProvidersFile.from_data(YAML(typ="safe").load(FILE))
    _, problems = resolve_providers(pf, env)
    assert [p.rule for p in problems] == ["key-chars"], "resolution refuses it first"
    # The target refuses it too, for callers that build providers without resolving.
    good = resolved(env=ENV)
    relay = next(i for i, p in enumerate(good) if p.id == "relay")
    keys = (good[relay].api_keys[0], Secret("sk-a,sk-b"))
    providers = [*good[:relay], dataclasses.replace(good[relay], api_keys=keys), *good[relay + 1 :]]
    plan = BackupTarget(backup).plan(providers, prune=False)
    assert plan.blockers == [
        "provider 'relay': key 2 contains a comma or whitespace, which the app treats as a key "
        "separator; list several keys as separate entries"
    ]
    with pytest.raises(TargetError, match="key 2"):
        BackupTarget(backup).apply(providers, prune=False)


@pytest.mark.parametrize("seed", range(6))
def test_damaged_backup_is_a_clear_error(
    tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes flipped inside the compressed data.json: an error naming the file, no traceback."""
    import random
    import zipfile

    from cherrysync.cli import main

    source = write_backup(tmp_path / "backup.zip")
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo("data.json")
    raw = bytearray(source.read_bytes())
    header = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    rng = random.Random(seed)
    for _ in range(8):
        raw[header + rng.randrange(info.compress_size)] ^= 0xFF
    source.write_bytes(bytes(raw))
    providers = tmp_path / "providers.yaml"
    providers.write_text("version: 1\nproviders:\n  - name: Local\n    type: ollama\n")
    assert main(["plan", str(providers), "--target", str(source)]) == 1
    err = capsys.readouterr().err
    assert str(source) in err or "data.json" in err
    assert "internal error" not in err
