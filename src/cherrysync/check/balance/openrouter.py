"""OpenRouter: ``/api/v1/key`` (the key's own spending cap) and ``/api/v1/credits``.

``limit_remaining`` is the key's cap, not the account's money (provider-apis.md §6.2). An
uncapped key says nothing about the account, so the account balance is asked of ``/credits``,
which current docs reserve for management keys: an ordinary key gets 403 there, and the balance
is then reported as not available rather than guessed.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import (
    BalanceApi,
    BalanceUnavailable,
    amount,
    member,
    required_amount,
)
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret


class OpenRouterBalance(BalanceApi):
    name = "openrouter"
    hosts: ClassVar[dict[str, str]] = {"openrouter.ai": "/api"}
    proves_key = True  # the model list is public

    async def read(self, key: Secret | None) -> Balance:
        what = "OpenRouter /v1/key"
        info = member(await self.get_object("/v1/key", key, what), "data", what)  # 401: wrong key
        remaining = amount(info.get("limit_remaining"))
        if remaining is not None:
            return Balance(remaining, "USD", "key", exhausted=remaining <= 0)
        what = "OpenRouter /v1/credits"
        try:
            credits = member(await self.get_object("/v1/credits", key, what), "data", what)
        except BalanceUnavailable as exc:
            raise BalanceUnavailable(
                "the key has no spending cap, and the account balance needs a management key "
                f"({exc.message})"
            ) from None
        left = required_amount(credits, "total_credits", what) - required_amount(
            credits, "total_usage", what
        )
        return Balance(left, "USD", "account", exhausted=left <= 0)
