"""Pick the target module from what ``--target`` names; imports stay lazy."""

from __future__ import annotations

from pathlib import Path

from cherrysync.targets.base import Target, TargetError


def open_target(spec: str, *, out: str | None = None) -> Target:
    """``*.zip`` -> v1 backup; ``auto``, a data folder or a ``.sqlite`` file -> v2 database."""
    if spec.lower().endswith(".zip"):
        from cherrysync.targets.v1.target import BackupTarget

        return BackupTarget(Path(spec), out=Path(out) if out else None)
    if out:
        raise TargetError("--out applies only to a v1 backup zip target", code=2)
    from cherrysync.targets.v2 import DatabaseTarget

    return DatabaseTarget.locate(spec)
