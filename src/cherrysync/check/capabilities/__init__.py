"""What an endpoint reports about a model's capabilities, and how it compares with the file.

Endpoints describe models in many shapes (provider-apis.md §7); :mod:`.parse` reads each shape
into one :class:`ModelInfo` in the file's vocabulary (``vision``, ``function_calling``, ...;
§7.12 maps the app's values onto them). A capability the metadata does not speak about is
*unknown*, never guessed from the model ID, so a comparison only ever uses what was reported.

No HTTP here: ``cherrysync models`` renders these without the checker's transport.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cherrysync.model import CAPABILITIES


def ordered(capabilities: Iterable[str]) -> list[str]:
    """Capabilities in the file's order (``vision, reasoning, embedding, ...``)."""
    present = set(capabilities)
    return [c for c in CAPABILITIES if c in present]


@dataclass(frozen=True)
class ModelInfo:
    """One model as its endpoint describes it.

    ``known`` are the capabilities the metadata speaks about: the model has those in
    ``capabilities`` and lacks the rest of ``known``. ``context_window`` is the input window in
    tokens, when reported.
    """

    capabilities: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()
    context_window: int | None = None

    @property
    def lacks(self) -> frozenset[str]:
        return self.known - self.capabilities

    @property
    def empty(self) -> bool:
        return not self.known and self.context_window is None

    def merge(self, other: ModelInfo) -> ModelInfo:
        """Both sources together; where both speak about a capability, ``other`` wins."""
        known = self.known | other.known
        has = (self.capabilities - other.known) | other.capabilities
        return ModelInfo(frozenset(has), known, other.context_window or self.context_window)

    def as_dict(self) -> dict[str, object]:
        return {
            "capabilities": ordered(self.capabilities),
            "lacks": ordered(self.lacks),
            "context_window": self.context_window,
        }


def flags(**values: bool | None) -> ModelInfo:
    """A ModelInfo from capability -> True (has), False (lacks) or None (unknown)."""
    known = frozenset(name for name, value in values.items() if value is not None)
    has = frozenset(name for name, value in values.items() if value is True)
    return ModelInfo(has, known)


def combine(
    base: Mapping[str, ModelInfo], more: Mapping[str, ModelInfo], only: Collection[str] = ()
) -> dict[str, ModelInfo]:
    """``base`` with ``more`` merged in per model (``more`` wins where both speak); ``only``
    limits what ``more`` adds to those IDs."""
    found = dict(base)
    for model_id, info in more.items():
        if not only or model_id in only:
            found[model_id] = found[model_id].merge(info) if model_id in found else info
    return found


def undescribed(found: Mapping[str, ModelInfo], ids: Iterable[str]) -> list[str]:
    """The IDs whose capabilities ``found`` does not speak about (a window alone is not)."""
    return [i for i in ids if i not in found or not found[i].known]


def mismatch(declared: Sequence[str] | None, info: ModelInfo) -> str | None:
    """What differs between the file's ``capabilities`` and the endpoint's report, or None."""
    mine = set(declared or [])
    omitted = ordered(info.capabilities - mine)
    denied = ordered(mine & info.lacks)
    parts = []
    if omitted:
        parts.append(f"the endpoint reports {', '.join(omitted)}, which the file omits")
    if denied:
        parts.append(f"the file declares {', '.join(denied)}, which the endpoint says it lacks")
    return "; ".join(parts) or None


__all__ = ["ModelInfo", "combine", "flags", "mismatch", "ordered", "undescribed"]
