"""A Cherry Studio 2.x backup zip (format 7, reference §4.13): read, never written.

The zip's database is sealed (checkpointed, no WAL), so it reads like a closed app's database.
Only that one member is unpacked, into a private 0600 file in a fresh 0700 temp folder that is
removed as soon as the plan or import is done; the rest of the zip (files, IndexedDB) is never
touched. ``apply`` refuses: restoring a backup replaces the app's whole database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cherrysync.fileio import private_temp_folder, temp_shortage
from cherrysync.plan.diff import Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets import archive
from cherrysync.targets.base import ApplyResult, AppProvider, TargetError
from cherrysync.targets.found import READ_ONLY, Found, v2_backup_refusal
from cherrysync.targets.v2.target import DatabaseTarget

#: The database: ``Data/`` in every released 2.x, the zip root in the older accepted layout.
DB_MEMBERS = ("Data/cherrystudio.sqlite", "cherrystudio.sqlite")
MAX_DB_BYTES = 16 << 30


class BackupArchiveTarget:
    """A format-7 zip as a read-only :class:`~cherrysync.targets.base.Target`."""

    def __init__(self, path: Path, manifest: archive.Manifest) -> None:
        self.path = path
        made = manifest.made()
        what = "Cherry Studio 2.x backup, format 7" + (f", {made}" if made else "")
        self.found = Found(what, path, READ_ONLY, v2_backup_refusal("a 2.x backup"))
        self.description = f"Cherry Studio 2.x backup {path}"

    def _extract(self, folder: Path) -> tuple[Path, str]:
        with archive.open_zip(self.path) as zf:
            members = {archive.member_name(i): i for i in zf.infolist()}
            name = next((n for n in DB_MEMBERS if n in members), None)
            if name is None:
                raise TargetError(
                    f"{self.path} is a 2.x backup without {DB_MEMBERS[0]}; it holds no providers"
                )
            info = members[name]
            if shortage := temp_shortage(folder, info.file_size):
                raise TargetError(f"reading the database of {self.path} {shortage}")
            database = folder / "cherrystudio.sqlite"
            archive.extract_member(zf, info, database, MAX_DB_BYTES)
        return database, name

    @contextmanager
    def _database(self) -> Iterator[DatabaseTarget]:
        """The zip's database as a closed app's, in a private temp folder removed afterwards."""
        with private_temp_folder() as tmp:
            database, name = self._extract(Path(tmp))
            try:
                yield DatabaseTarget(database)
            except TargetError as exc:
                where = f"{name} in {self.path}"
                raise TargetError(exc.message.replace(str(database), where), exc.code) from None

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        with self._database() as target:
            plan = target.plan(providers, prune=prune)
        plan.target = self.description
        plan.target_path = os.path.abspath(self.path)  # the zip, not the deleted temp database
        if plan.changes:
            plan.notes.append(f"apply will refuse: {self.found.refusal}")
        return plan

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        raise TargetError(self.found.refusal or "a 2.x backup cannot be written")

    def read_custom_providers(self) -> list[AppProvider]:
        with self._database() as target:
            return target.read_custom_providers()
