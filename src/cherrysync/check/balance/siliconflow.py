"""SiliconFlow: ``GET /v1/user/info``, ``data.totalBalance`` as a decimal string.

The route may be retired on the China platform (provider-apis.md §6.5): a 404, a non-JSON body
or missing fields are "not available", like every other problem here.
"""

from __future__ import annotations

from typing import ClassVar

from cherrysync.check.balance.base import AccountAmountBalance
from cherrysync.check.dialects.metadata import SILICONFLOW_HOSTS


class SiliconFlowBalance(AccountAmountBalance):
    name = "siliconflow"
    hosts: ClassVar[dict[str, str]] = dict.fromkeys(SILICONFLOW_HOSTS, "")
    label = "SiliconFlow"
    route = "/v1/user/info"
    amount_field = "totalBalance"
    usd_suffix = ".com"
