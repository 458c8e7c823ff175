"""Cherry Studio 1.x state cherrysync can read but never write: a format-6 backup zip and a live
installation's ``Local Storage`` LevelDB (reference §3.1, §3.4).

Both hold the same ``persist:cherry-studio`` value as a format-5 ``data.json``, so plans and
imports work exactly as for that zip. Writing would mean editing a LevelDB that only the app may
write, so ``apply`` refuses and names the way to a format-5 zip instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cherrysync.fileio import private_temp_folder
from cherrysync.plan.diff import Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets import archive
from cherrysync.targets.base import ApplyResult, AppProvider, TargetError
from cherrysync.targets.found import READ_ONLY, V1_WAY_FORWARD, Found, v1_refusal
from cherrysync.targets.v1 import localstorage
from cherrysync.targets.v1.backupdata import PersistState, parse_persist
from cherrysync.targets.v1.planning import custom_providers, plan_state

#: Where a format-6 zip keeps the localStorage LevelDB.
ZIP_STORE = "Local Storage/leveldb/"


class StateTarget:
    """A read-only 1.x state; ``load`` returns the ``persist:cherry-studio`` text."""

    def __init__(self, description: str, found: Found, load: Callable[[], str]) -> None:
        self.description = description
        self.found = found
        self._load = load
        self.import_warnings: list[str] = []

    def _state(self) -> PersistState:
        what = self.found.what

        def fail(detail: str) -> TargetError:
            return TargetError(f"{what} at {self.found.path} holds no usable app state: {detail}")

        return parse_persist(self._load(), fail)

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        plan, _ = plan_state(
            self._state(),
            providers,
            prune=prune,
            description=self.description,
            target_path=os.path.abspath(self.found.path),
        )
        if plan.changes:
            plan.notes.append(f"apply will refuse: {self.found.refusal}")
        return plan

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        raise TargetError(self.found.refusal or "this target cannot be written")

    def read_custom_providers(self) -> list[AppProvider]:
        providers, self.import_warnings = custom_providers(self._state())
        return providers


def installation(folder: Path, how: str | None = None, store: Path | None = None) -> StateTarget:
    """A 1.x data folder (``{userData}``), read while the app may run.

    ``store`` is the LevelDB folder when the user named it directly.
    """
    what = "Cherry Studio 1.x installation"
    leveldb = store or folder / "Local Storage" / "leveldb"
    found = Found(what, folder, READ_ONLY, v1_refusal(f"a {what}"), how)
    return StateTarget(
        f"{what} {folder}", found, lambda: localstorage.read_installed_state(leveldb)
    )


def direct_backup(path: Path, manifest: archive.Manifest) -> StateTarget:
    """A format-6 zip: ``metadata.json`` plus raw copies of the app's folders."""
    made = manifest.made()
    what = "Cherry Studio 1.x backup, format 6" + (f", {made}" if made else "")
    found = Found(what, path, READ_ONLY, v1_refusal("a format-6 backup"))
    description = f"Cherry Studio 1.x backup (format 6) {path}"
    return StateTarget(description, found, lambda: _zip_state(path))


def _zip_state(path: Path) -> str:
    """Unpack only ``Local Storage/leveldb`` into a private temp folder and read it there."""
    what = f"the Local Storage LevelDB in {path}"
    localstorage.require_reader(what)
    with private_temp_folder() as tmp:
        copy = Path(tmp)
        _extract_store(path, copy)
        return localstorage.read_store_copy(copy, what)


def _extract_store(path: Path, copy: Path) -> None:
    """The LevelDB files of the zip's ``Local Storage/leveldb/``, within the size budget."""
    budget = localstorage.MAX_STORE_BYTES
    with archive.open_zip(path) as zf:
        for info in zf.infolist():
            name = archive.member_name(info)
            base = name[len(ZIP_STORE) :] if name.startswith(ZIP_STORE) else ""
            if not localstorage.STORE_FILES.match(base):
                continue  # other folders, and LOCK or LOG: LevelDB does not need them
            if info.file_size > budget:
                raise localstorage.too_large(f"{path}: {ZIP_STORE}")
            try:
                budget -= archive.extract_member(zf, info, copy / base, budget)
            except FileExistsError:
                raise TargetError(f"{path} holds {name} twice; not a backup the app made") from None
    if not (copy / "CURRENT").is_file():
        raise TargetError(
            f"{path} is a format-6 backup without a Local Storage LevelDB "
            f"({ZIP_STORE}CURRENT), so it holds no providers; {V1_WAY_FORWARD}"
        )
