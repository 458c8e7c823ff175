"""From the database's current rows and the file's providers to a plan and the row writes that
carry it out. Pure: the caller reads the state and the references and does the writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS
from cherrysync.plan.diff import Change, ProviderState, diff_states
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.v2 import orderkey
from cherrysync.targets.v2.rows import (
    Row,
    desired_model,
    desired_provider,
    is_builtin_row,
    model_fields,
    model_row_id,
    new_model_row,
    new_provider_row,
    provider_fields,
)
from cherrysync.targets.v2.store import DbState, WriteSet


@dataclass
class Computed:
    """The plan's changes, the writes behind them, and what stops them."""

    changes: list[Change]
    writes: WriteSet
    blockers: list[str] = field(default_factory=list)
    removed_models: list[str] = field(default_factory=list)


def current_states(state: DbState) -> dict[str, ProviderState]:
    return {
        pid: ProviderState(
            pid,
            provider_fields(row),
            {mid: model_fields(m) for mid, m in state.models.get(pid, {}).items()},
            builtin=is_builtin_row(row),
        )
        for pid, row in state.providers.items()
    }


def _max_key(keys: Iterable[object]) -> str | None:
    texts = [k for k in keys if isinstance(k, str)]
    return max(texts) if texts else None


class _Keys:
    """Hands out order keys after a scope's current maximum, once that maximum is valid."""

    def __init__(self, last: str | None, scope: str, blockers: list[str]) -> None:
        self.last = last
        self.scope = scope
        self.blockers = blockers
        self.broken = last is not None and not orderkey.is_valid(last)

    def next(self) -> str:
        if self.broken:
            message = (
                f"the last order key of {self.scope} ({self.last!r}) is invalid, so no row can be "
                "appended after it; start Cherry Studio once (it repairs order keys), quit it, "
                "and run the command again"
            )
            if message not in self.blockers:
                self.blockers.append(message)
            return orderkey.FIRST_KEY
        self.last = orderkey.key_after(self.last)
        return self.last


def compute(
    state: DbState,
    providers: Sequence[ResolvedProvider],
    *,
    prune: bool,
    now: int,
) -> Computed:
    """Diff the file against ``state`` and derive every insert, update and delete."""
    blockers: list[str] = []
    managed: dict[str, Row] = {}
    model_rows: dict[str, dict[str, Row]] = {}
    desired: list[ProviderState] = []
    for rp in providers:
        existing = state.providers.get(rp.id)
        if rp.id in BUILTIN_PROVIDER_IDS or (existing is not None and is_builtin_row(existing)):
            blockers.append(
                f"provider id '{rp.id}' is a built-in (preset) provider of the app; cherrysync "
                "manages custom providers only, so give it another id"
            )
            continue
        if "::" in rp.id:
            blockers.append(f"provider id '{rp.id}' must not contain '::'")
            continue
        managed[rp.id] = desired_provider(rp, existing)
        model_rows[rp.id] = {m.id: desired_model(rp.id, m) for m in rp.models}
        desired.append(
            ProviderState(
                rp.id,
                provider_fields(managed[rp.id]),
                {mid: model_fields(row) for mid, row in model_rows[rp.id].items()},
            )
        )
    changes = diff_states(current_states(state), desired, prune=prune)
    writes = WriteSet()
    removed: list[str] = []
    provider_keys = _Keys(
        _max_key(r.get("order_key") for r in state.providers.values()),
        "the provider list",
        blockers,
    )
    model_keys: dict[str, _Keys] = {}
    removed_providers = {
        c.provider for c in changes if c.kind == "provider" and c.action == "remove"
    }
    for change in changes:
        pid = change.provider
        if change.kind == "provider":
            if change.action == "add":
                writes.insert_providers.append(
                    new_provider_row(pid, managed[pid], provider_keys.next(), now)
                )
            elif change.action == "change":
                update = {f: managed[pid][f] for f in change.fields}
                writes.update_providers.append((pid, {**update, "updated_at": now}))
            else:
                writes.delete_providers.append(pid)
            continue
        assert change.model is not None
        existing_model = state.models.get(pid, {}).get(change.model)
        # address existing rows by their stored id, whatever form the app gave it
        row_id = str(existing_model["id"]) if existing_model else model_row_id(pid, change.model)
        if change.action == "add":
            if pid not in model_keys:
                last = _max_key(m.get("order_key") for m in state.models.get(pid, {}).values())
                model_keys[pid] = _Keys(last, f"provider '{pid}' models", blockers)
            row = model_rows[pid][change.model]
            writes.insert_models.append(
                new_model_row(pid, change.model, row, model_keys[pid].next(), now)
            )
        elif change.action == "change":
            update = {f: model_rows[pid][change.model][f] for f in change.fields}
            writes.update_models.append((row_id, {**update, "updated_at": now}))
        else:
            removed.append(row_id)
            if pid not in removed_providers:
                writes.delete_models.append(row_id)
    return Computed(changes, writes, blockers, removed)


def reference_blockers(
    blocking: Mapping[str, list[str]], informational: Mapping[str, list[str]]
) -> tuple[list[str], list[str]]:
    """Blockers for models that must not go, notes for references the delete will clear."""
    blockers = [
        f"cannot remove model '{model}': {reason}; point it at another model in the app first"
        for model, reasons in blocking.items()
        for reason in reasons
    ]
    notes = [
        f"removing model '{model}' clears the model of {', '.join(refs)}"
        for model, refs in informational.items()
    ]
    return blockers, notes
