"""one-api and new-api relays: the legacy OpenAI billing routes, answered per relay token.

Remaining = ``hard_limit_usd − total_usage / 100`` (usage comes in hundredths). The unit is
whatever the relay displays (USD by default, but CNY or raw quota units on some sites), so it is
labelled "relay units", never dollars. An unlimited token reports the sentinel 100000000.

Token auth runs before these routes, so an exhausted or expired token gets the same 401 as a
wrong one, at the model list too (provider-apis.md §6.6). new-api's ``/api/usage/token/`` admits
exhausted and expired tokens, so for a refused key it tells the two apart; it sits behind a
strict per-IP rate limit, which is why it is asked only then.
"""

from __future__ import annotations

import asyncio
import time

from cherrysync.check.balance.base import (
    BalanceApi,
    BalanceUnavailable,
    Refusal,
    amount,
    member,
    required_amount,
)
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret

RELAY_UNIT = "relay units"
UNLIMITED = 100_000_000


class OneApiBalance(BalanceApi):
    name = "one-api"

    async def read(self, key: Secret | None) -> Balance:
        base = "/v1/dashboard/billing"
        subscription, usage = await asyncio.gather(
            self.get_object(f"{base}/subscription", key, "relay billing/subscription"),
            self.get_object(f"{base}/usage", key, "relay billing/usage"),
        )
        # a database failure inside the handler is HTTP 200 with an error object
        for what, data in (("subscription", subscription), ("usage", usage)):
            if "object" not in data:
                raise BalanceUnavailable(f"relay billing/{what}: HTTP 200 without 'object'")
        limit = required_amount(subscription, "hard_limit_usd", "relay billing/subscription")
        if limit >= UNLIMITED:
            return Balance(None, RELAY_UNIT, "key")
        left = limit - required_amount(usage, "total_usage", "relay billing/usage") / 100
        return Balance(round(left, 6), RELAY_UNIT, "key", exhausted=left <= 0)


class NewApiBalance(OneApiBalance):
    name = "new-api"

    async def explain_refusal(self, key: Secret | None) -> Refusal | None:
        """An exhausted or expired token, as ``/api/usage/token/`` reports it; None when the
        route cannot tell (unknown or disabled token, rate limit, an older relay)."""
        try:
            body = await self.get_object("/api/usage/token/", key, "new-api /api/usage/token")
            data = member(body, "data", "new-api /api/usage/token")
        except BalanceUnavailable:
            return None
        expires = amount(data.get("expires_at"))
        if expires is not None and 0 < expires < time.time():
            return Refusal("auth_failed", "the relay token has expired (/api/usage/token)")
        left = amount(data.get("total_available"))
        if data.get("unlimited_quota") is True or left is None or left > 0:
            return None
        return Refusal(
            "quota_exhausted",
            "the relay token's quota is used up (/api/usage/token reports 0 left)",
            Balance(left, "quota units", "key", exhausted=True),
        )
