"""The app model for Cherry Studio 2.x: providers-file entries <-> ``user_provider`` /
``user_model`` rows (reference §4.5-4.8, §4.14). Pure: no I/O, no SQL.

A *row* here is a mapping of column name to a Python value, JSON columns already decoded. The
functions compute only the columns cherrysync manages; everything else on an existing row
(order key, created_at, logo, app-side state) is left as it is by the writer.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group
from cherrysync.model import DEFAULT_BASE_URLS, ModelSpec, ProviderType
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret
from cherrysync.targets.base import AppProvider

Row = dict[str, Any]

#: Columns that hold compact JSON text in the database.
JSON_COLUMNS = frozenset(
    {
        "endpoint_configs",
        "api_keys",
        "auth_config",
        "api_features",
        "provider_settings",
        "capabilities",
        "input_modalities",
        "output_modalities",
        "endpoint_types",
        "reasoning",
        "parameters",
        "pricing",
    }
)

#: Provider columns the file owns on a managed row (also the plan's field names).
MANAGED_PROVIDER_COLUMNS = (
    "name",
    "preset_provider_id",
    "endpoint_configs",
    "default_chat_endpoint",
    "auth_config",
    "api_keys",
    "provider_settings",
    "is_enabled",
)
#: Model columns the file owns on a managed row.
MANAGED_MODEL_COLUMNS = ("name", "group", "description", "capabilities", "endpoint_types")

#: ``provider_settings`` keys the file owns; other keys (rateLimit, cacheControl, ...) are kept.
MANAGED_SETTINGS = ("extraHeaders", "notes", "apiVersion")
#: ``endpoint_configs`` entry fields the file owns; others (dialect, ...) are kept.
MANAGED_ENDPOINT_FIELDS = ("baseUrl", "adapterFamily")

CHAT_ENDPOINT: dict[str, str] = {
    "openai": "openai-chat-completions",
    "openai-response": "openai-responses",
    "anthropic": "anthropic-messages",
    "gemini": "google-generate-content",
    "azure-openai": "openai-chat-completions",
    "ollama": "ollama-chat",
    "new-api": "openai-chat-completions",
}
PRESET: dict[str, str] = {"azure-openai": "azure-openai", "ollama": "ollama"}
#: Azure api versions that select the Responses API instead of deployment URLs.
AZURE_RESPONSES_VERSIONS = frozenset({"preview", "v1"})
NEWAPI_FAMILY = "newapi"

#: v1-style model endpoint types (the file's ``endpoint_type``) -> v2 endpoint types.
MODEL_ENDPOINT: dict[str, str] = {
    "openai": "openai-chat-completions",
    "openai-response": "openai-responses",
    "anthropic": "anthropic-messages",
    "gemini": "google-generate-content",
    "image-generation": "openai-image-generation",
    "jina-rerank": "jina-rerank",
}
#: The file's capabilities -> the app's capability values.
CAPABILITY: dict[str, str] = {
    "vision": "image-recognition",
    "function_calling": "function-call",
    "web_search": "web-search",
    "reasoning": "reasoning",
    "embedding": "embedding",
    "rerank": "rerank",
}
_REVERSE_ENDPOINT = {v: k for k, v in MODEL_ENDPOINT.items()}
_REVERSE_CAPABILITY = {v: k for k, v in CAPABILITY.items()}

#: Namespace for key-entry ids: the same provider and key always get the same id.
KEY_ID_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-5b7f-9c0d-2e3f4a5b6c7d")


def model_row_id(provider_id: str, model_id: str) -> str:
    """``user_model.id`` and the string other tables use to reference a model."""
    return f"{provider_id}::{model_id}"


def key_entry_id(provider_id: str, key: str) -> str:
    """A stable id for a new key entry; derived from a hash so the key itself never shows."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return str(uuid.uuid5(KEY_ID_NAMESPACE, f"{provider_id}\n{digest}"))


def is_builtin_row(row: Mapping[str, Any]) -> bool:
    """Preset (registry) rows: never deleted, never managed."""
    pid = row.get("provider_id")
    return pid in BUILTIN_PROVIDER_IDS or (pid is not None and pid == row.get("preset_provider_id"))


# ------------------------------------------------------------------------- file -> rows


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _endpoints(rp: ResolvedProvider) -> tuple[list[str], str | None]:
    """The endpoint keys a provider gets and its default chat endpoint.

    Azure with api version ``preview`` or ``v1`` is the Responses API (reference §2.8), so it also
    gets the ``openai-responses`` endpoint as its default; other Azure rows inherit the preset's
    default (chat completions).
    """
    ptype = rp.spec.type
    if ptype == "azure-openai":
        if rp.spec.api_version in AZURE_RESPONSES_VERSIONS:
            return ["openai-chat-completions", "openai-responses"], "openai-responses"
        return ["openai-chat-completions"], None
    return [CHAT_ENDPOINT[ptype]], CHAT_ENDPOINT[ptype]


