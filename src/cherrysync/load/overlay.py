"""Merge per-machine overlays into a providers document, keeping every value's position.

One reviewed providers file serves many machines; each machine adds an overlay with only what
differs there. The rules are few on purpose:

* providers are matched by id (an overlay entry's ``id``; a base provider's ``id`` or the slug
  of its ``name``);
* a field an overlay entry sets replaces the field as a whole (``models``, ``headers`` and
  ``check`` included; nothing is merged deeper), so ``enabled: false`` switches a provider off;
* an entry whose id no earlier file has is appended, in overlay order, and must be complete.

The ``id`` is the match key, never replaced: it keeps the position of the first file that wrote
it. Each value keeps the :class:`~cherrysync.load.yamldoc.Position` (file included) of the file
it came from, so diagnostics on the merged document name that file. The same function merges an
overlay into an overlay, and ``merge(merge(a, b), c) == merge(a, merge(b, c))``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from cherrysync.load.yamldoc import Path, Position, YamlDocument
from cherrysync.model import slugify

_PROVIDERS = "providers"


def effective_id(entry: Any) -> str | None:
    """The id an entry is matched by: ``id``, else the slug of ``name``; None for non-entries."""
    if not isinstance(entry, dict):
        return None
    if "id" in entry:
        return entry["id"] if isinstance(entry["id"], str) else None
    name = entry.get("name")
    return slugify(name) if isinstance(name, str) else None


def _providers(document: YamlDocument) -> list[Any] | None:
    """The ``providers`` list ([] when absent); None when there is nothing to merge into."""
    data = document.data
    if not isinstance(data, dict):
        return None
    providers = data.get(_PROVIDERS, [])
    return providers if isinstance(providers, list) else None


Source = tuple[int, int]  # (0 for the base or 1 for the overlay, index in that file's list)


class _Merge:
    """Which file and entry each merged provider and field comes from; tables built at the end.

    Positions are rebuilt in one pass over each input table, so a merge costs the size of the
    two documents, not the size times the number of overlay fields.
    """

    def __init__(self, base_providers: list[Any]) -> None:
        self.providers = list(base_providers)
        self.entry_source: list[Source] = [(0, i) for i in range(len(base_providers))]
        self.field_source: dict[tuple[int, str], Source] = {}
        self.target: dict[int, int] = {}  # overlay entry -> merged provider it went into
        self.index: dict[str, int] = {}
        for i, entry in enumerate(base_providers):
            pid = effective_id(entry)
            if pid is not None:
                self.index.setdefault(pid, i)

    def apply(self, j: int, entry: dict[str, Any]) -> None:
        pid = effective_id(entry)
        if pid is None:
            return
        i = self.index.get(pid)
        if i is None:  # a new provider: appended whole
            self.index[pid] = self.target[j] = len(self.providers)
            self.providers.append(dict(entry))
            self.entry_source.append((1, j))
            return
        self.target[j] = i
        merged = dict(self.providers[i])
        for field, value in entry.items():
            if field == "id" and "id" in merged:
                continue  # the match key keeps the position of the file that first wrote it
            merged[field] = value
            self.field_source[(i, field)] = (1, j)
        self.providers[i] = merged

    def table(
        self, tables: tuple[dict[Path, Position], dict[Path, Position]]
    ) -> dict[Path, Position]:
        """The merged position table from the base's and the overlay's (values or keys)."""
        targets = ({j: j for j in range(len(self.entry_source))}, self.target)
        out: dict[Path, Position] = {}
        for k, table in enumerate(tables):
            for path, pos in table.items():
                if len(path) < 2 or path[0] != _PROVIDERS:
                    if k == 0 or (path == (_PROVIDERS,) and path not in tables[0]):
                        out[path] = pos
                    continue
                j = path[1]
                i = targets[k].get(j) if isinstance(j, int) else None
                if i is None:
                    continue
                owner = self.entry_source[i]
                if len(path) > 2:
                    owner = self.field_source.get((i, str(path[2])), owner)
                if owner == (k, j):
                    out[(_PROVIDERS, i, *path[2:])] = pos
        return out


def merge(base: YamlDocument, overlay: YamlDocument, skip: Collection[int] = ()) -> YamlDocument:
    """``base`` with ``overlay``'s provider entries applied; neither input is changed.

    A base whose ``providers`` is not a list, or an overlay without a ``providers`` list, leaves
    the base unchanged (validation reports them); overlay entries that are not mappings with an
    id, and those listed in ``skip`` (malformed), are left out (the overlay's checks report them).
    """
    base_providers = _providers(base)
    entries = _providers(overlay)
    if base_providers is None or entries is None or _PROVIDERS not in overlay.data:
        return base
    state = _Merge(base_providers)
    for j, entry in enumerate(entries):
        if isinstance(entry, dict) and j not in skip:
            state.apply(j, entry)
    data = {**base.data, _PROVIDERS: state.providers}
    values = state.table((base.values, overlay.values))
    keys = state.table((base.keys, overlay.keys))
    return YamlDocument(data, values, keys)


def merge_all(base: YamlDocument, overlays: Iterable[YamlDocument]) -> YamlDocument:
    """Apply each overlay in order: later files win."""
    for overlay in overlays:
        base = merge(base, overlay)
    return base
