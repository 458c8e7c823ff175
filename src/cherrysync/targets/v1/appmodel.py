"""Cherry Studio 1.x ``Provider``/``Model`` objects <-> providers-file terms (pure, no I/O).

The backup target, ``export --to providers-json`` and ``import`` all go through this module, so the
objects cherrysync writes and the ones it reads back follow one set of rules (reference §2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group, key_splits
from cherrysync.model import (
    CAPABILITIES,
    ENDPOINT_TYPES,
    PROVIDER_TYPES,
    ModelError,
    ModelSpec,
    ProviderType,
)
from cherrysync.plan.diff import ProviderState
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret
from cherrysync.targets.base import AppProvider

JsonObject = dict[str, Any]

#: Provider keys cherrysync owns; every other key of an existing object is carried over.
MANAGED_PROVIDER_KEYS = frozenset(
    {
        "id",
        "name",
        "type",
        "apiKey",
        "apiHost",
        "apiVersion",
        "enabled",
        "isSystem",
        "extra_headers",
        "notes",
        "models",
    }
)
#: The provider keys whose values make up a provider's state (compared by plans).
_STATE_PROVIDER_KEYS = ("name", "type", "apiHost", "apiKey", "apiVersion", "enabled")
#: The model keys whose values make up a model's state (compared by plans).
_STATE_MODEL_KEYS = (
    "name",
    "group",
    "capabilities",
    "endpoint_type",
    "supported_endpoint_types",
    "description",
    "supported_text_delta",
)
#: Model keys cherrysync owns (the state and the identity); others (``pricing``,
#: ``owned_by``, ...) are carried over.
MANAGED_MODEL_KEYS = frozenset({"id", "provider", *_STATE_MODEL_KEYS})


def is_builtin(obj: Mapping[str, Any]) -> bool:
    """Built-in per the app (``isSystem``) or a reserved id: never removed, never overwritten."""
    return obj.get("isSystem") is True or obj.get("id") in BUILTIN_PROVIDER_IDS


# ----------------------------------------------------------------------------- file -> v1


def v1_model(spec: ModelSpec, provider_id: str) -> JsonObject:
    """A ``Model`` as the app's "Add model" dialog would store it, plus the file's extras."""
    model: JsonObject = {
        "id": spec.id,
        "provider": provider_id,
        "name": spec.name if spec.name is not None else spec.id,
        "group": spec.group if spec.group is not None else default_group(spec.id, provider_id),
    }
    if spec.capabilities is not None:
        model["capabilities"] = [{"type": c, "isUserSelected": True} for c in spec.capabilities]
    if spec.description is not None:
        model["description"] = spec.description
    if spec.endpoint_type is not None:
        model["endpoint_type"] = spec.endpoint_type
        # The UI only treats a new-api model as valid with a non-empty supported list.
        model["supported_endpoint_types"] = [spec.endpoint_type]
    model["supported_text_delta"] = True
    return model


def v1_provider(provider: ResolvedProvider) -> JsonObject:
    """A ``Provider`` with exactly the fields the reference requires plus the ones the file sets."""
    spec = provider.spec
    obj: JsonObject = {
        "id": provider.id,
        "name": spec.name,
        "type": spec.type,
        "apiKey": ",".join(k.reveal() for k in provider.api_keys),
        "apiHost": provider.base_url or "",
        "models": [v1_model(m, provider.id) for m in provider.models],
        "enabled": spec.enabled,
        "isSystem": False,
    }
    if spec.api_version is not None:
        obj["apiVersion"] = spec.api_version
    if provider.headers:
        obj["extra_headers"] = {k: v.reveal() for k, v in provider.headers.items()}
    if spec.notes is not None:
        obj["notes"] = spec.notes
    return obj


def key_problems(provider: ResolvedProvider) -> list[str]:
    """Keys the app would split apart: it joins keys with ``,`` and splits on ``,``/whitespace.

    ``validate`` checks literal keys; this catches values that arrive through ``${VAR}``.
    """
    return [
        f"provider '{provider.id}': key {n} contains a comma or whitespace, which the app "
        "treats as a key separator; list several keys as separate entries"
        for n, key in enumerate(provider.api_keys, start=1)
        if key_splits(key.reveal())
    ]


def _carry(existing: Mapping[str, Any], fresh: JsonObject, managed: frozenset[str]) -> JsonObject:
    """``fresh`` plus the keys of ``existing`` that cherrysync does not manage."""
    merged = dict(fresh)
    for key, value in existing.items():
        if key not in managed:
            merged[key] = value
    return merged


def merge_provider(
    existing: Mapping[str, Any] | None, fresh: JsonObject, *, prune: bool
) -> JsonObject:
    """The object to store for a managed provider.

    Managed fields come from the file; unmanaged ones (``apiOptions``, ``rateLimit``, model
    ``pricing``, ...) survive. Models the file no longer lists stay unless ``prune``.
    """
    if existing is None:
        return fresh
    merged = _carry(existing, fresh, MANAGED_PROVIDER_KEYS)
    old_models = {m.get("id"): m for m in _models(existing)}
    models = [
        _carry(old_models[m["id"]], m, MANAGED_MODEL_KEYS) if m["id"] in old_models else m
        for m in fresh["models"]
    ]
    if not prune:
        wanted = {m["id"] for m in fresh["models"]}
        models += [m for m in _models(existing) if m.get("id") not in wanted]
    merged["models"] = models
    return merged


def _models(obj: Mapping[str, Any]) -> list[JsonObject]:
    models = obj.get("models")
    return [m for m in models if isinstance(m, dict)] if isinstance(models, list) else []


def merge_providers(current: list[Any], desired: list[JsonObject], *, prune: bool) -> list[Any]:
    """The new ``llm.providers``: managed ones replaced in place, new ones prepended.

    New providers go on top in file order, as the app's "Add provider" dialog prepends; with
    ``prune`` custom providers the file does not list are dropped, built-in ones never.
    """
    by_id = {p["id"]: p for p in desired}
    present = {p.get("id") for p in current if isinstance(p, dict)}
    result: list[Any] = [p for p in desired if p["id"] not in present]
    for obj in current:
        pid = obj.get("id") if isinstance(obj, dict) else None
        if pid in by_id:
            result.append(merge_provider(obj, by_id[pid], prune=prune))
        elif prune and isinstance(obj, dict) and not is_builtin(obj):
            continue
        else:
            result.append(obj)
    return result


# ----------------------------------------------------------------------------- v1 -> plan


def provider_state(obj: Mapping[str, Any]) -> ProviderState:
    """Comparable fields of a stored or desired object; secrets wrapped so they render masked."""
    fields: dict[str, Any] = {k: obj.get(k) for k in _STATE_PROVIDER_KEYS}
    fields["apiKey"] = Secret(str(obj.get("apiKey") or ""))
    headers = obj.get("extra_headers")
    fields["extra_headers"] = (
        {str(k): Secret(str(v)) for k, v in headers.items()} if isinstance(headers, dict) else None
    )
    fields["notes"] = obj.get("notes")
    models = {
        str(m.get("id")): {k: m[k] for k in _STATE_MODEL_KEYS if m.get(k) is not None}
        for m in _models(obj)
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    return ProviderState(str(obj.get("id")), fields, models, builtin=is_builtin(obj))


# ----------------------------------------------------------------------------- references

#: Model copies the app keeps in ``llm`` (reference §2.4).
LLM_MODEL_KEYS = ("defaultModel", "quickModel", "translateModel", "topicNamingModel")


@dataclass(frozen=True)
class ModelRef:
    """Where a full model copy lives, e.g. ``llm.defaultModel`` or ``assistant 'Coder'.model``."""

    where: str
    provider: str
    model: str


def _ref(where: str, value: Any) -> Iterator[ModelRef]:
    if isinstance(value, dict) and "id" in value and "provider" in value:
        yield ModelRef(where, str(value["provider"]), str(value["id"]))


def model_refs(llm: Mapping[str, Any], assistants: Mapping[str, Any] | None) -> list[ModelRef]:
    """Every model reference held by ``llm`` defaults and by assistants (incl. the default one)."""
    refs: list[ModelRef] = []
    for key in LLM_MODEL_KEYS:
        refs.extend(_ref(f"llm.{key}", llm.get(key)))
    if assistants:
        people: list[tuple[str, Any]] = [("default assistant", assistants.get("defaultAssistant"))]
        for group in ("assistants", "presets"):
            items = assistants.get(group)
            for item in items if isinstance(items, list) else []:
                label = item.get("name") or item.get("id") if isinstance(item, dict) else None
                people.append((f"{group[:-1]} '{label}'", item))
        for label, item in people:
            if isinstance(item, dict):
                for key in ("model", "defaultModel"):
                    refs.extend(_ref(f"{label}.{key}", item.get(key)))
    return refs


# ----------------------------------------------------------------------------- v1 -> import


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _str(value: Any) -> str | None:
    """Free text, where an empty string is a value of its own."""
    return value if isinstance(value, str) else None


def _model_spec(m: Mapping[str, Any]) -> ModelSpec:
    caps = m.get("capabilities")
    capabilities = None
    if isinstance(caps, list):
        capabilities = list(
            dict.fromkeys(
                c["type"]
                for c in caps
                if isinstance(c, dict)
                and c.get("type") in CAPABILITIES
                and c.get("isUserSelected") is not False
            )
        )
    endpoint = m.get("endpoint_type")
    supported = m.get("supported_endpoint_types")
    if endpoint not in ENDPOINT_TYPES and isinstance(supported, list) and supported:
        endpoint = supported[0]
    return ModelSpec.from_data(
        {
            "id": str(m.get("id") or ""),
            "name": _text(m.get("name")),
            "group": _text(m.get("group")),
            "capabilities": capabilities,
            "endpoint_type": endpoint if endpoint in ENDPOINT_TYPES else None,
            "description": _str(m.get("description")),
        }
    )


def app_provider(obj: Mapping[str, Any]) -> tuple[AppProvider | None, list[str]]:
    """A custom provider in providers-file terms (or None), plus what could not be carried."""
    pid = str(obj.get("id") or "")
    ptype = obj.get("type")
    if ptype not in PROVIDER_TYPES:
        return None, [f"provider '{pid}': type '{ptype}' has no providers-file equivalent; skipped"]
    notes: list[str] = []
    models: list[ModelSpec] = []
    for m in _models(obj):
        try:
            models.append(_model_spec(m))
        except ModelError:
            notes.append(f"provider '{pid}': model '{m.get('id')}' is malformed; skipped")
    keys = [k.strip() for k in str(obj.get("apiKey") or "").split(",")]
    headers = obj.get("extra_headers")
    provider = AppProvider(
        id=pid,
        name=_text(obj.get("name")) or pid,
        type=cast(ProviderType, ptype),
        base_url=_text(obj.get("apiHost")),
        api_keys=[Secret(k) for k in keys if k],
        api_version=_text(obj.get("apiVersion")),
        enabled=obj.get("enabled", True) is not False,
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {},
        notes=_str(obj.get("notes")),
        models=models,
    )
    return provider, notes
