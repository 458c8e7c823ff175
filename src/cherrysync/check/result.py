"""The outcome of one check: provider x key x model, with exactly the documented statuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass, replace
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
        :meth:`~cherrysync.check.redaction.Redactor.value`): every field, fields added later
        included, down through lists, dicts and nested dataclasses; only the file's own
        identifiers, the masked key and our enums are kept as they are."""
        for item in fields(self):
            if item.name not in _OWN_FIELDS:
                limit = _LIMITS.get(item.name, 240)
                setattr(self, item.name, _cleaned(getattr(self, item.name), value, limit))

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


def _cleaned(data: Any, value: Callable[[str, int], str], limit: int) -> Any:
    """``data`` with every string in it passed through ``value``."""
    if isinstance(data, str):
        return value(data, limit)
    if isinstance(data, list):
        return [_cleaned(v, value, limit) for v in data]
    if isinstance(data, dict):
        return {_cleaned(k, value, limit): _cleaned(v, value, limit) for k, v in data.items()}
    if is_dataclass(data) and not isinstance(data, type):
        changes = {f.name: _cleaned(getattr(data, f.name), value, limit) for f in fields(data)}
        return replace(data, **{k: v for k, v in changes.items() if v is not getattr(data, k)})
    return data


def default_level(status: Status) -> Level:
    """``ok`` and ``skipped`` pass; everything else fails unless a caller downgrades it."""
    return "pass" if status in ("ok", "skipped") else "fail"
