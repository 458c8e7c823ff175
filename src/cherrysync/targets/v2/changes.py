"""From the database's current rows and the file's providers to a plan and the row writes that
carry it out. Pure: the caller reads the state and the references and does the writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS
from cherrysync.plan.diff import Change, ProviderState, diff_states
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.v2 import orderkey
from cherrysync.targets.v2.apikeys import NO_RECORD, KeyRecord, envelope_counts
from cherrysync.targets.v2.rows import (
    Row,
    desired_model,
    desired_provider,
    dropped_capabilities,
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
    notes: list[str] = field(default_factory=list)
    #: the ``api_keys`` each managed provider ends up with (for cherrysync's key record)
    key_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


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


@dataclass
class _Desired:
    """The file's managed providers as rows (what gets written) and as states (what is diffed)."""

    providers: dict[str, Row] = field(default_factory=dict)
    models: dict[str, dict[str, Row]] = field(default_factory=dict)
    states: list[ProviderState] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _refusal(rp: ResolvedProvider, existing: Row | None) -> str | None:
    """Why cherrysync must not manage this provider of the file, or None."""
    if rp.id in BUILTIN_PROVIDER_IDS or (existing is not None and is_builtin_row(existing)):
        return (
            f"provider id '{rp.id}' is a built-in (preset) provider of the app; cherrysync "
            "manages custom providers only, so give it another id"
        )
    if "::" in rp.id:
        return f"provider id '{rp.id}' must not contain '::'"
    return None


def _capability_notes(rp: ResolvedProvider) -> list[str]:
    """Capabilities of the file that a 2.x model cannot hold: said, then left out."""
    return [
        f"provider '{rp.id}' model '{m.id}': capability {cap} does not exist in Cherry Studio "
        "2.x (web search is a provider tool there, and the app rejects unknown capabilities); "
        "it is not written"
        for m in rp.models
        for cap in dropped_capabilities(m)
    ]


def _key_notes(rp: ResolvedProvider, existing: Row | None, record: KeyRecord) -> list[str]:
    """Say when stored keys are envelopes: compared by record, or replaced for want of one."""
    if existing is None:
        return []
    keys = [k.reveal() for k in rp.api_keys]
    sealed, unknown = envelope_counts(rp.id, keys, existing.get("api_keys"), record)
    if not sealed:
        return []
    notes = [
        f"provider '{rp.id}': {sealed} stored key(s) encrypted by Cherry Studio; compared with "
        "cherrysync's record of what it last applied to this database"
    ]
    if unknown:
        notes.append(
            f"provider '{rp.id}': {unknown} encrypted key(s) are not in that record as one of "
            "the file's keys (changed in the app, or applied by another tool); apply replaces "
            "them with the file's keys, written in plaintext for the app to encrypt at its next "
            "start"
        )
    return notes


def _desired(
    state: DbState,
    providers: Sequence[ResolvedProvider],
    blockers: list[str],
    record: KeyRecord,
) -> _Desired:
    """Rows for every provider the file may manage; a blocker for each one it may not."""
    want = _Desired()
    for rp in providers:
        existing = state.providers.get(rp.id)
        refusal = _refusal(rp, existing)
        if refusal is not None:
            blockers.append(refusal)
            continue
        row = desired_provider(rp, existing, record)
        models = {m.id: desired_model(rp.id, m) for m in rp.models}
        want.notes.extend(_capability_notes(rp))
        want.notes.extend(_key_notes(rp, existing, record))
        want.providers[rp.id] = row
        want.models[rp.id] = models
        want.states.append(
            ProviderState(
                rp.id, provider_fields(row), {mid: model_fields(m) for mid, m in models.items()}
            )
        )
    return want


class _RowWriter:
    """Turns each change into row writes; new rows get order keys in the order of the changes."""

    def __init__(
        self,
        state: DbState,
        want: _Desired,
        changes: Sequence[Change],
        blockers: list[str],
        now: int,
    ) -> None:
        self.state = state
        self.want = want
        self.blockers = blockers
        self.now = now
        self.writes = WriteSet()
        self.removed: list[str] = []
        self.provider_keys = _Keys(
            _max_key(r.get("order_key") for r in state.providers.values()),
            "the provider list",
            blockers,
        )
        self.model_keys: dict[str, _Keys] = {}
        #: their models go with them (the delete cascades), so they get no delete of their own
        self.removed_providers = {
            c.provider for c in changes if c.kind == "provider" and c.action == "remove"
        }

    def write(self, change: Change) -> None:
        if change.kind == "provider":
            self._provider(change)
        else:
            self._model(change)

    def _provider(self, change: Change) -> None:
        pid = change.provider
        if change.action == "add":
            row = new_provider_row(
                pid, self.want.providers[pid], self.provider_keys.next(), self.now
            )
            self.writes.insert_providers.append(row)
        elif change.action == "change":
            update = {f: self.want.providers[pid][f] for f in change.fields}
            self.writes.update_providers.append((pid, {**update, "updated_at": self.now}))
        else:
            self.writes.delete_providers.append(pid)

    def _model(self, change: Change) -> None:
        pid, mid = change.provider, change.model
        assert mid is not None
        existing = self.state.models.get(pid, {}).get(mid)
        # address existing rows by their stored id, whatever form the app gave it
        row_id = str(existing["id"]) if existing else model_row_id(pid, mid)
        if change.action == "add":
            row = self.want.models[pid][mid]
            self.writes.insert_models.append(
                new_model_row(pid, mid, row, self._model_key(pid), self.now)
            )
        elif change.action == "change":
            update = {f: self.want.models[pid][mid][f] for f in change.fields}
            self.writes.update_models.append((row_id, {**update, "updated_at": self.now}))
        else:
            self.removed.append(row_id)
            if pid not in self.removed_providers:
                self.writes.delete_models.append(row_id)

    def _model_key(self, pid: str) -> str:
        if pid not in self.model_keys:
            last = _max_key(m.get("order_key") for m in self.state.models.get(pid, {}).values())
            self.model_keys[pid] = _Keys(last, f"provider '{pid}' models", self.blockers)
        return self.model_keys[pid].next()


def compute(
    state: DbState,
    providers: Sequence[ResolvedProvider],
    *,
    prune: bool,
    now: int,
    record: KeyRecord = NO_RECORD,
) -> Computed:
    """Diff the file against ``state`` and derive every insert, update and delete.

    ``record`` is cherrysync's record of the keys it applied, for keys the app has encrypted.
    """
    blockers: list[str] = []
    want = _desired(state, providers, blockers, record)
    changes = diff_states(current_states(state), want.states, prune=prune)
    writer = _RowWriter(state, want, changes, blockers, now)
    for change in changes:
        writer.write(change)
    keys = {pid: list(row["api_keys"]) for pid, row in want.providers.items()}
    return Computed(changes, writer.writes, blockers, writer.removed, want.notes, keys)


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
