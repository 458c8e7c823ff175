"""The outcome of one check: provider x key x model, with exactly the documented statuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

Status = Literal[
    "ok",
    "auth_failed",
    "permission_denied",
    "wrong_base_url",
    "model_missing",
    "rate_limited",
    "quota_exhausted",
    "timeout",
    "unreachable",
    "tls_error",
    "server_error",
    "bad_response",
    "bad_request",
    "not_verifiable",
    "skipped",
]
STATUSES: tuple[str, ...] = get_args(Status)

#: pass: counts as success; warn: shown but does not fail the run; fail: exit code 1.
Level = Literal["pass", "warn", "fail"]


class ProbeFailure(Exception):
    """A request ended in a classified failure. The message is already free of secrets."""

    def __init__(
        self,
        status: Status,
        message: str,
        *,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status: Status = status
        self.message = message
        self.retry_after = retry_after
        self.request_id = request_id


@dataclass
class CheckResult:
    """One line of the report. ``key`` is masked (or None); ``model`` is None for key level."""

    provider: str
    key: str | None
    model: str | None
    status: Status
    message: str
    level: Level = "fail"
    closest: list[str] = field(default_factory=list)
    latency_ms: int | None = None
    request_id: str | None = None
    retry_after: float | None = None

    def clean(self, value: Callable[[str, int], str]) -> None:
        """Pass every string a server may have supplied through ``value`` (a
        :meth:`~cherrysync.check.redaction.Redactor.value`): all text fields and lists of text,
        fields added later included; only the file's own identifiers and our enums are kept."""
        for item in fields(self):
            if item.name in _OWN_FIELDS:
                continue
            current = getattr(self, item.name)
            limit = _LIMITS.get(item.name, 240)
            if isinstance(current, str):
                setattr(self, item.name, value(current, limit))
            elif isinstance(current, list):
                setattr(
                    self,
                    item.name,
                    [value(v, limit) if isinstance(v, str) else v for v in current],
                )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "provider": self.provider,
            "key": self.key,
            "model": self.model,
            "status": self.status,
            "message": self.message,
            "level": self.level,
        }
        if self.closest:
            data["closest"] = list(self.closest)
        if self.latency_ms is not None:
            data["latency_ms"] = self.latency_ms
        if self.request_id:
            data["request_id"] = self.request_id
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        return data


#: fields that hold only the providers file's identifiers, the masked key or our own enums
_OWN_FIELDS = frozenset({"provider", "key", "model", "status", "level"})
#: the length each cleaned field is cut to (after redaction); others get 240
_LIMITS = {"message": 600, "closest": 120, "request_id": 80}


def default_level(status: Status) -> Level:
    """``ok`` and ``skipped`` pass; everything else fails unless a caller downgrades it."""
    return "pass" if status in ("ok", "skipped") else "fail"
