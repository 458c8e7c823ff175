"""App targets: one module per way into Cherry Studio, all behind :class:`Target`."""

from cherrysync.targets.base import ApplyResult, AppProvider, Target, TargetError

__all__ = ["AppProvider", "ApplyResult", "Target", "TargetError"]
