"""Cherry Studio 1.x target: patch ``llm.providers`` in a backup zip the user just made.

The input is never written. ``apply`` streams every member except ``data.json`` raw into a temp
file beside the output and renames it into place, so a failed run leaves no half-written zip.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cherrysync.errors import io_message
from cherrysync.plan.diff import Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.base import ApplyResult, AppProvider, TargetError
from cherrysync.targets.found import EXPORT_AS_FILE, V1_ZIP, Found
from cherrysync.targets.v1.appmodel import merge_providers
from cherrysync.targets.v1.backupdata import BackupData, parse_backup
from cherrysync.targets.v1.backupzip import DATA_DIR, DATA_JSON, ZipStreamWriter
from cherrysync.targets.v1.planning import custom_providers, plan_state

MAX_DATA_JSON = 2 << 30


def default_output(path: Path) -> Path:
    """``cherry-studio.202601011200.zip`` -> ``cherry-studio.202601011200.cherrysync.zip``."""
    return path.with_name(f"{path.stem}.cherrysync{path.suffix}")


@dataclass
class _Loaded:
    data: BackupData
    infos: list[zipfile.ZipInfo]
    comment: bytes


def _read(path: Path) -> _Loaded:
    """Open the backup, check it, decode ``data.json`` (the only member read into memory)."""
    if not path.is_file():
        raise TargetError(f"backup {path} does not exist", code=2)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if DATA_JSON not in names:
                hint = (
                    "; it has metadata.json, so it is a direct backup (format 6 or a 2.x "
                    "backup), which cherrysync reads but does not patch"
                    if "metadata.json" in names
                    else ""
                )
                raise TargetError(f"not a Cherry Studio 1.x backup: no data.json{hint}")
            if names.count(DATA_JSON) > 1:
                raise TargetError("not a Cherry Studio 1.x backup: data.json appears twice")
            info = zf.getinfo(DATA_JSON)
            if info.file_size > MAX_DATA_JSON:
                raise TargetError("data.json is larger than 2 GiB; refusing to load it")
            raw = zf.read(info)
            comment = zf.comment
    except zipfile.BadZipFile as exc:
        raise TargetError(f"{path} is not a valid zip file ({exc})") from None
    # zlib/EOF: damaged deflate data; NotImplementedError: zipfile's word for an unknown
    # compression method; UnicodeDecodeError/ValueError: a damaged central directory.
    except (zlib.error, EOFError, NotImplementedError, UnicodeDecodeError, ValueError) as exc:
        raise TargetError(
            f"{path} is damaged: its zip index or data.json cannot be read "
            f"({type(exc).__name__}); "
            "make a fresh backup in the app"
        ) from None
    except OSError as exc:
        raise TargetError(io_message(path, exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TargetError("not a Cherry Studio 1.x backup: data.json is not UTF-8") from None
    return _Loaded(parse_backup(text), infos, comment)


class BackupTarget:
    """A 1.x backup zip as a :class:`~cherrysync.targets.base.Target`."""

    def __init__(self, path: Path, *, out: Path | None = None) -> None:
        self.path = path
        self.out = out if out is not None else default_output(path)
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

    def _load(self) -> _Loaded:
        loaded = _read(self.path)
        self._time_ms = loaded.data.time_ms
        return loaded

    # ------------------------------------------------------------------------- plan

    def _plan(
        self, loaded: _Loaded, providers: list[ResolvedProvider], *, prune: bool
    ) -> tuple[Plan, list[dict[str, Any]]]:
        """The plan and the v1 objects it would write."""
        plan, desired = plan_state(
            loaded.data.state,
            providers,
            prune=prune,
            description=self.description,
            target_path=os.path.abspath(self.path),
        )
        if plan.changes:
            plan.notes.append(_restore_note(loaded.data.time_ms))
        return plan, desired

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        return self._plan(self._load(), providers, prune=prune)[0]

    # ------------------------------------------------------------------------- apply

    def _check_output(self) -> None:
        if self.out.resolve() == self.path.resolve() or (
            self.out.exists() and os.path.samefile(self.out, self.path)
        ):
            raise TargetError("--out must not be the input backup; it is never overwritten", 2)
        if not self.out.parent.is_dir():
            raise TargetError(f"output folder {self.out.parent} does not exist", 2)

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        self._check_output()
        loaded = self._load()
        plan, desired = self._plan(loaded, providers, prune=prune)
        if plan.blockers:
            raise TargetError("; ".join(plan.blockers))
        if plan.empty:
            return ApplyResult(plan)
        providers_list = merge_providers(loaded.data.providers, desired, prune=prune)
        data_json = loaded.data.patched(providers_list).encode("utf-8")
        self._write(loaded, data_json)
        return ApplyResult(plan, output_path=self.out)

    def _write(self, loaded: _Loaded, data_json: bytes) -> None:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w+b") as dst, self.path.open("rb") as src:
                writer = ZipStreamWriter(dst)
                for info in loaded.infos:
                    if info.filename == DATA_JSON:
                        writer.add_member(DATA_JSON, data_json)
                    else:
                        writer.copy_member(src, info)
                if not any(i.filename.startswith(DATA_DIR) for i in loaded.infos):
                    writer.add_member(DATA_DIR, b"")  # restore fails without a Data/ entry
                writer.close(loaded.comment)
                dst.flush()
                os.fsync(dst.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.out)
        except zipfile.BadZipFile as exc:
            raise TargetError(f"{self.path} is damaged ({exc}); nothing was written") from None
        except OSError as exc:
            raise TargetError(io_message(self.out, exc, "write")) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    # ------------------------------------------------------------------------- import

    def read_custom_providers(self) -> list[AppProvider]:
        """Custom providers in backup order; skipped ones are listed in ``import_warnings``."""
        providers, self.import_warnings = custom_providers(self._load().data.state)
        return providers


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
