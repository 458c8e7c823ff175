"""The small interface every balance API implements, and the shared request helper.

A balance API reads the money left behind one key with a plain ``GET`` that spends nothing
(provider-apis.md §6). It never decides whether a key works: the model list did that already.
So every problem here is "balance not available" (:class:`BalanceUnavailable`), reported next to
a passing key check, never a failure of its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from cherrysync.check.http import INVALID, Session, failure_from
from cherrysync.check.result import Balance, ProbeFailure, Status
from cherrysync.secrets import Secret


class BalanceUnavailable(Exception):
    """The balance could not be read; the message (secret-free) says why, ``status`` how an
    error reply classifies (``auth_failed`` for a 401)."""

    def __init__(self, message: str, status: Status | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Refusal:
    """Why a relay refused a key: what a balance route can tell beyond the 401."""

    status: Status
    message: str
    balance: Balance | None = None


def amount(value: Any) -> float | None:
    """A number, or a decimal string (DeepSeek, SiliconFlow, Vercel); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            number = float(Decimal(value.strip()))
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


class BalanceApi(ABC):
    """One provider family's balance route(s), relative to the API root."""

    name: ClassVar[str]
    #: official host -> the path of the API root on it; a provider there uses this API
    hosts: ClassVar[dict[str, str]] = {}
    #: The provider's model list answers without checking the key, so a refusal here is the
    #: first word on the key (OpenRouter).
    proves_key: ClassVar[bool] = False

    def __init__(self, session: Session, root: str, host: str, extra: dict[str, str]) -> None:
        self.session = session
        self.root = root
        self.host = host
        self.extra = extra

    @abstractmethod
    async def read(self, key: Secret | None) -> Balance:
        """The balance behind ``key``; raises :class:`BalanceUnavailable`."""

    async def explain_refusal(self, key: Secret | None) -> Refusal | None:
        """For a key the model list refused: a better reason, if this API can tell one."""
        return None

    def headers(self, key: Secret | None) -> dict[str, str]:
        """Every balance route of §6 takes the key as a Bearer token."""
        auth = {"Authorization": f"Bearer {key.reveal()}"} if key is not None else {}
        return {**self.extra, **auth}

    async def get_object(self, path: str, key: Secret | None, what: str) -> dict[str, Any]:
        """``GET root + path``: the JSON object of a 2xx reply, else :class:`BalanceUnavailable`."""
        try:
            reply = await self.session.request(
                "GET", self.root + path, headers=self.headers(key), phase="list"
            )
        except ProbeFailure as failure:
            raise BalanceUnavailable(f"{what}: {failure.message}") from None
        if not 200 <= reply.status < 300:
            refused = failure_from(reply, phase="list", kind="openai", what=what)
            raise BalanceUnavailable(refused.message, refused.status)
        data = reply.data
        if reply.html or data is INVALID or not isinstance(data, dict):
            raise BalanceUnavailable(f"{what}: HTTP {reply.status} without a JSON object")
        return data


def member(data: dict[str, Any], name: str, what: str) -> dict[str, Any]:
    """``data[name]`` as an object, else :class:`BalanceUnavailable`."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise BalanceUnavailable(f"{what}: the reply has no '{name}' object")
    return value


def required_amount(data: dict[str, Any], name: str, what: str) -> float:
    value = amount(data.get(name))
    if value is None:
        raise BalanceUnavailable(f"{what}: '{name}' is not a number")
    return value


class AccountAmountBalance(BalanceApi):
    """A route whose ``data.<amount_field>`` is the account's balance, in USD on the host that
    ends in ``usd_suffix`` (the international platform) and in CNY on the China one."""

    label: ClassVar[str]
    route: ClassVar[str]
    amount_field: ClassVar[str]
    usd_suffix: ClassVar[str]

    async def read(self, key: Secret | None) -> Balance:
        """At or below 0 the API refuses calls: the key is exhausted."""
        what = f"{self.label} {self.route}"
        data = member(await self.get_object(self.route, key, what), "data", what)
        value = required_amount(data, self.amount_field, what)
        currency = "USD" if self.host.endswith(self.usd_suffix) else "CNY"
        return Balance(value, currency, "account", exhausted=value <= 0)
