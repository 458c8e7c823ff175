"""Cherry Studio 1.x target: patch ``llm.providers`` in a backup zip the user just made.

The input is never written. ``apply`` copies every member except ``data.json`` raw into a
private partial file beside the output and renames it into place, so a failed run leaves no
half-written zip; ``data.json`` is streamed through with only the persisted state replaced, so
memory does not grow with the backup (:mod:`.datajson`).
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cherrysync.errors import io_message
from cherrysync.fileio import new_partial, publish, real_destination, same_file
from cherrysync.plan.diff import Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.archive import ZIP_ERRORS
from cherrysync.targets.base import ApplyResult, AppProvider, TargetError
from cherrysync.targets.found import EXPORT_AS_FILE, V1_ZIP, Found
from cherrysync.targets.v1.appmodel import merge_providers
from cherrysync.targets.v1.backupdata import BackupData
from cherrysync.targets.v1.backupzip import DATA_DIR, DATA_JSON, ZipStreamWriter
from cherrysync.targets.v1.datajson import spliced
from cherrysync.targets.v1.planning import custom_providers, plan_state
from cherrysync.targets.v1.source import Source, open_backup


def default_output(path: Path) -> Path:
    """``cherry-studio.202601011200.zip`` -> ``cherry-studio.202601011200.cherrysync.zip``."""
    return path.with_name(f"{path.stem}.cherrysync{path.suffix}")


class BackupTarget:
    """A 1.x backup zip as a :class:`~cherrysync.targets.base.Target`."""

    def __init__(self, path: Path, *, out: Path | None = None, force: bool = False) -> None:
        """``force``: replace an existing output file (never the input)."""
        self.path = path
        self.out = out if out is not None else default_output(path)
        self.force = force
        self.description = f"Cherry Studio 1.x backup {path}"
        #: Providers ``read_custom_providers`` had to skip, for ``import`` to print.
        self.import_warnings: list[str] = []
        self._time_ms: int | None = None

    @property
    def found(self) -> Found:
        when = _utc(self._time_ms)
        made = f", made on {when:%Y-%m-%d}" if when else ""
        return Found(
            f"Cherry Studio 1.x backup, format 5{made}",
            self.path,
            V1_ZIP,
        )

    def _load(self, source: Source) -> BackupData:
        data = source.data()
        self._time_ms = data.time_ms
        return data

    # ------------------------------------------------------------------------- plan

    def _plan(
        self, data: BackupData, providers: list[ResolvedProvider], *, prune: bool
    ) -> tuple[Plan, list[dict[str, Any]]]:
        """The plan and the v1 objects it would write."""
        plan, desired = plan_state(
            data.state,
            providers,
            prune=prune,
            description=self.description,
            target_path=os.path.abspath(self.path),
        )
        if plan.changes:
            plan.notes.append(_restore_note(data.time_ms))
        return plan, desired

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        with open_backup(self.path) as source:
            data = self._load(source)
        return self._plan(data, providers, prune=prune)[0]

    # ------------------------------------------------------------------------- apply

    def _check_output(self) -> None:
        """Before any work: never the input, an existing file only with ``force``."""
        if same_file(self.out, self.path):
            raise TargetError("--out must not be the input backup; it is never overwritten", 2)
        if not self.out.parent.is_dir():
            raise TargetError(f"output folder {self.out.parent} does not exist", 2)
        if self.out.is_dir():
            raise TargetError(f"{self.out} is a folder; --out names the zip to write", 2)
        if os.path.lexists(self.out) and not self.force:
            raise TargetError(_exists(self.out))

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        self._check_output()
        with open_backup(self.path) as source:
            data = self._load(source)
            plan, desired = self._plan(data, providers, prune=prune)
            if plan.blockers:
                raise TargetError("; ".join(plan.blockers))
            if plan.empty:
                return ApplyResult(plan)
            value = data.replacement(merge_providers(data.providers, desired, prune=prune))
            self._write(source, data, value)
        return ApplyResult(plan, output_path=self.out)

    def _write(self, source: Source, data: BackupData, value: bytes) -> None:
        """Every member raw, ``data.json`` streamed with the new persisted state spliced in."""
        out = real_destination(self.out)
        try:
            tmp, fd = new_partial(out)
        except OSError as exc:
            raise TargetError(io_message(out, exc, "write")) from None
        start, end = data.persist_span
        size = data.size - (end - start) + len(value)
        try:
            with os.fdopen(fd, "w+b") as dst:
                writer = ZipStreamWriter(dst)
                for info in source.infos:
                    if info is not source.info:
                        writer.copy_member(source.file, info)
                        continue
                    with source.zf.open(info) as stream:
                        chunks = spliced(stream, data.persist_span, data.size, value)
                        writer.add_stream(DATA_JSON, size, chunks)
                if not any(i.filename.startswith(DATA_DIR) for i in source.infos):
                    writer.add_member(DATA_DIR, b"")  # restore fails without a Data/ entry
                writer.close(source.comment)
                dst.flush()
                os.fsync(dst.fileno())
            publish(tmp, out, overwrite=self.force)
        except ZIP_ERRORS as exc:
            raise TargetError(f"{self.path} is damaged ({exc}); nothing was written") from None
        except FileExistsError:
            raise TargetError(_exists(self.out)) from None
        except OSError as exc:
            raise TargetError(io_message(self.out, exc, "write")) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    # ------------------------------------------------------------------------- import

    def read_custom_providers(self) -> list[AppProvider]:
        """Custom providers in backup order; skipped ones are listed in ``import_warnings``."""
        with open_backup(self.path) as source:
            data = self._load(source)
        providers, self.import_warnings = custom_providers(data.state)
        return providers


def _exists(out: Path) -> str:
    return f"{out} exists; pass --force to overwrite it, or --out to write the zip elsewhere"


def _restore_note(time_ms: int | None) -> str:
    """Restoring replaces the whole app state: say how old the backup is."""
    made = ""
    when = _utc(time_ms)
    if when is not None:
        hours = (datetime.now(tz=UTC) - when).total_seconds() / 3600
        age = f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
        made = f" (made {when:%Y-%m-%d %H:%M} UTC, {age} ago)"
    return (
        "restoring the written zip replaces everything changed in the app since this backup"
        f"{made}; restore it right away, or make a fresh one ({EXPORT_AS_FILE} on 1.8.1 and "
        "later, Backup before) and plan again"
    )


def _utc(time_ms: int | None) -> datetime | None:
    """A backup's ``time`` as a date, or None when absent or out of range."""
    try:
        return None if time_ms is None else datetime.fromtimestamp(time_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
