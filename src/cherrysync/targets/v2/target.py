"""The Cherry Studio 2.x target: plan and apply a providers file against ``cherrystudio.sqlite``.

Apply refuses while the app runs or a restore is staged, backs the database up with SQLite's
online backup API, then writes every change in one ``BEGIN IMMEDIATE`` transaction with foreign
keys on; any failure rolls back and leaves the database as it was.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cherrysync.fileio import new_partial, publish
from cherrysync.plan.diff import Change, Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.base import ApplyResult, AppProvider, TargetError
from cherrysync.targets.found import V2_DATABASE, Found
from cherrysync.targets.v2 import datadir, keystate
from cherrysync.targets.v2.changes import Computed, compute, reference_blockers
from cherrysync.targets.v2.dbschema import SchemaInfo, connect, describe_error, introspect
from cherrysync.targets.v2.keystate import KeyState
from cherrysync.targets.v2.reading import reading
from cherrysync.targets.v2.rows import app_provider
from cherrysync.targets.v2.store import model_references, read_state, write


def _migration_mark(path: Path) -> int:
    """The newest applied migration of a database, or -1 when it is not a usable 2.x database."""
    try:
        with reading(path, busy_timeout_ms=1000) as read:
            sql = "SELECT MAX(created_at) FROM __drizzle_migrations"
            value = read.conn.execute(sql).fetchone()[0]
            return int(value) if value is not None else -1
    except (TargetError, sqlite3.Error, ValueError):
        return -1


_READ_FROM_COPY = (
    "{folder} is read-only, so cherrysync read a private copy of the database and its "
    "write-ahead log (removed again); apply needs the folder writable"
)


def _pick_database(files: list[Path], notes: list[str]) -> Path:
    if len(files) == 1:
        return files[0]
    best = max(files, key=_migration_mark)  # max keeps the first (Data/) on a tie
    others = ", ".join(str(f) for f in files if f != best)
    notes.append(f"{best} and {others} both exist; using {best} (the newer migration history)")
    return best


class DatabaseTarget:
    """``cherrystudio.sqlite`` of a Cherry Studio 2.x data folder."""

    busy_timeout_ms = 5000

    def __init__(
        self,
        path: Path,
        *,
        notes: list[str] | None = None,
        platform: str = sys.platform,
        process_check: Callable[[], bool] = datadir.windows_app_running,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """``before_commit`` runs inside the write transaction, after every row is written
        (tests pause there to kill the process and show that nothing was written)."""
        self.path = path
        self.folder = datadir.data_folder_of(path)
        self.notes = list(notes or [])
        self.platform = platform
        self.process_check = process_check
        self.before_commit = before_commit
        self.description = f"Cherry Studio 2.x database {path}"
        self.how: str | None = None
        #: ``apply --wait``: the plan does not warn about the running app, apply waits for it.
        self.waits_for_app = False
        self._shown: list[Change] | None = None
        #: cherrysync's record of the keys it applied here (read with every plan)
        self.keys_path = keystate.state_path(path)
        self.keys = KeyState(self.keys_path)

    @classmethod
    def locate(cls, spec: str, how: str | None = None) -> DatabaseTarget:
        """A data folder (either database location) or a database file."""
        notes: list[str] = []
        path = Path(os.path.abspath(Path(spec).expanduser()))
        if path.is_dir():
            files = datadir.database_files(path)
            if not files:
                raise TargetError(
                    f"{path} holds no {datadir.DB_NAME} (looked in {path / 'Data'} and {path}); "
                    "is it Cherry Studio's data folder? (for 1.x, pass a backup .zip)"
                )
            target = cls(_pick_database(files, notes), notes=notes)
        elif not path.exists():
            raise TargetError(f"--target {spec}: no such file or folder", code=2)
        else:
            target = cls(path, notes=notes)
        target.how = how
        return target

    @property
    def found(self) -> Found:
        what = "Cherry Studio 2.x database"
        if self.path.parent.name != "Data":
            what += " in the early 2.0 location"
        return Found(what, self.path, V2_DATABASE, how=self.how)

    # ----------------------------------------------------------------------- reading

    def _describe(self, info: SchemaInfo) -> None:
        """Name the database by its migration chain once it is read (plan header, import)."""
        self.description = f"Cherry Studio 2.x database {self.path} ({info.schema})"

    def _key_state_notes(self) -> list[str]:
        if self.keys.problem is None:
            return []
        return [
            f"cherrysync's key record {self.keys_path} cannot be used ({self.keys.problem}); keys "
            "the app has encrypted count as changed, and the next apply writes a new record"
        ]

    def _record_keys(
        self, plan: Plan, computed: Computed, providers: list[ResolvedProvider]
    ) -> None:
        """After a successful apply: remember what each managed provider's entries now hold.

        The database is already committed, so a failure here is a note, not an error: at worst
        a later plan shows encrypted keys as changed and the apply after it rewrites them.
        """
        for rp in providers:
            if rp.id in computed.key_entries:
                keys = [k.reveal() for k in rp.api_keys]
                self.keys.record(rp.id, computed.key_entries[rp.id], keys)
        for change in computed.changes:
            if change.kind == "provider" and change.action == "remove":
                self.keys.forget(change.provider)
        try:
            self.keys.save()
        except OSError as exc:
            plan.notes.append(
                f"could not write cherrysync's key record {self.keys_path} ({exc.strerror}); "
                "once the app encrypts these keys, the next plan shows them as changed"
            )

    def activity(self) -> tuple[datadir.Activity | None, datadir.Activity | None]:
        """(the running app, a staged restore): each makes writing unsafe now."""
        running = datadir.app_running(self.folder, self.platform, self.process_check)
        return running, datadir.pending_restore(self.folder)

    def _safety_problem(self, *, for_plan: bool = False) -> str | None:
        running, restore = self.activity()
        if for_plan and self.waits_for_app:
            running = None
        activity = running or restore
        return activity.message if activity else None

    def _compute(
        self,
        conn: sqlite3.Connection,
        info: SchemaInfo,
        providers: list[ResolvedProvider],
        prune: bool,
    ) -> tuple[Plan, Computed]:
        state = read_state(conn, info)
        self.keys = KeyState.load(self.keys_path)
        now = int(time.time() * 1000)
        computed = compute(state, providers, prune=prune, now=now, record=self.keys)
        blocking, informational = model_references(conn, info, computed.removed_models)
        ref_blockers, ref_notes = reference_blockers(blocking, informational)
        self._describe(info)
        plan = Plan(
            self.description,
            computed.changes,
            [*self.notes, *info.notes, *self._key_state_notes(), *computed.notes, *ref_notes],
            [*info.trigger_blockers(), *computed.blockers, *ref_blockers],
            target_path=os.path.abspath(self.path),
        )
        return plan, computed

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        with reading(self.path, self.busy_timeout_ms) as read:
            try:
                info = introspect(self.path, read.conn)
                plan, _ = self._compute(read.conn, info, providers, prune)
            except (sqlite3.Error, UnicodeDecodeError) as exc:
                raise describe_error(self.path, exc) from exc
        if read.copied:
            plan.notes.append(_READ_FROM_COPY.format(folder=self.path.parent))
        problem = self._safety_problem(for_plan=True)
        if problem and not plan.empty:
            plan.notes.append(f"apply will refuse: {problem}")
        self._shown = list(plan.changes)
        return plan

    def read_custom_providers(self) -> list[AppProvider]:
        with reading(self.path, self.busy_timeout_ms) as read:
            try:
                info = introspect(self.path, read.conn)
                state = read_state(read.conn, info)
                self._describe(info)
            except (sqlite3.Error, UnicodeDecodeError) as exc:
                raise describe_error(self.path, exc) from exc
        found = (
            app_provider(row, state.models.get(pid, {}).values())
            for pid, row in state.providers.items()
        )
        return [p for p in found if p is not None]

    # ----------------------------------------------------------------------- writing

    def _check_writable(self) -> None:
        for path in (self.path, self.path.parent):
            if not os.access(path, os.W_OK):
                raise TargetError(
                    f"{path} is read-only; cherrysync needs to write {self.path} and a backup "
                    "next to it (fix the permissions, or run as the user who owns the data folder)"
                )

    def _backup(self) -> Path:
        """An online-backup copy of the database, next to it, named with the UTC time.

        Taken through a second connection while ours holds the write lock: WAL readers see the
        last committed state, which is exactly what the plan was computed from.
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = self.path.with_name(f"{self.path.stem}.{stamp}.cherrysync-backup{self.path.suffix}")
        target = base
        n = 1
        while target.exists():
            n += 1
            target = base.with_name(f"{base.stem}-{n}{base.suffix}")
        partial: Path | None = None
        try:
            # the copy holds every key: private (0600) before SQLite writes its first page
            partial, fd = new_partial(target)
            os.close(fd)
            source = connect(self.path, readonly=True, busy_timeout_ms=self.busy_timeout_ms)
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
            publish(partial, target, overwrite=False)
        except (OSError, sqlite3.Error, TargetError) as exc:
            if partial is not None:
                for leftover in (partial, partial.with_name(partial.name + "-journal")):
                    leftover.unlink(missing_ok=True)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise TargetError(
                f"cannot back up {self.path} to {target}: {reason}; nothing was changed"
            ) from exc
        return target

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        problem = self._safety_problem()
        if problem:
            raise TargetError(f"{self.path} was not changed: {problem}")
        self._check_writable()
        conn = connect(self.path, readonly=False, busy_timeout_ms=self.busy_timeout_ms)
        try:
            return self._apply(conn, providers, prune)
        except sqlite3.IntegrityError as exc:
            raise TargetError(
                f"the database refused the write ({exc}); {self.path} was not changed"
            ) from exc
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise describe_error(self.path, exc) from exc
        finally:
            conn.close()

    def _apply(
        self, conn: sqlite3.Connection, providers: list[ResolvedProvider], prune: bool
    ) -> ApplyResult:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise TargetError(
                f"{self.path} failed SQLite's integrity check ({check[0] if check else '?'}); "
                "restore a backup or let Cherry Studio repair it; nothing was changed"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            info = introspect(self.path, conn)  # under the lock: the schema cannot move now
            plan, computed = self._compute(conn, info, providers, prune)
            if plan.blockers:
                raise TargetError("; ".join(plan.blockers))
            if self._shown is not None and plan.changes != self._shown:
                raise TargetError(
                    f"{self.path} changed since the plan was shown; nothing was written, run "
                    "the command again"
                )
            if computed.writes.empty:
                conn.execute("ROLLBACK")
                self._record_keys(plan, computed, providers)
                return ApplyResult(plan)
            backup = self._backup()
            write(conn, info, computed.writes)
            if self.before_commit is not None:
                self.before_commit()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._record_keys(plan, computed, providers)
        return ApplyResult(plan, backup_path=backup, transactions=1)
