"""Round trip: for any valid providers file, ``import(apply(file))`` gives the file back.

"The same file" means the same providers as the app sees them (resolved keys, derived defaults
filled in): import names key variables itself and leaves defaults out. A file import wrote is
reproduced exactly, text and dotenv alike.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group
from cherrysync.diagnostics import has_errors
from cherrysync.model import CAPABILITIES, ENDPOINT_TYPES, PROVIDER_TYPES, ModelSpec
from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.samples.v1backup import SYSTEM_PROVIDERS, data_json, persist_state, write_backup
from cherrysync.targets.base import AppProvider
from cherrysync.targets.importer import build_import, render_yaml
from cherrysync.targets.v1.target import BackupTarget
from cherrysync.targets.v2.rows import desired_model
from cherrysync.validate.pipeline import validate_text

SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
NAME_CHARS = SAFE + " .-_ü🍒'()&"
URLS = [
    "https://relay.example.com/",
    "https://relay.example.com",
    "http://localhost:8000/",
    "https://open.example.cn/api/paas/v4/",
    "https://contoso.openai.azure.com",
]

ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True).filter(
    lambda s: s not in BUILTIN_PROVIDER_IDS
)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
model_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.:/ _-]{0,15}", fullmatch=True).map(str.strip)


@st.composite
def model_entry(draw: st.DrawFn, ptype: str) -> str | dict[str, Any]:
    entry: dict[str, Any] = {"id": draw(model_ids)}
    for key, strategy in (
        ("name", text.filter(bool)),
        ("group", text.filter(bool)),
        ("description", text),
        ("capabilities", st.lists(st.sampled_from(CAPABILITIES), unique=True)),
    ):
        if draw(st.booleans()):
            entry[key] = draw(strategy)
    if ptype == "new-api" or draw(st.booleans()):
        entry["endpoint_type"] = draw(st.sampled_from(ENDPOINT_TYPES))
    return entry["id"] if len(entry) == 1 and draw(st.booleans()) else entry


MODEL_LISTS = {
    ptype: st.lists(
        model_entry(ptype), max_size=4, unique_by=lambda m: m if isinstance(m, str) else m["id"]
    )
    for ptype in PROVIDER_TYPES
}


@st.composite
def provider_entry(draw: st.DrawFn, pid: str, name: str) -> dict[str, Any]:
    ptype = draw(st.sampled_from(PROVIDER_TYPES))
    entry: dict[str, Any] = {"name": name, "id": pid, "type": ptype}
    if ptype in ("azure-openai", "new-api") or draw(st.booleans()):
        entry["base_url"] = draw(st.sampled_from(URLS))
    keys = draw(st.integers(0, 3))
    if keys:
        refs = [f"${{K_{pid.replace('-', '_').upper()}_{n}}}" for n in range(keys)]
        entry["api_key"] = refs[0] if keys == 1 and draw(st.booleans()) else refs
    if ptype == "azure-openai" or draw(st.booleans()):
        entry["api_version"] = draw(st.sampled_from(["2024-10-21", "v1", "preview"]))
    if draw(st.booleans()):
        entry["enabled"] = False
    if draw(st.booleans()):
        entry["headers"] = draw(
            st.dictionaries(
                st.sampled_from(["X-Team", "X-Api-Key", "Authorization", "HTTP-Referer"]),
                st.text(SAFE + " $", min_size=1, max_size=12).map(lambda v: v.replace("$", "$$")),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        entry["notes"] = draw(text)
    entry["models"] = draw(MODEL_LISTS[ptype])
    return entry


@st.composite
def providers_files(draw: st.DrawFn) -> dict[str, Any]:
    pids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    names = draw(
        st.lists(
            st.text(NAME_CHARS, min_size=1, max_size=32).filter(lambda s: s.strip() == s and s),
            min_size=len(pids),
            max_size=len(pids),
            unique_by=str.casefold,
        )
    )
    return {
        "version": 1,
        "providers": [draw(provider_entry(p, n)) for p, n in zip(pids, names, strict=True)],
    }


#: Keys a dotenv file holds safely (a key with ' or \ is left for the user: test_dotenv_safety)
key_values = st.text(SAFE + "-_.$+=&` ", min_size=1, max_size=20).filter(
    lambda k: k.strip() == k and " " not in k
)


def v1_capabilities(p: ResolvedProvider, m: ModelSpec) -> Any:
    return m.capabilities


def v2_capabilities(p: ResolvedProvider, m: ModelSpec) -> Any:
    """2.x rows hold the app's capabilities: no web_search, the endpoint's implied one added."""
    return desired_model(p.id, m)["capabilities"]


def semantic(
    providers: list[ResolvedProvider], caps: Callable[..., Any] = v1_capabilities
) -> list[dict[str, Any]]:
    """What the app gets from a file: resolved values, derived defaults filled in."""
    return [
        {
            "id": p.id,
            "name": p.spec.name,
            "type": p.spec.type,
            "base_url": p.base_url,
            "keys": [k.reveal() for k in p.api_keys],
            "api_version": p.spec.api_version,
            "enabled": p.spec.enabled,
            "headers": {k: v.reveal() for k, v in p.headers.items()},
            "notes": p.spec.notes,
            "models": [
                (
                    m.id,
                    m.name or m.id,
                    m.group or default_group(m.id, p.id),
                    caps(p, m),
                    m.endpoint_type,
                    m.description,
                )
                for m in p.models
            ],
        }
        for p in providers
    ]


def resolve(text: str, env: dict[str, str]) -> list[ResolvedProvider]:
    validated = validate_text(text, "providers.yaml")
    assert validated.ok, [d.message for d in validated.diagnostics if d.severity == "error"]
    assert validated.model is not None
    providers, problems = resolve_providers(validated.model, env)
    assert not has_errors(problems)
    return providers


def round_trip(
    data: dict[str, Any],
    env: dict[str, str],
    read: Callable[[list[ResolvedProvider]], list[AppProvider]],
    caps: Callable[..., Any] = v1_capabilities,
) -> None:
    text = render_yaml(data)
    assume(validate_text(text, "providers.yaml").ok)
    original = resolve(text, env)
    imported = build_import(read(original), source="test")
    assert not imported.warnings
    again = resolve(imported.text, imported.env)
    assert semantic(again, caps) == semantic(original, caps)
    # an imported (tidy) file comes back exactly, text and keys alike
    second = build_import(read(again), source="test")
    assert (second.text, second.env) == (imported.text, imported.env)


def v1_apply_then_read(providers: list[ResolvedProvider]) -> list[AppProvider]:
    with tempfile.TemporaryDirectory() as tmp:
        backup = write_backup(Path(tmp) / "b.zip", data_json(persist_state(SYSTEM_PROVIDERS)))
        result = BackupTarget(backup).apply(providers, prune=False)
        assert result.output_path is not None
        return BackupTarget(result.output_path).read_custom_providers()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=providers_files(), values=st.data())
def test_v1_round_trip(data: dict[str, Any], values: st.DataObject) -> None:
    env = {
        f"K_{p['id'].replace('-', '_').upper()}_{n}": values.draw(key_values)
        for p in data["providers"]
        for n in range(3)
    }
    round_trip(data, env, v1_apply_then_read)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=providers_files(), values=st.data())
def test_v2_round_trip(data: dict[str, Any], values: st.DataObject) -> None:
    from cherrysync.samples.v2db import empty_database
    from cherrysync.targets.open import open_target

    env = {
        f"K_{p['id'].replace('-', '_').upper()}_{n}": values.draw(key_values)
        for p in data["providers"]
        for n in range(3)
    }

    def apply_then_read(providers: list[ResolvedProvider]) -> list[AppProvider]:
        with tempfile.TemporaryDirectory() as tmp:
            db = empty_database(Path(tmp) / "Data" / "cherrystudio.sqlite")
            target = open_target(str(db))
            target.apply(providers, prune=False)
            return open_target(str(db)).read_custom_providers()

    round_trip(data, env, apply_then_read, v2_capabilities)
