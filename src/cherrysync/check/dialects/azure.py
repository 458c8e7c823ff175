"""Azure OpenAI: ``api-key`` header, dated ``api-version`` or the ``/openai/v1`` API.

Deployments cannot be listed with a resource key on current API versions, so the key is proven
by the model catalog and each configured deployment is either probed (opt-in, billable) or
reported as ``not_verifiable``; never as a pass.
"""

from __future__ import annotations

from urllib.parse import quote

from cherrysync.check.dialects.base import Dialect, Listing, ids_from, listing_body
from cherrysync.check.dialects.chat import openai_probe
from cherrysync.model import ModelSpec
from cherrysync.secrets import Secret


class AzureDialect(Dialect):
    kind = "azure"
    unlisted_reason = (
        "deployments cannot be listed with an API key; run with --probe (or set "
        "check.probe) to send one billable one-token request per deployment"
    )

    def auth_headers(self, key: Secret | None) -> dict[str, str]:
        return {"api-key": key.reveal()} if key is not None else {}

    @property
    def _version(self) -> dict[str, str] | None:
        version = self.endpoint.api_version
        return {"api-version": version} if version and not self.endpoint.azure_v1 else None

    async def list_models(self, key: Secret | None) -> Listing:
        what = "model catalog"
        if self.endpoint.azure_v1:
            url = f"{self.endpoint.base}/openai/v1/models"
        else:
            url = f"{self.endpoint.base}/openai/models"
        reply = await self.call("GET", url, key, what=what, phase="list", params=self._version)
        catalog = ids_from(listing_body(reply, what), what)
        return Listing(
            None,
            note=f"the model catalog lists {len(catalog)} models (deployments are not listable)",
            extra={"catalog": catalog},
        )

    async def probe(self, key: Secret | None, model: ModelSpec) -> str:
        if self.endpoint.azure_v1:
            return await openai_probe(
                self, key, model, f"{self.endpoint.base}/openai/v1", body_model=model.id
            )
        base = f"{self.endpoint.base}/openai/deployments/{quote(model.id, safe='')}"
        return await openai_probe(self, key, model, base, body_model=None, params=self._version)
