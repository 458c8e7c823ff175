"""Moonshot / Kimi: ``GET /v1/users/me/balance``; the currency comes from the host.

The body carries no currency: the China platform (``.cn``) bills in CNY, the international one
(``.ai``) in USD. Keys belong to one platform, so a key sent to the other one fails like a wrong
key already at the model list.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import AccountAmountBalance


class MoonshotBalance(AccountAmountBalance):
    name = "moonshot"
    hosts: ClassVar[dict[str, str]] = {"api.moonshot.cn": "", "api.moonshot.ai": ""}
    label = "Moonshot"
    route = "/v1/users/me/balance"
    #: cash + voucher
    amount_field = "available_balance"
    usd_suffix = ".ai"
