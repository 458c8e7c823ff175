"""The small interface every app target implements (v2 database, v1 backup zip).

``plan`` compares the file with the app's current state through :mod:`cherrysync.plan.diff`;
``apply`` writes after a backup, atomically; ``read_custom_providers`` feeds ``import``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cherrysync.errors import TargetError
from cherrysync.model import ModelSpec, ProviderType
from cherrysync.plan.diff import Plan
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret

if TYPE_CHECKING:
    from cherrysync.targets.found import Found

__all__ = ["AppProvider", "ApplyResult", "Target", "TargetError"]


@dataclass
class AppProvider:
    """A custom provider as read from the app, in providers-file terms (for ``import``)."""

    id: str
    name: str
    type: ProviderType
    base_url: str | None
    api_keys: list[Secret] = field(default_factory=list)
    api_version: str | None = None
    enabled: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    notes: str | None = None
    models: list[ModelSpec] = field(default_factory=list)
    #: keys the app stores encrypted, which cannot be read back (2.x, reference §4.5)
    encrypted_keys: int = 0


@dataclass
class ApplyResult:
    """What ``apply`` did: where the backup and the written file are, how it committed."""

    plan: Plan
    backup_path: Path | None = None
    output_path: Path | None = None
    transactions: int = 0


class Target(Protocol):
    """One way into the app."""

    #: e.g. "Cherry Studio 2.x database /home/u/.config/CherryStudio/Data/cherrystudio.sqlite"
    description: str

    @property
    def found(self) -> Found:
        """What the input is and what cherrysync can do with it (printed by the commands)."""
        ...

    def plan(self, providers: list[ResolvedProvider], *, prune: bool) -> Plan:
        """Compare the file's providers with the app's current state; never writes."""
        ...

    def apply(self, providers: list[ResolvedProvider], *, prune: bool) -> ApplyResult:
        """Re-plan under a write lock, back up, then write atomically; no-op for an empty plan."""
        ...

    def read_custom_providers(self) -> list[AppProvider]:
        """The app's custom (non built-in) providers, for ``cherrysync import``."""
        ...