def _endpoint_configs(
    rp: ResolvedProvider, endpoints: list[str], existing: Mapping[str, Any]
) -> dict[str, Any]:
    configs: dict[str, Any] = {}
    for endpoint in endpoints:
        entry = {
            k: v
            for k, v in _mapping(existing.get(endpoint)).items()
            if k not in MANAGED_ENDPOINT_FIELDS
        }
        if rp.base_url:
            entry["baseUrl"] = rp.base_url
        if rp.spec.type == "new-api":
            entry["adapterFamily"] = NEWAPI_FAMILY
        configs[endpoint] = entry
    return configs


def _api_keys(rp: ResolvedProvider, existing: Any) -> list[dict[str, Any]]:
    old: dict[str, Mapping[str, Any]] = {}
    for entry in existing if isinstance(existing, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("key"), str):
            old.setdefault(entry["key"], entry)
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for secret in rp.api_keys:
        key = secret.reveal().strip()
        if not key or key in seen:
            continue
        seen.add(key)
        previous = old.get(key)
        item: dict[str, Any] = {
            "id": previous["id"] if previous and previous.get("id") else key_entry_id(rp.id, key)
        }
        item["key"] = key
        if previous and isinstance(previous.get("label"), str):
            item["label"] = previous["label"]
        item["isEnabled"] = True
        entries.append(item)
    return entries


def _auth_config(rp: ResolvedProvider, existing: Any) -> dict[str, Any]:
    if rp.spec.type == "azure-openai":
        desired: dict[str, Any] = {"type": "iam-azure", "apiVersion": rp.spec.api_version or ""}
    else:
        desired = {"type": "api-key"}
    old = _mapping(existing)
    return {**old, **desired} if old.get("type") == desired["type"] else desired


def _provider_settings(rp: ResolvedProvider, existing: Any) -> dict[str, Any] | None:
    settings = {k: v for k, v in _mapping(existing).items() if k not in MANAGED_SETTINGS}
    if rp.headers:
        settings["extraHeaders"] = {name: value.reveal() for name, value in rp.headers.items()}
    if rp.spec.notes is not None:
        settings["notes"] = rp.spec.notes
    if rp.spec.api_version is not None:  # only Azure uses it, but the file's value round-trips
        settings["apiVersion"] = rp.spec.api_version
    if not settings and existing is None:
        return None
    return settings


def desired_provider(rp: ResolvedProvider, existing: Mapping[str, Any] | None) -> Row:
    """The managed columns of ``rp``'s row, keeping what the app owns on ``existing``."""
    old: Mapping[str, Any] = existing or {}
    endpoints, default_chat = _endpoints(rp)
    return {
        "name": rp.spec.name,
        "preset_provider_id": PRESET.get(rp.spec.type),
        "endpoint_configs": _endpoint_configs(rp, endpoints, _mapping(old.get("endpoint_configs"))),
        "default_chat_endpoint": default_chat,
        "auth_config": _auth_config(rp, old.get("auth_config")),
        "api_keys": _api_keys(rp, old.get("api_keys")),
        "provider_settings": _provider_settings(rp, old.get("provider_settings")),
        "is_enabled": 1 if rp.spec.enabled else 0,
    }


def _capabilities(spec: ModelSpec) -> list[str]:
    out: list[str] = []
    for cap in spec.capabilities or []:
        value = CAPABILITY[cap]
        if value not in out:
            out.append(value)
    return out


def desired_model(provider_id: str, spec: ModelSpec) -> Row:
    """The managed columns of one model row (a fully custom row, so the CHECK holds)."""
    return {
        "name": spec.name if spec.name is not None else spec.id,
        "group": spec.group if spec.group is not None else default_group(spec.id, provider_id),
        "description": spec.description,
        "capabilities": _capabilities(spec),
        "endpoint_types": [MODEL_ENDPOINT[spec.endpoint_type]] if spec.endpoint_type else None,
    }


def new_provider_row(provider_id: str, managed: Row, order_key: str, now: int) -> Row:
    """Every column a fresh provider row needs (the app sets no SQL defaults for some)."""
    return {
        "provider_id": provider_id,
        **managed,
        "logo_key": None,
        "order_key": order_key,
        "created_at": now,
        "updated_at": now,
    }


def new_model_row(provider_id: str, model_id: str, managed: Row, order_key: str, now: int) -> Row:
    """A fresh fully custom model row, with the defaults the app's own create writes."""
    return {
        "id": model_row_id(provider_id, model_id),
        "provider_id": provider_id,
        "model_id": model_id,
        "preset_model_id": None,
        **managed,
        "supports_streaming": 1,
        "is_enabled": 1,
        "is_hidden": 0,
        "is_deprecated": 0,
        "input_modalities_explicit": 0,
        "order_key": order_key,
        "created_at": now,
        "updated_at": now,
    }


