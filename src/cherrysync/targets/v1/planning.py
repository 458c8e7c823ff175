"""Plans and imports over a 1.x persisted state, whichever file it came from (pure).

A format-5 zip, a format-6 zip and a live installation all yield one
:class:`~cherrysync.targets.v1.backupdata.PersistState`; the plan and the import rules live here
once, and the targets add only what differs: where the state comes from and whether it can be
written.
"""

from __future__ import annotations

from typing import Any

from cherrysync.plan.diff import Change, Plan, ProviderState, diff_states
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.base import AppProvider
from cherrysync.targets.v1.appmodel import (
    app_provider,
    is_builtin,
    key_problems,
    model_refs,
    provider_state,
    v1_provider,
)
from cherrysync.targets.v1.backupdata import PersistState

#: ``_persist.version`` around which the app learnt the ``ollama`` provider type (§2.2).
OLLAMA_TYPE_VERSION = 180


def plan_state(
    state: PersistState,
    providers: list[ResolvedProvider],
    *,
    prune: bool,
    description: str,
    target_path: str,
) -> tuple[Plan, list[dict[str, Any]]]:
    """The plan against ``state`` and the v1 provider objects it would write.

    ``target_path`` is the absolute file or folder the user named (the zip, the data folder),
    never a temp copy the state was read from.
    """
    desired = [v1_provider(p) for p in providers]
    current: dict[str, ProviderState] = {}
    for obj in state.providers:
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            current[obj["id"]] = provider_state(obj)
    plan = Plan(description, target_path=target_path)
    plan.blockers.extend(p for provider in providers for p in key_problems(provider))
    for obj in desired:
        have = current.get(obj["id"])
        if have is not None and have.builtin:
            plan.blockers.append(
                f"provider '{obj['id']}' is a built-in provider in this backup; choose another id"
            )
        if obj["type"] == "ollama" and state.persist_version < OLLAMA_TYPE_VERSION:
            plan.notes.append(
                f"provider '{obj['id']}' uses type ollama, which this app version "
                f"(state version {state.persist_version}) may not know"
            )
    states = [provider_state(obj) for obj in desired]
    plan.changes = diff_states(current, states, prune=prune)
    _check_references(plan, state)
    return plan, desired


def _check_references(plan: Plan, state: PersistState) -> None:
    removed = {(c.provider, c.model) for c in plan.changes if _removes_model(c)}
    if not removed:
        return
    users: dict[tuple[str, str], list[str]] = {}
    for ref in model_refs(state.llm, state.slice("assistants")):
        if (ref.provider, ref.model) in removed:
            users.setdefault((ref.provider, ref.model), []).append(ref.where)
    for (provider, model), where in sorted(users.items()):
        plan.blockers.append(
            f"--prune would remove model '{model}' of provider '{provider}', which is still "
            f"used by {', '.join(where)}; pick another model there in the app and export a "
            "fresh zip, or keep the model in the file"
        )


def _removes_model(change: Change) -> bool:
    return change.action == "remove" and change.kind == "model"


def custom_providers(state: PersistState) -> tuple[list[AppProvider], list[str]]:
    """Custom providers in the app's order, and warnings for the ones that had to be skipped."""
    result: list[AppProvider] = []
    warnings: list[str] = []
    for obj in state.providers:
        if not isinstance(obj, dict) or is_builtin(obj):
            continue
        provider, notes = app_provider(obj)
        warnings.extend(notes)
        if provider is not None:
            result.append(provider)
    return result, warnings
