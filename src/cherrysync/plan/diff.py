"""Target-independent plans as data: the diff of two provider states.

Every app target (v2 database, v1 backup) describes the app's current providers and the desired
ones as :class:`ProviderState` values in the same vocabulary; :func:`diff_states` turns them into
:class:`Change` rows that all renderers, ``--detailed-exitcode`` and ``apply`` share. Rendering
lives in :mod:`cherrysync.plan.formats`, so targets never import presentation code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cherrysync.baseurl import display_url
from cherrysync.secrets import Secret

#: a value that is one http(s) URL and nothing else
_URL = re.compile(r"^\s*https?://\S+\s*$", re.IGNORECASE)

Action = Literal["add", "change", "remove"]
Kind = Literal["provider", "model"]


@dataclass(frozen=True)
class ProviderState:
    """One provider as comparable fields plus its models (model id -> fields).

    Field values are JSON-like; secrets are :class:`Secret` so they compare by value but render
    masked. ``builtin`` rows (the app's presets / system providers) are never removed.
    """

    id: str
    fields: Mapping[str, Any]
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    builtin: bool = False


@dataclass(frozen=True)
class Change:
    action: Action
    kind: Kind
    provider: str
    model: str | None
    fields: tuple[str, ...]
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


@dataclass
class Plan:
    """The changes for one target, plus notes (warnings) and blockers (errors that stop apply).

    ``target`` describes the target for people; ``target_path`` is the absolute file it resolved
    to (the database or the backup zip), for tools such as the Ansible module.
    """

    target: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    target_path: str | None = None

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, action: Action) -> int:
        return sum(c.action == action for c in self.changes)


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(k for k in after if before.get(k) != after[k]) + tuple(
        k for k in before if k not in after and before[k] is not None
    )


def diff_states(
    current: Mapping[str, ProviderState],
    desired: Sequence[ProviderState],
    *,
    prune: bool,
) -> list[Change]:
    """Changes that turn ``current`` into ``desired``.

    Providers not in ``desired`` are left alone unless ``prune``, and built-in ones always.
    Models of a managed provider that the file no longer lists are removed only with ``prune``.
    """
    changes: list[Change] = []
    for want in desired:
        have = current.get(want.id)
        if have is None:
            changes.append(
                Change("add", "provider", want.id, None, tuple(want.fields), None, want.fields)
            )
            for model_id, fields in want.models.items():
                changes.append(
                    Change("add", "model", want.id, model_id, tuple(fields), None, fields)
                )
            continue
        changed = _changed(have.fields, want.fields)
        if changed:
            changes.append(
                Change("change", "provider", want.id, None, changed, have.fields, want.fields)
            )
        for model_id, fields in want.models.items():
            old = have.models.get(model_id)
            if old is None:
                changes.append(
                    Change("add", "model", want.id, model_id, tuple(fields), None, fields)
                )
            else:
                delta = _changed(old, fields)
                if delta:
                    changes.append(Change("change", "model", want.id, model_id, delta, old, fields))
        if prune:
            for model_id, fields in have.models.items():
                if model_id not in want.models:
                    changes.append(Change("remove", "model", want.id, model_id, (), fields, None))
    if prune:
        wanted = {p.id for p in desired}
        for provider_id, have in current.items():
            if provider_id not in wanted and not have.builtin:
                changes.append(
                    Change("remove", "provider", provider_id, None, (), have.fields, None)
                )
                for model_id, fields in have.models.items():
                    changes.append(
                        Change("remove", "model", provider_id, model_id, (), fields, None)
                    )
    return changes


# -------------------------------------------------------------------------------- the JSON contract


def json_safe(value: Any) -> Any:
    """JSON-safe value with every secret masked, every URL as
    :func:`~cherrysync.baseurl.display_url` shows it (the app may hold ``user:pass@`` or
    ``?key=`` in a base URL) and NaN or infinities (which JSON cannot hold) as null."""
    if isinstance(value, Secret):
        return value.masked
    if isinstance(value, str) and _URL.match(value):
        return display_url(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    """The documented ``plan --format json`` object (secrets masked)."""
    return {
        "target": plan.target,
        "target_path": plan.target_path,
        "summary": {a: plan.count(a) for a in ("add", "change", "remove")},
        "changes": [
            {
                "action": c.action,
                "kind": c.kind,
                "provider": c.provider,
                "model": c.model,
                "fields": list(c.fields),
                "before": json_safe(c.before),
                "after": json_safe(c.after),
            }
            for c in plan.changes
        ],
        "notes": list(plan.notes),
        "blockers": list(plan.blockers),
    }
