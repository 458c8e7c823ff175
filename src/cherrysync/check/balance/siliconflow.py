"""SiliconFlow: ``GET /v1/user/info``, ``data.totalBalance`` as a decimal string.

The route may be retired on the China platform (provider-apis.md §6.5): a 404, a non-JSON body
or missing fields are "not available", like every other problem here.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import BalanceApi, member, required_amount
from cherrysync.check.result import Balance
from cherrysync.secrets import Secret


class SiliconFlowBalance(BalanceApi):
    name = "siliconflow"
    hosts: ClassVar[dict[str, str]] = {
        "api.siliconflow.cn": "https://api.siliconflow.cn",
        "api.siliconflow.com": "https://api.siliconflow.com",
    }

    async def read(self, key: Secret | None) -> Balance:
        what = "SiliconFlow /v1/user/info"
        data = member(await self.get_object("/v1/user/info", key, what), "data", what)
        value = required_amount(data, "totalBalance", what)
        currency = "USD" if self.host.endswith(".com") else "CNY"
        return Balance(value, currency, "account", exhausted=value <= 0)
