"""The app model for Cherry Studio 2.x: providers-file entries <-> ``user_provider`` /
``user_model`` rows (reference §4.5-4.8, §4.14). Pure: no I/O, no SQL.

A *row* here is a mapping of column name to a Python value, JSON columns already decoded. The
functions compute only the columns cherrysync manages; everything else on an existing row
(order key, created_at, logo, app-side state) is left as it is by the writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group
from cherrysync.model import DEFAULT_BASE_URLS, ModelSpec, ProviderType
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret
from cherrysync.targets.base import AppProvider
from cherrysync.targets.v2.apikeys import (
    NO_RECORD,
    KeyRecord,
    comparable,
    desired_keys,
    readable_keys,
)
from cherrysync.targets.v2.vocab import (
    AZURE_RESPONSES_VERSIONS,
    CAPABILITY,
    CHAT_ENDPOINT,
    IMPLIED_CAPABILITY,
    MODEL_ENDPOINT,
    NEWAPI_ENDPOINTS,
    NEWAPI_FAMILY,
    PRESET,
    REVERSE_CAPABILITY,
    REVERSE_ENDPOINT,
)

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


def model_row_id(provider_id: str, model_id: str) -> str:
    """``user_model.id`` and the string other tables use to reference a model."""
    return f"{provider_id}::{model_id}"


def is_builtin_row(row: Mapping[str, Any]) -> bool:
    """Preset (registry) rows: never deleted, never managed."""
    pid = row.get("provider_id")
    return pid in BUILTIN_PROVIDER_IDS or (pid is not None and pid == row.get("preset_provider_id"))


# ------------------------------------------------------------------------- file -> rows


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _endpoints(rp: ResolvedProvider) -> tuple[list[str], str | None]:
    """The endpoint keys a provider gets and its default chat endpoint.

    Azure with api version ``preview`` or ``v1`` is the Responses API (reference §2.8), so it also
    gets the ``openai-responses`` endpoint as its default; other Azure rows inherit the preset's
    default (chat completions). new-api gets the four text endpoints the app's editor writes.
    Every endpoint type a model names gets the base URL too: the app sends a model through its
    first endpoint type, and one without a config has no URL to go to.
    """
    ptype = rp.spec.type
    default: str | None = CHAT_ENDPOINT[ptype]
    if ptype == "azure-openai" and rp.spec.api_version in AZURE_RESPONSES_VERSIONS:
        endpoints, default = ["openai-chat-completions", "openai-responses"], "openai-responses"
    elif ptype == "azure-openai":
        endpoints, default = ["openai-chat-completions"], None
    elif ptype == "new-api":
        endpoints = list(NEWAPI_ENDPOINTS)
    else:
        endpoints = [CHAT_ENDPOINT[ptype]]
    for spec in rp.models:
        endpoint = MODEL_ENDPOINT[spec.endpoint_type] if spec.endpoint_type else None
        if endpoint is not None and endpoint not in endpoints:
            endpoints.append(endpoint)
    return endpoints, default


def _endpoint_configs(
    rp: ResolvedProvider, endpoints: list[str], existing: Mapping[str, Any]
) -> dict[str, Any]:
    """One entry per endpoint: the file's base URL over what the app keeps (``dialect``, ...).

    No ``adapterFamily``: presets supply it and the app's own editor never writes one; an old one
    (earlier cherrysync wrote ``newapi`` on preset-less rows) is dropped.
    """
    configs: dict[str, Any] = {}
    for endpoint in endpoints:
        entry = {
            k: v
            for k, v in _mapping(existing.get(endpoint)).items()
            if k not in MANAGED_ENDPOINT_FIELDS
        }
        if rp.base_url:
            entry["baseUrl"] = rp.base_url
        configs[endpoint] = entry
    return configs


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


def desired_provider(
    rp: ResolvedProvider, existing: Mapping[str, Any] | None, record: KeyRecord = NO_RECORD
) -> Row:
    """The managed columns of ``rp``'s row, keeping what the app owns on ``existing``.

    ``record`` says which stored envelopes still hold the file's keys (see :mod:`.apikeys`).
    """
    old: Mapping[str, Any] = existing or {}
    endpoints, default_chat = _endpoints(rp)
    return {
        "name": rp.spec.name,
        "preset_provider_id": PRESET.get(rp.spec.type),
        "endpoint_configs": _endpoint_configs(rp, endpoints, _mapping(old.get("endpoint_configs"))),
        "default_chat_endpoint": default_chat,
        "auth_config": _auth_config(rp, old.get("auth_config")),
        "api_keys": desired_keys(
            rp.id, [k.reveal() for k in rp.api_keys], old.get("api_keys"), record
        ),
        "provider_settings": _provider_settings(rp, old.get("provider_settings")),
        "is_enabled": 1 if rp.spec.enabled else 0,
    }


def _capabilities(spec: ModelSpec) -> list[str]:
    """The app's capability values, plus the one the model's endpoint type implies (§4.14)."""
    out: list[str] = []
    for cap in spec.capabilities or []:
        value = CAPABILITY.get(cap)
        if value is not None and value not in out:
            out.append(value)
    endpoint = MODEL_ENDPOINT[spec.endpoint_type] if spec.endpoint_type else None
    implied = IMPLIED_CAPABILITY.get(endpoint) if endpoint else None
    if implied is not None and implied not in out:
        out.append(implied)
    return out


def dropped_capabilities(spec: ModelSpec) -> list[str]:
    """The file's capabilities that 2.x has no value for (``web_search``): not written."""
    return [cap for cap in spec.capabilities or [] if cap not in CAPABILITY]


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


def provider_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """Comparable plan fields of a provider row: keys and header values become secrets,
    keys the app encrypted say so (:func:`~.apikeys.comparable`)."""
    fields: dict[str, Any] = {}
    for column in MANAGED_PROVIDER_COLUMNS:
        value = row.get(column)
        if column == "api_keys":
            value = comparable(value)
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
    if preset == "new-api":
        with_url = (e for e in NEWAPI_ENDPOINTS if _mapping(configs.get(e)).get("baseUrl"))
        return "new-api", next(with_url, NEWAPI_ENDPOINTS[0])
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
    endpoints = _list(row.get("endpoint_types"))
    first = endpoints[0] if endpoints and isinstance(endpoints[0], str) else None
    endpoint = REVERSE_ENDPOINT.get(first) if first else None
    stored = [c for c in _list(row.get("capabilities")) if isinstance(c, str)]
    # the implied capability cherrysync appends is left out of the file (apply adds it back)
    if first and stored and stored[-1] == IMPLIED_CAPABILITY.get(first):
        stored.pop()
    caps = [REVERSE_CAPABILITY[c] for c in stored if c in REVERSE_CAPABILITY]
    return ModelSpec.from_data(
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
    keys, encrypted = readable_keys(row.get("api_keys"))
    headers = settings.get("extraHeaders")
    notes = settings.get("notes")
    return AppProvider(
        id=pid,
        name=str(row.get("name") or pid),
        type=ptype,
        base_url=str(base_url) if base_url else DEFAULT_BASE_URLS.get(ptype),
        api_keys=keys,
        encrypted_keys=encrypted,
        api_version=str(api_version) if api_version else None,
        enabled=bool(row.get("is_enabled")),
        headers={str(k): str(v) for k, v in _mapping(headers).items()},
        notes=notes if isinstance(notes, str) else None,
        models=[_model_spec(pid, m) for m in models],
    )
