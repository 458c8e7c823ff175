"""The outcome of one check: provider x key x model, with exactly the documented statuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, is_dataclass, replace
from types import MappingProxyType
from typing import Any, Literal, get_args

Status = Literal[
    "ok",
    "auth_failed",
    "permission_denied",
    "wrong_base_url",
    "model_missing",
    "rate_limited",
    "quota_exhausted",
    "low_balance",
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
LEVELS: tuple[str, ...] = get_args(Level)

#: Field metadata: the field holds only the providers file's identifiers, a masked key or our
#: own vocabulary (statuses, rules), so :meth:`CheckResult.clean` keeps it as it is. Every other
#: field, nested ones and fields added later included, is server text until cleaned.
OWN: Mapping[str, Any] = MappingProxyType({"own": True})


def limit(length: int) -> Mapping[str, Any]:
    """Field metadata: :meth:`CheckResult.clean` cuts the field's strings to ``length``
    (after redaction); fields without it get 240."""
    return MappingProxyType({"limit": length})


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


@dataclass(frozen=True)
class Balance:
    """Money left, as the provider reports it (no conversion between currencies).

    ``amount`` is None for an unlimited relay token; ``scope`` says whose money it is: the key's
    own cap or grant (OpenRouter ``limit_remaining``, relay tokens) or the whole account.
    """

    amount: float | None
    currency: str
    scope: Literal["key", "account"] = field(default="account", metadata=OWN)
    #: the provider says this money no longer pays for calls (nothing left, DeepSeek's
    #: ``is_available: false``): below any ``min_balance``
    exhausted: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency, "scope": self.scope}

    def text(self) -> str:
        """``balance 12.50 CNY`` for an account, ``2.50 USD left on the key`` for a key's own
        cap or grant, ``no limit on the key`` for an unlimited relay token."""
        if self.amount is None:
            return "no limit on the key" if self.scope == "key" else "balance unlimited"
        figure = f"{self.amount:.2f} {self.currency}"
        return f"{figure} left on the key" if self.scope == "key" else f"balance {figure}"


@dataclass(frozen=True)
class Finding:
    """A warning attached to a result that does not fail it (``capability-mismatch``, ...)."""

    rule: str = field(metadata=OWN)
    message: str


@dataclass
class CheckResult:
    """One line of the report. ``key`` is masked (or None); ``model`` is None for key level."""

    provider: str = field(metadata=OWN)
    key: str | None = field(metadata=OWN)
    model: str | None = field(metadata=OWN)
    status: Status = field(metadata=OWN)
    message: str = field(metadata=limit(600))
    level: Level = field(default="fail", metadata=OWN)
    closest: list[str] = field(default_factory=list, metadata=limit(120))
    latency_ms: int | None = None
    request_id: str | None = field(default=None, metadata=limit(80))
    retry_after: float | None = None
    balance: Balance | None = None
    findings: list[Finding] = field(default_factory=list)
    #: position of the key in the provider's ``api_key`` list (None without a key); the
    #: history file identifies keys by it, never by their text or mask
    key_index: int | None = None

    def warn(self, rule: str, message: str) -> None:
        """Attach a warning: it joins the message, and a passing result becomes a warning."""
        self.findings.append(Finding(rule, message))
        self.message = f"{self.message}; {rule}: {message}" if self.message else message
        if self.level == "pass":
            self.level = "warn"

    @property
    def rule(self) -> str:
        """What an annotation is about: the status, or the first warning of a passing check."""
        if self.status == "ok" and self.findings:
            return self.findings[0].rule
        return self.status

    def clean(self, value: Callable[[str, int], str]) -> None:
        """Pass every string a server may have supplied through ``value`` (a
        :meth:`~cherrysync.check.redaction.Redactor.value`): every field, fields added later
        included, down through lists, dicts and nested dataclasses; only fields marked
        :data:`OWN` (the file's identifiers, the masked key, our enums) are kept as they are."""
        for item in _server_fields(self):
            length = item.metadata.get("limit", 240)
            setattr(self, item.name, _cleaned(getattr(self, item.name), value, length))

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
        if self.balance is not None:
            data["balance"] = self.balance.as_dict()
        if self.findings:
            data["warnings"] = [{"rule": f.rule, "message": f.message} for f in self.findings]
        return data


def _server_fields(data: Any) -> list[Field[Any]]:
    """The fields of a dataclass instance that are not marked :data:`OWN`."""
    return [f for f in fields(data) if not f.metadata.get("own")]


def _cleaned(data: Any, value: Callable[[str, int], str], length: int) -> Any:
    """``data`` with every string in it passed through ``value``."""
    if isinstance(data, str):
        return value(data, length)
    if isinstance(data, list):
        return [_cleaned(v, value, length) for v in data]
    if isinstance(data, dict):
        return {_cleaned(k, value, length): _cleaned(v, value, length) for k, v in data.items()}
    if is_dataclass(data) and not isinstance(data, type):
        changes = {
            f.name: _cleaned(getattr(data, f.name), value, length) for f in _server_fields(data)
        }
        return replace(data, **{k: v for k, v in changes.items() if v is not getattr(data, k)})
    return data


def default_level(status: Status) -> Level:
    """``ok`` and ``skipped`` pass; everything else fails unless a caller downgrades it."""
    return "pass" if status in ("ok", "skipped") else "fail"
