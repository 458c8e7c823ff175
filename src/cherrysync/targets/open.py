"""Pick the target from whatever ``--target`` / ``--from`` names; imports stay lazy.

| input | read | write |
|---|---|---|
| 2.x data folder or ``cherrystudio.sqlite`` | yes | yes, app closed |
| 2.x backup zip (``metadata.json`` version 7) | yes | no: restoring replaces the database |
| 1.x backup zip, format 5 (``data.json``) | yes | yes: a new zip to restore |
| 1.x backup zip, format 6 (``metadata.json`` version 6) | yes | no: raw LevelDB |
| 1.x data folder (``Local Storage/leveldb``) | yes | no: raw LevelDB |

``auto`` locates the data folder by the app's own rules (:func:`datadir.locate_data_folders`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cherrysync.fileio import read_regular_file
from cherrysync.targets import archive
from cherrysync.targets.base import Target, TargetError
from cherrysync.targets.v2 import datadir

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
APP_NAME = "Cherry Studio"


def open_target(spec: str, *, out: str | None = None, force: bool = False) -> Target:
    """The target ``spec`` names; ``out`` is where apply writes a patched 1.x zip, which
    exists already only with ``force``."""
    path = Path(os.path.abspath(Path(spec).expanduser()))
    if spec != "auto" and _looks_like_zip(path, spec):
        return _open_zip(path, out, force)
    if out:
        raise TargetError("--out applies only to a v1 backup zip target", code=2)
    if spec == "auto":
        return _open_auto()
    if path.is_dir():
        return _open_folder(path)
    from cherrysync.targets.v2.target import DatabaseTarget

    return DatabaseTarget.locate(spec)


def _looks_like_zip(path: Path, spec: str) -> bool:
    if spec.lower().endswith(".zip"):
        return True
    try:
        return read_regular_file(path, 4)[:4] in ZIP_MAGIC
    except OSError:
        return False


def _open_zip(path: Path, out: str | None, force: bool = False) -> Target:
    """Tell the formats apart the way the app's restore does: by ``metadata.json``."""
    with archive.open_zip(path) as zf:
        manifest = archive.read_manifest(zf, path)
    if manifest is None:
        from cherrysync.targets.v1.target import BackupTarget

        return BackupTarget(path, out=Path(out) if out else None, force=force)
    if manifest.app_name != APP_NAME:
        raise TargetError(
            f"{path} is not a Cherry Studio backup (its metadata.json names the app "
            f"{str(manifest.app_name)[:40]!r})"
        )
    if manifest.version == 6:
        from cherrysync.targets.v1 import readonly

        return readonly.direct_backup(path, manifest)
    if manifest.version == 7:
        from cherrysync.targets.v2.backup import BackupArchiveTarget

        return BackupArchiveTarget(path, manifest)
    version = manifest.version
    newer = isinstance(version, int) and not isinstance(version, bool) and version > 7
    raise TargetError(
        f"{path} is a Cherry Studio backup in format {str(version)[:20]}, which cherrysync "
        "does not know (6: Cherry Studio 1.8.1–1.9.12, 7: 2.x)"
        + ("; update cherrysync" if newer else "")
    )


def _open_folder(folder: Path, how: str | None = None) -> Target:
    """A data folder: the 2.x database if there is one, else the 1.x ``localStorage``."""
    if datadir.database_files(folder):
        from cherrysync.targets.v2.target import DatabaseTarget

        return DatabaseTarget.locate(str(folder), how)
    from cherrysync.targets.v1 import readonly

    if datadir.v1_store(folder) is not None:
        return readonly.installation(folder, how)
    if folder.name == "leveldb" and (folder / "CURRENT").is_file():
        return readonly.installation(folder, how, store=folder)
    located = f" ({how})" if how else ""
    raise TargetError(
        f"{folder}{located} holds neither a Cherry Studio 2.x database "
        f"(Data/{datadir.DB_NAME}) nor 1.x data (Local Storage/leveldb); pass --target with "
        "the app's data folder, its cherrystudio.sqlite, or a backup .zip"
    )


def _open_auto() -> Target:
    located = datadir.locate_data_folders(sys.platform, os.environ, Path.home())
    if len(located) > 1:
        listed = "; ".join(f"{loc.folder} ({loc.rule})" for loc in located)
        raise TargetError(
            f"Cherry Studio keeps data in several folders: {listed}; pass --target with the "
            "one of the app you use"
        )
    where = located[0]
    if not where.folder.is_dir():
        raise TargetError(
            f"no Cherry Studio data found: {where.folder} ({where.rule}) does not exist; pass "
            "--target with the app's data folder, its cherrystudio.sqlite, or a backup .zip"
        )
    return _open_folder(where.folder, where.rule)
