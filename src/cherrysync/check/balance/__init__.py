"""Balances and quotas without spending a token: one module per balance API family.

:data:`BALANCE_APIS` is the one list of them, by the names ``check.balance`` accepts
(:data:`cherrysync.model.BALANCE_API_NAMES`). Which one a provider uses is decided once, by
:func:`balance_api`: the name in the file, else the official host, else the ``new-api`` type.
A provider with none gets no extra request.

:class:`BalanceReader` folds what it reads into the key's result: a figure in the message and
``balance`` in JSON, ``low_balance`` below ``check.min_balance``, and a ``balance-unavailable``
warning when a threshold is set but the balance cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass

from cherrysync.check.balance.base import BalanceApi, BalanceUnavailable
from cherrysync.check.balance.deepseek import DeepSeekBalance
from cherrysync.check.balance.moonshot import MoonshotBalance
from cherrysync.check.balance.openrouter import OpenRouterBalance
from cherrysync.check.balance.relay import NewApiBalance, OneApiBalance
from cherrysync.check.balance.siliconflow import SiliconFlowBalance
from cherrysync.check.balance.vercel import VercelBalance
from cherrysync.check.dialects import Dialect
from cherrysync.check.http import last_exchange_ms, start_timing
from cherrysync.check.result import Balance, CheckResult, default_level
from cherrysync.check.urls import Endpoint
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret

BALANCE_APIS: dict[str, type[BalanceApi]] = {
    cls.name: cls
    for cls in (
        OpenRouterBalance,
        DeepSeekBalance,
        MoonshotBalance,
        SiliconFlowBalance,
        OneApiBalance,
        NewApiBalance,
        VercelBalance,
    )
}


def balance_api(provider: ResolvedProvider, endpoint: Endpoint) -> type[BalanceApi] | None:
    """The provider's balance API: named in the file, recognised by host or type, or None."""
    named = provider.spec.check_options.balance
    if named is not None:
        return BALANCE_APIS[named]
    for api in BALANCE_APIS.values():
        if endpoint.host in api.hosts:
            return api
    return NewApiBalance if provider.spec.type == "new-api" else None


def api_root(api: type[BalanceApi], endpoint: Endpoint) -> str:
    """Where the API's routes live: its known root on an official host, else the server root
    of the base URL (a relay or mirror serves the routes where it serves ``/v1``)."""
    official = api.hosts.get(endpoint.host)
    if official is not None:
        return endpoint.server + official
    return endpoint.root if endpoint.kind == "openai" else endpoint.server


@dataclass
class BalanceReader:
    """Reads one provider's balance per key; ``api`` None only when a threshold is set for a
    provider without a known balance API (the key then carries a warning saying so)."""

    api: BalanceApi | None
    min_balance: float | None

    async def fold(self, head: CheckResult, key: Secret | None) -> None:
        """Add the balance of a key whose model list passed to its result ``head``."""
        if self.api is None or key is None:
            if self.min_balance is not None:
                reason = (
                    "no balance API is known for this provider; name one with check.balance"
                    if self.api is None
                    else "the provider has no key to read a balance for"
                )
                head.warn("balance-unavailable", f"min_balance is set, but {reason}")
            return
        start_timing()
        try:
            balance = await self.api.read(key)
        except Exception as exc:  # a balance only ever adds to a key check that passed
            reason = exc.message if isinstance(exc, BalanceUnavailable) else type(exc).__name__
            refused = isinstance(exc, BalanceUnavailable) and exc.status == "auth_failed"
            if refused and self.api.proves_key:  # the list did not look at the key; this did
                head.status, head.level = "auth_failed", "fail"
                head.message = f"the model list is public; the key is refused: {reason}"
                return
            if self.min_balance is not None:
                head.warn("balance-unavailable", reason)
            else:
                head.message += f"; balance not available: {reason}"
            return
        head.balance = balance
        head.message += f"; {balance.text()}"
        short = self.shortfall(balance)
        if short is not None:
            head.status, head.level = "low_balance", "fail"
            head.message += f" ({short})"
            head.latency_ms = last_exchange_ms() or head.latency_ms

    def shortfall(self, balance: Balance) -> str | None:
        """Why ``balance`` fails the key, or None; without ``min_balance`` it only informs."""
        if self.min_balance is None:
            return None
        if balance.amount is not None and balance.amount < self.min_balance:
            return f"below min_balance {self.min_balance:g}"
        if balance.exhausted:
            return "the provider no longer accepts calls on it"
        return None

    async def explain(self, failed: CheckResult, key: Secret | None) -> None:
        """A relay key refused with 401 may be exhausted or expired rather than wrong."""
        if self.api is None or failed.status != "auth_failed":
            return
        try:
            refusal = await self.api.explain_refusal(key)
        except Exception:  # the 401 stands as it was
            return
        if refusal is not None:
            failed.status, failed.level = refusal.status, default_level(refusal.status)
            failed.message += f"; {refusal.message}"
            failed.balance = refusal.balance


def balance_reader(
    provider: ResolvedProvider, dialect: Dialect, everywhere: bool
) -> BalanceReader | None:
    """The reader for ``provider``, or None when no balance is wanted or none can be read.

    Wanted: ``--balance`` (``everywhere``), or ``check.min_balance`` / ``check.balance`` set.
    """
    options = provider.spec.check_options
    if not (everywhere or options.min_balance is not None or options.balance is not None):
        return None
    api = balance_api(provider, dialect.endpoint)
    if api is None:
        return None if options.min_balance is None else BalanceReader(None, options.min_balance)
    root = api_root(api, dialect.endpoint)
    instance = api(dialect.session, root, dialect.endpoint.host, dict(dialect.extra))
    return BalanceReader(instance, options.min_balance)


__all__ = ["BALANCE_APIS", "BalanceReader", "api_root", "balance_api", "balance_reader"]