# ------------------------------------------------------------------------- rows -> plan fields


def _secret_keys(value: Any) -> list[Any]:
    out: list[Any] = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, Mapping):
            continue
        key = Secret(str(entry.get("key", "")))
        out.append(key if entry.get("isEnabled", True) else {"key": key, "isEnabled": False})
    return out


def provider_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """Comparable plan fields of a provider row: keys and header values become secrets.

    Key-entry ids and labels are bookkeeping and do not take part in the comparison.
    """
    fields: dict[str, Any] = {}
    for column in MANAGED_PROVIDER_COLUMNS:
        value = row.get(column)
        if column == "api_keys":
            value = _secret_keys(value)
        elif column == "provider_settings" and isinstance(value, Mapping):
            value = dict(value)
            headers = value.get("extraHeaders")
            if isinstance(headers, Mapping):
                value["extraHeaders"] = {str(k): Secret(str(v)) for k, v in headers.items()}
        elif column == "is_enabled":
            value = bool(value)
        fields[column] = value
    return fields


def model_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {column: row.get(column) for column in MANAGED_MODEL_COLUMNS}


# ------------------------------------------------------------------------- rows -> file terms


def _infer_type(row: Mapping[str, Any]) -> tuple[ProviderType, str | None] | None:
    """The file's type and the endpoint holding the base URL, read back from a row."""
    configs = _mapping(row.get("endpoint_configs"))
    preset = row.get("preset_provider_id")
    if preset == "azure-openai":
        return "azure-openai", "openai-chat-completions"
    if preset == "ollama":
        return "ollama", "ollama-chat"
    if preset is not None:
        return None
    endpoint = row.get("default_chat_endpoint") or next(iter(configs), None)
    if endpoint == "openai-chat-completions":
        family = _mapping(configs.get(endpoint)).get("adapterFamily")
        return ("new-api" if family == NEWAPI_FAMILY else "openai"), endpoint
    simple: tuple[ProviderType, ...] = ("openai-response", "anthropic", "gemini", "ollama")
    for ptype in simple:
        if endpoint == CHAT_ENDPOINT[ptype]:
            return ptype, endpoint
    return None


def _model_spec(provider_id: str, row: Mapping[str, Any]) -> ModelSpec:
    model_id = str(row["model_id"])
    name = row.get("name")
    group = row.get("group")
    caps = [
        _REVERSE_CAPABILITY[c] for c in row.get("capabilities") or [] if c in _REVERSE_CAPABILITY
    ]
    endpoints = row.get("endpoint_types") or []
    endpoint = _REVERSE_ENDPOINT.get(endpoints[0]) if endpoints else None
    return ModelSpec.model_validate(
        {
            "id": model_id,
            "name": name if name and name != model_id else None,
            "group": group if group and group != default_group(model_id, provider_id) else None,
            "capabilities": caps or None,
            "endpoint_type": endpoint,
            "description": row.get("description") or None,
        }
    )


def app_provider(row: Mapping[str, Any], models: Iterable[Mapping[str, Any]]) -> AppProvider | None:
    """A custom provider row in providers-file terms; None for rows the file cannot express
    (built-in presets, Bedrock or Vertex duplicates)."""
    if is_builtin_row(row):
        return None
    inferred = _infer_type(row)
    if inferred is None:
        return None
    ptype, endpoint = inferred
    pid = str(row["provider_id"])
    configs = _mapping(row.get("endpoint_configs"))
    base_url = _mapping(configs.get(endpoint)).get("baseUrl") if endpoint else None
    settings = _mapping(row.get("provider_settings"))
    auth = _mapping(row.get("auth_config"))
    api_version = settings.get("apiVersion") or None
    if ptype == "azure-openai":
        api_version = auth.get("apiVersion") or api_version
    keys = [
        Secret(str(e["key"]))
        for e in row.get("api_keys") or []
        if isinstance(e, Mapping) and e.get("key")
    ]
    headers = settings.get("extraHeaders")
    notes = settings.get("notes")
    return AppProvider(
        id=pid,
        name=str(row.get("name") or pid),
        type=ptype,
        base_url=str(base_url) if base_url else DEFAULT_BASE_URLS.get(ptype),
        api_keys=keys,
        api_version=str(api_version) if api_version else None,
        enabled=bool(row.get("is_enabled")),
        headers={str(k): str(v) for k, v in _mapping(headers).items()},
        notes=notes if isinstance(notes, str) else None,
        models=[_model_spec(pid, m) for m in models],
    )
