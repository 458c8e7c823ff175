"""DeepSeek: ``GET /user/balance``, one entry per currency plus ``is_available``."""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import BalanceApi, BalanceUnavailable, amount
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret


class DeepSeekBalance(BalanceApi):
    name = "deepseek"
    hosts: ClassVar[dict[str, str]] = {"api.deepseek.com": ""}

    async def read(self, key: Secret | None) -> Balance:
        """The currency with the most money (amounts are strings or numbers; accept both);
        ``is_available: false`` means DeepSeek no longer lets the key call the API."""
        what = "DeepSeek /user/balance"
        data = await self.get_object("/user/balance", key, what)
        entries = data.get("balance_infos")
        found: list[tuple[float, str]] = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("currency"), str):
                value = amount(entry.get("total_balance"))
                if value is not None:
                    found.append((value, entry["currency"][:8]))
        if not found:
            raise BalanceUnavailable(f"{what}: no balance_infos with a currency and an amount")
        value, currency = max(found)
        refused = data.get("is_available") is False
        return Balance(value, currency, "account", exhausted=refused or value <= 0)
