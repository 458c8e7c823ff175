"""The checks of one key: its model list, its balance, then every configured model.

The list proves the key and base URL; a model the list names passes without a request of its
own, others get a free lookup or (opt-in) a probe. The provider's first key also compares the
file's capabilities with what the endpoint reports, so a warning appears once per model, not
once per key. Every result carries the latency of the request that decided it.
"""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from cherrysync.check.balance import BalanceReader
from cherrysync.check.capabilities import ModelInfo, mismatch
from cherrysync.check.dialects import Dialect, Listing
from cherrysync.check.http import last_exchange_ms, start_timing
from cherrysync.check.result import CheckResult, ProbeFailure, Status, default_level
from cherrysync.check.settings import Settings, allows_unlisted, probing
from cherrysync.model import ModelSpec
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret


@dataclass
class KeyCheck:
    """One provider x key; the first key (``index`` 0) also compares capabilities."""

    provider: ResolvedProvider
    dialect: Dialect
    key: Secret | None
    settings: Settings
    emit: Callable[[CheckResult], CheckResult]
    balances: BalanceReader | None = None
    index: int = 0

    @property
    def masked(self) -> str | None:
        return self.key.masked if self.key is not None else None

    @property
    def describe(self) -> bool:
        """One key compares capabilities, so a warning appears once per model."""
        return self.index == 0

    def result(
        self, model: str | None, status: Status, message: str, **extra: object
    ) -> CheckResult:
        result = CheckResult(
            self.provider.id, self.masked, model, status, message, level=default_level(status)
        )
        result.key_index = self.index if self.key is not None else None
        for name, value in extra.items():
            setattr(result, name, value)
        return result

    async def run(self) -> list[CheckResult]:
        start_timing()
        try:
            listing = await self.dialect.list_models(self.key)
        except ProbeFailure as failure:
            return await self._refused(failure)
        except Exception as exc:  # never let one check take the others down
            return [self.emit(internal(self.result(None, "bad_response", ""), exc))]
        head = self.result(None, "ok", self._accepted(listing), latency_ms=last_exchange_ms())
        results: list[CheckResult | None] = []
        pending = []
        for model in self.provider.models:
            quick = self._listed(listing, model, head.latency_ms)
            results.append(quick)
            if quick is None:  # needs a lookup or a probe: run it concurrently
                pending.append(self._model(listing, model, head.latency_ms))
        checked, infos, _ = await asyncio.gather(
            asyncio.gather(*pending), self._infos(listing), self._balance(head)
        )
        done = iter(checked)
        models = [r if r is not None else next(done) for r in results]
        for model, result in zip(self.provider.models, models, strict=True):
            found = infos.get(model.id)
            difference = mismatch(model.capabilities, found) if found else None
            if difference and result.status == "ok":
                result.warn("capability-mismatch", difference)
        return [self.emit(head), *models]

    async def _refused(self, failure: ProbeFailure) -> list[CheckResult]:
        """The key failed: its result, and a skipped one per model."""
        head = failed(self.result(None, failure.status, failure.message), failure)
        if self.balances is not None:
            await self.balances.explain(head, self.key)
        note = f"not checked: the key check failed ({head.status})"
        skipped = [self.emit(self.result(m.id, "skipped", note)) for m in self.provider.models]
        return [self.emit(head), *skipped]

    def _accepted(self, listing: Listing) -> str:
        count = 0 if listing.ids is None else len(listing.ids)
        listed = "" if listing.ids is None else f"; {count} model{'s' if count != 1 else ''} listed"
        accepted = (
            "key accepted" if self.key is not None else "endpoint answered (no key configured)"
        )
        return accepted + listed + (f"; {listing.note}" if listing.note else "")

    async def _balance(self, head: CheckResult) -> None:
        if self.balances is not None:
            await self.balances.fold(head, self.key)

    async def _infos(self, listing: Listing) -> dict[str, ModelInfo]:
        """What the endpoint reports about the configured models it lists, by configured ID.

        Best effort: metadata only adds warnings, so a failure here changes no result.
        """
        if not self.describe or listing.ids is None:
            return {}
        found = {m.id: self.dialect.match(m.id, listing.ids) for m in self.provider.models}
        listed = {model_id: f for model_id, f in found.items() if f is not None}
        try:
            info = await self.dialect.model_info(self.key, listing, sorted(set(listed.values())))
        except Exception:
            return {}
        return {model_id: info[f] for model_id, f in listed.items() if f in info}

    def _listed(
        self, listing: Listing, model: ModelSpec, latency: int | None
    ) -> CheckResult | None:
        """The result for a model the list already proves, without a task; None otherwise."""
        if listing.ids is None or probing(self.provider, self.settings):
            return None
        found = self.dialect.match(model.id, listing.ids)
        if found is None:
            return None
        note = "listed" if found == model.id else f"listed as {found}"
        return self.emit(self.result(model.id, "ok", note, latency_ms=latency))

    async def _model(
        self, listing: Listing, model: ModelSpec, listed_ms: int | None
    ) -> CheckResult:
        """A model the list does not prove; ``listed_ms`` stands for the list when nothing
        else is sent (a model that cannot be verified without probing)."""
        start_timing()
        try:
            result = await self._verify(listing, model)
        except ProbeFailure as failure:
            result = failed(self.result(model.id, failure.status, failure.message), failure)
        except Exception as exc:
            return self.emit(internal(self.result(model.id, "bad_response", ""), exc))
        sent = last_exchange_ms()
        result.latency_ms = sent if sent is not None else listed_ms
        return self.emit(result)

    async def _verify(self, listing: Listing, model: ModelSpec) -> CheckResult:
        dialect, key = self.dialect, self.key
        probe = probing(self.provider, self.settings)
        if listing.ids is None:
            if probe:
                return self.result(model.id, "ok", await dialect.probe(key, model))
            return self.result(model.id, "not_verifiable", dialect.unlisted_reason)
        found = dialect.match(model.id, listing.ids)
        note = "listed"
        if found is None:
            found = await dialect.find_model(key, model.id)
            if found is not None:
                note = "found by lookup" + (f" (resolves to {found})" if found != model.id else "")
        elif found != model.id:
            note = f"listed as {found}"
        if found is not None:
            return self.result(
                model.id, "ok", f"{note}; {await dialect.probe(key, model)}" if probe else note
            )
        return await self._unlisted(listing.ids, model, probe)

    async def _unlisted(self, ids: list[str], model: ModelSpec, probe: bool) -> CheckResult:
        allow = allows_unlisted(self.provider, self.settings)
        if allow and probe:
            return self.result(
                model.id, "ok", "not listed, but " + await self.dialect.probe(self.key, model)
            )
        closest = difflib.get_close_matches(model.id, ids, n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        message = f"not in the provider's model list ({len(ids)} models){hint}"
        level = "warn" if allow else "fail"
        return self.result(model.id, "model_missing", message, closest=closest, level=level)


def failed(result: CheckResult, failure: ProbeFailure) -> CheckResult:
    """``result`` carrying a classified failure's details and the latency of its request."""
    result.latency_ms = last_exchange_ms()
    result.request_id = failure.request_id
    result.retry_after = failure.retry_after
    return result


def internal(result: CheckResult, exc: Exception) -> CheckResult:
    result.message = f"unexpected {type(exc).__name__} while checking (set CHERRYSYNC_DEBUG=1)"
    return result
