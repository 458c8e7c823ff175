"""A providers file as :class:`~cherrysync.plan.diff.ProviderState` values, for ``diff``.

``diff`` compares two versions of a file in the same change model as ``plan`` compares a file
with the app, so both share :func:`~cherrysync.plan.diff.diff_states`. The vocabulary here is the
file's own (``api_key``, ``headers.X-Team``, ``check.timeout``), and values are *semantic*:
defaults are filled in (an omitted ``enabled`` is ``true``, an omitted model name is its id), a
single key equals a one-element key list and capabilities compare as a set. So reordering
entries, comments, quoting, flow or block style and spelling out a default are no changes.

Keys and credential headers are compared by the text written in the file — a changed literal key
is a change — but are shown only as their references (:class:`WrittenSecret`): no secret value
is ever needed (nothing is resolved) or shown, not even masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from cherrysync.appfacts import default_group
from cherrysync.model import CheckOptions, ModelSpec, Provider, ProvidersFile
from cherrysync.plan.diff import Change, Plan, ProviderState, diff_states
from cherrysync.secrets import EnvRef, EnvSyntaxError, Secret, is_secret_header, parse_template

#: how a secret value without any reference is shown: that it is literal, never what it is
LITERAL = "(literal)"
#: the literal text around references in a secret value, and their defaults, are elided
ELIDED = "…"
#: fields shown for every added provider, even when equal to their defaults
_IDENTITY = frozenset({"name", "type"})


class WrittenSecret(Secret):
    """A key or credential header as written in the file: equal by its text, shown by its refs.

    ``masked`` (what every renderer shows, via :func:`~cherrysync.plan.diff.json_safe`) keeps the
    variable names and elides everything else: ``Bearer ${TOKEN}`` shows as ``…${TOKEN}``,
    ``${KEY:-sk-…}`` as ``${KEY:-…}``, ``${keyring:svc/user}`` as written, a literal key as
    ``(literal)``.
    """

    __slots__ = ()

    @property
    def masked(self) -> str:
        return shown_reference(self.reveal())


def shown_reference(text: str) -> str:
    """The references of a secret value with everything else elided (see :class:`WrittenSecret`)."""
    try:
        segments = parse_template(text)
    except EnvSyntaxError:  # validated files never get here; still never show the text
        return LITERAL
    if all(isinstance(s, str) for s in segments):
        return LITERAL if text else ""
    out: list[str] = []
    for segment in segments:
        if isinstance(segment, str):
            out.append(ELIDED if segment else "")
        elif not isinstance(segment, EnvRef):  # a secret store: ${keyring:…}, ${op://…}
            out.append(str(segment))
        elif segment.default is not None:
            out.append(f"${{{segment.name}:-{ELIDED}}}")
        elif segment.required_message is not None:
            out.append(f"${{{segment.name}:?{ELIDED}}}")
        else:
            out.append(f"${{{segment.name}}}")
    return "".join(out)


def _keys(provider: Provider) -> WrittenSecret | tuple[WrittenSecret, ...] | None:
    """One key as itself, several as a tuple (their order matters: the first is the main one)."""
    keys = tuple(WrittenSecret(k) for k in provider.api_keys)
    if not keys:
        return None
    return keys[0] if len(keys) == 1 else keys


def _check_fields(options: CheckOptions) -> dict[str, Any]:
    return {f"check.{name}": value for name, value in asdict(options).items()}


def provider_fields(provider: Provider) -> dict[str, Any]:
    """The provider's comparable fields, defaults filled in; unset optional fields are absent."""
    fields: dict[str, Any] = {
        "name": provider.name,
        "type": provider.type,
        "base_url": provider.effective_base_url,
        "api_key": _keys(provider),
        "api_version": provider.api_version,
        "enabled": provider.enabled,
        "notes": provider.notes,
    }
    if provider.tags:
        fields["tags"] = sorted(provider.tags)  # labels: their order means nothing
    for name, value in sorted((provider.headers or {}).items()):
        fields[f"headers.{name}"] = WrittenSecret(value) if is_secret_header(name) else value
    fields.update(_check_fields(provider.check_options))
    return {k: v for k, v in fields.items() if v is not None}


def model_fields(spec: ModelSpec, provider_id: str) -> dict[str, Any]:
    """A model's comparable fields: the name and group the app would show, capabilities as a set."""
    fields: dict[str, Any] = {
        "name": spec.name or spec.id,
        "group": spec.group or default_group(spec.id, provider_id),
        "capabilities": sorted(spec.capabilities) if spec.capabilities else None,
        "endpoint_type": spec.endpoint_type,
        "description": spec.description,
    }
    return {k: v for k, v in fields.items() if v is not None}


def provider_state(provider: Provider) -> ProviderState:
    pid = provider.provider_id
    models = {m.id: model_fields(m, pid) for m in provider.model_specs}
    return ProviderState(pid, provider_fields(provider), models)


def file_states(
    providers_file: ProvidersFile, only: Iterable[str] | None = None
) -> dict[str, ProviderState]:
    """Every provider of the file by id, in file order (just the ids in ``only``, when given)."""
    wanted = None if only is None else set(only)
    return {
        p.provider_id: provider_state(p)
        for p in providers_file.providers
        if wanted is None or p.provider_id in wanted
    }


# -------------------------------------------------------------------------------- added entries


def _defaults(change: Change) -> Mapping[str, Any]:
    """The fields an entry of the same identity has when nothing else is written."""
    after = change.after or {}
    if change.kind == "model" and change.model is not None:
        return model_fields(ModelSpec(id=change.model), change.provider)
    bare = Provider.from_data({"name": after.get("name"), "type": after.get("type")})
    return provider_fields(bare)


def trim_added(changes: Sequence[Change]) -> list[Change]:
    """Added entries list only the fields written differently from their defaults (plus a
    provider's name and type): a new model ``- gpt-4o`` shows no name or group, a new provider
    no ``enabled = true``. ``after`` still holds every field."""
    trimmed: list[Change] = []
    for change in changes:
        if change.action == "add" and change.after is not None:
            defaults = _defaults(change)
            kept = tuple(
                f
                for f in change.fields
                if (change.kind == "provider" and f in _IDENTITY)
                or defaults.get(f) != change.after.get(f)
            )
            change = replace(change, fields=kept)
        trimmed.append(change)
    return trimmed


def diff_files(
    old: ProvidersFile, new: ProvidersFile, label: str, only: Iterable[str] | None = None
) -> Plan:
    """The changes that turn ``old`` into ``new``: what a reviewer of the edit needs to see.

    Every provider and model ``old`` has and ``new`` lacks is removed (the ``prune`` of a plan);
    with ``only``, just the providers with those ids are compared.
    """
    ids = None if only is None else set(only)
    before, after = file_states(old, ids), file_states(new, ids)
    changes = diff_states(before, list(after.values()), prune=True)
    return Plan(label, trim_added(changes))
