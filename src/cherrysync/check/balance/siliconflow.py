"""SiliconFlow: ``GET /v1/user/info``, ``data.totalBalance`` as a decimal string.

The route may be retired on the China platform (provider-apis.md §6.5): a 404, a non-JSON body
or missing fields are "not available", like every other problem here.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import AccountAmountBalance


class SiliconFlowBalance(AccountAmountBalance):
    name = "siliconflow"
    hosts: ClassVar[dict[str, str]] = {
        "api.siliconflow.cn": "https://api.siliconflow.cn",
        "api.siliconflow.com": "https://api.siliconflow.com",
    }
    label = "SiliconFlow"
    route = "/v1/user/info"
    amount_field = "totalBalance"
    usd_suffix = ".com"
