"""Vercel AI Gateway: ``GET /v1/credits`` → ``balance`` as a decimal string (USD)."""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import BalanceApi, required_amount
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret


class VercelBalance(BalanceApi):
    name = "vercel"
    hosts: ClassVar[dict[str, str]] = {"ai-gateway.vercel.sh": ""}

    async def read(self, key: Secret | None) -> Balance:
        what = "Vercel /v1/credits"
        value = required_amount(await self.get_object("/v1/credits", key, what), "balance", what)
        return Balance(value, "USD", "account", exhausted=value <= 0)
