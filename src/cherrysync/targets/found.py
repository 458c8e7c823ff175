"""What ``--target`` / ``--from`` turned out to be, and what cherrysync can do with it.

Every target carries a :class:`Found`; ``plan``, ``apply`` and ``import`` print it, so a user who
hands over whatever they have learns what it is ("Cherry Studio 1.x backup, format 6, made with
1.9.10 on 2026-10-02") before reading a plan about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The only way to get a format-5 zip from Cherry Studio 1.8.1+ (reference §3.4).
EXPORT_AS_FILE = "Settings → Data → Export to phone → Export as file"
READ_ONLY = "plan and import, not apply"
V2_DATABASE = "plan, import, and apply while the app is closed"
V1_ZIP = "plan, import, and apply into a new zip to restore"

#: Why a 1.x state that is not a format-5 zip cannot be written, and the way forward.
V1_WAY_FORWARD = (
    f"in Cherry Studio 1.x, {EXPORT_AS_FILE} writes a format-5 zip: apply to that zip, "
    "then restore it (Settings → Data → Restore)"
)


@dataclass(frozen=True)
class Found:
    """One input, described for people.

    ``refusal`` says why ``apply`` cannot write it and what to do instead (None: it can);
    ``how`` names the rule that located it for ``--target auto``, shown with ``-v``.
    """

    what: str
    path: Path
    #: what cherrysync can do with it, e.g. :data:`READ_ONLY`
    can: str
    refusal: str | None = None
    how: str | None = None


def v1_refusal(what: str) -> str:
    """``apply`` to a 1.x state other than a format-5 zip."""
    return (
        f"cherrysync cannot write {what}: it would have to edit the app's LevelDB, which only "
        f"the app may write; {V1_WAY_FORWARD}"
    )


def v2_backup_refusal(what: str) -> str:
    """``apply`` to a 2.x backup zip (reference §4.13)."""
    return (
        f"cherrysync does not write {what}: restoring a 2.x backup replaces the app's whole "
        "database (and with a full backup its files too), losing everything done since the "
        "backup; quit Cherry Studio and apply to its data folder instead (--target auto), "
        "which changes only the providers"
    )
