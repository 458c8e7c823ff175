"""Which providers a command works on: ``--provider`` names and ``--tag`` labels.

One decision for every command: ``--provider`` (id or name) and ``--tag`` each narrow the set,
and together they intersect, so ``--provider relay --tag work`` means "relay, if it carries the
tag". Several values of one option are alternatives (``--tag work --tag gpu``: either tag). A
name or tag that matches nothing is an error rather than an empty run: it is almost always a
typo, and an empty ``check`` would pass silently.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from cherrysync.errors import CherrysyncError
from cherrysync.model import Provider, ProvidersFile


class SelectionError(CherrysyncError):
    """A ``--provider`` or ``--tag`` that selects nothing (a usage error, exit 2); the message
    lists what exists."""


def carries(provider: Provider, tags: Collection[str]) -> bool:
    """True when the provider carries at least one of ``tags``."""
    return bool(set(provider.tags or ()) & set(tags))


def _hint(word: str, options: Sequence[str]) -> str:
    import difflib  # only for the hint of a name that selects nothing

    close = difflib.get_close_matches(word, options, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _require_names(providers_file: ProvidersFile, names: Sequence[str]) -> None:
    """Every ``--provider`` value names a provider (by id or name)."""
    unknown = [n for n in names if providers_file.provider(n) is None]
    if unknown:
        ids = [p.provider_id for p in providers_file.providers]
        known = ", ".join(ids) or "none"
        raise SelectionError(
            f"unknown provider {', '.join(unknown)} (known: {known})"
            + (_hint(unknown[0], ids) if len(unknown) == 1 else "")
        )


def _require_tags(tags: Sequence[str], carried: Sequence[str], where: str) -> None:
    """Every ``--tag`` value is carried by some provider; ``where`` ends the message."""
    missing = [t for t in tags if t not in carried]
    if missing:
        listed = ", ".join(carried) or "none"
        raise SelectionError(
            f"no provider carries tag {', '.join(missing)} {where.format(listed)}"
            + (_hint(missing[0], carried) if len(missing) == 1 else "")
        )


def select(
    providers_file: ProvidersFile, names: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[str] | None:
    """Ids of the selected providers in file order; None when nothing narrows the set."""
    if not names and not tags:
        return None
    providers = providers_file.providers
    _require_names(providers_file, names)
    carried = sorted({t for p in providers for t in p.tags or ()})
    _require_tags(tags, carried, "(tags in the file: {})")
    selected = [
        p.provider_id
        for p in providers
        if (not names or p.provider_id in names or p.name in names)
        and (not tags or carries(p, tags))
    ]
    if not selected:
        raise SelectionError(
            f"no provider named {', '.join(names)} carries tag {', '.join(tags)} "
            "(a provider is selected when it matches both the name and a tag)"
        )
    return selected


def select_in_any(versions: Sequence[ProvidersFile], tags: Sequence[str] = ()) -> set[str] | None:
    """Ids of the providers carrying one of ``tags`` in any of several versions of a file; None
    when no tag narrows the set.

    For ``diff``: a provider that gains or loses a tag is compared in both versions (its
    ``tags`` changed), not added or removed. A tag no version carries is an error, as above.
    """
    if not tags:
        return None
    carried = sorted({t for f in versions for p in f.providers for t in p.tags or ()})
    _require_tags(tags, carried, "in either version (tags: {})")
    return {p.provider_id for f in versions for p in f.providers if carries(p, tags)}
