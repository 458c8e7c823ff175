"""Moonshot / Kimi: ``GET /v1/users/me/balance``; the currency comes from the host.

The body carries no currency: the China platform (``.cn``) bills in CNY, the international one
(``.ai``) in USD. Keys belong to one platform, so a key sent to the other one fails like a wrong
key already at the model list.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import BalanceApi, member, required_amount
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret


class MoonshotBalance(BalanceApi):
    name = "moonshot"
    hosts: ClassVar[dict[str, str]] = {
        "api.moonshot.cn": "https://api.moonshot.cn",
        "api.moonshot.ai": "https://api.moonshot.ai",
    }

    async def read(self, key: Secret | None) -> Balance:
        """``available_balance`` = cash + voucher; at or below 0 the API refuses calls."""
        what = "Moonshot /v1/users/me/balance"
        data = member(await self.get_object("/v1/users/me/balance", key, what), "data", what)
        value = required_amount(data, "available_balance", what)
        currency = "USD" if self.host.endswith(".ai") else "CNY"
        return Balance(value, currency, "account", exhausted=value <= 0)
