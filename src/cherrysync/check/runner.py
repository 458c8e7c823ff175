"""Run every provider x key x model check concurrently, report in file order.

Limits live in the HTTP layer (a global semaphore and one per origin), so the runner simply
starts everything: a slow or failing check holds only its own slots, every check catches its own
errors, and ``asyncio.gather`` keeps results in the order of the providers file. The checks of
one key are :class:`cherrysync.check.keycheck.KeyCheck`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable

from cherrysync.check.balance import balance_reader
from cherrysync.check.clients import ClientPool
from cherrysync.check.dialects import DIALECTS, Dialect, Listing, make_dialect
from cherrysync.check.http import Limits, Session
from cherrysync.check.keycheck import KeyCheck
from cherrysync.check.redaction import Redactor
from cherrysync.check.result import CheckResult, ProbeFailure
from cherrysync.check.retry import RetryPolicy
from cherrysync.check.settings import (
    Settings,
    endpoint_for,
    probing,
    skip_reason,
)
from cherrysync.check.urls import UrlError
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret

__all__ = [
    "Connections",
    "Runner",
    "Settings",
    "billable_requests",
    "expected_results",
    "fetch_listing",
    "skip_reason",
]


def expected_results(providers: list[ResolvedProvider], settings: Settings) -> int:
    """How many results :meth:`Runner.run` reports, for the progress line's ``checked N/M``.

    One for a skipped provider or an unusable base URL; otherwise, per key (or once without
    keys), one for the key and one per model.
    """
    return sum(_result_count(p, settings) for p in providers)


def _result_count(provider: ResolvedProvider, settings: Settings) -> int:
    if skip_reason(provider, settings) is not None:
        return 1
    try:
        endpoint_for(provider)
    except UrlError:
        return 1  # its wrong_base_url result
    return max(1, len(provider.api_keys)) * (1 + len(provider.models))


def billable_requests(providers: list[ResolvedProvider], settings: Settings) -> int:
    """Upper bound of billed requests a run sends: one per key x model probed, unless the
    dialect's probe is free (Anthropic's count_tokens). Zero unless probing."""
    total = 0
    for provider in providers:
        if skip_reason(provider, settings) is not None or not probing(provider, settings):
            continue
        try:
            kind = endpoint_for(provider).kind
        except UrlError:
            continue
        if not DIALECTS[kind].free_probe:
            total += max(1, len(provider.api_keys)) * len(provider.models)
    return total


class Connections:
    """The HTTP side of one run: a client per origin, the shared limits, the retry policy.

    :meth:`dialect` is the one place a provider becomes a dialect talking through a session,
    for the runner and for ``cherrysync models`` alike.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = Limits(settings.concurrency, settings.per_host)
        self.policy = RetryPolicy(
            retries=settings.retries, backoff=settings.backoff, max_hint=settings.max_retry_wait
        )
        self.clients = ClientPool(settings.per_host)

    def dialect(self, provider: ResolvedProvider, redactor: Redactor | None = None) -> Dialect:
        """Raises ProbeFailure before anything is sent: ``wrong_base_url`` for a base URL that
        cannot be used, ``tls_error`` for a CA bundle that cannot be read."""
        try:
            endpoint = endpoint_for(provider)
        except UrlError as exc:
            raise ProbeFailure("wrong_base_url", str(exc)) from None
        options = provider.spec.check_options
        try:
            client = self.clients.get(
                endpoint.origin,
                options.verify,
                options.ca_bundle,  # absolute: resolve anchored it
            )
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ProbeFailure("tls_error", f"cannot use ca_bundle: {reason}") from None
        timeout = options.timeout or self.settings.timeout
        session = Session(
            client,
            endpoint.origin,
            self.limits,
            self.policy,
            timeout,
            endpoint.kind,
            redactor or Redactor(provider.secrets()),
        )
        extra = {name: value.reveal() for name, value in provider.headers.items()}
        return make_dialect(endpoint, session, extra)

    async def aclose(self) -> None:
        await self.clients.aclose()


class Runner:
    """Checks providers over one set of :class:`Connections` per run."""

    def __init__(
        self, settings: Settings, on_result: Callable[[CheckResult], None] | None = None
    ) -> None:
        self.settings = settings
        self.on_result = on_result

    async def run(self, providers: list[ResolvedProvider]) -> list[CheckResult]:
        self.connections = Connections(self.settings)
        try:
            batches = await asyncio.gather(*(self._provider(p) for p in providers))
        finally:
            await self.connections.aclose()
        return [r for batch in batches for r in batch]

    def _emit(self, result: CheckResult) -> CheckResult:
        if self.on_result is not None:
            self.on_result(result)
        return result

    async def _provider(self, provider: ResolvedProvider) -> list[CheckResult]:
        """A provider only ever receives its own secrets, so only those can come back."""
        clean = Redactor(provider.secrets())  # one per provider: its fragment set is the cost
        results = await self._provider_inner(provider, clean)
        for result in results:
            result.clean(clean.value)
        return results

    async def _provider_inner(
        self, provider: ResolvedProvider, redactor: Redactor
    ) -> list[CheckResult]:
        reason = skip_reason(provider, self.settings)
        if reason is not None:
            return [
                self._emit(CheckResult(provider.id, None, None, "skipped", reason, level="pass"))
            ]
        try:
            dialect = self.connections.dialect(provider, redactor)
        except ProbeFailure as failure:
            result = CheckResult(provider.id, None, None, failure.status, failure.message)
            return [self._emit(result)]
        dialect.wanted = frozenset(dialect.bare(m.id) for m in provider.models)
        balances = balance_reader(provider, dialect, self.settings.balance)
        keys: list[Secret | None] = list(provider.api_keys) or [None]
        checks = [
            KeyCheck(provider, dialect, key, self.settings, self._emit, balances, index)
            for index, key in enumerate(keys)
        ]
        batches = await asyncio.gather(*(check.run() for check in checks))
        return [r for batch in batches for r in batch]


async def fetch_listing(
    provider: ResolvedProvider, settings: Settings, *, describe: bool = False
) -> Listing:
    """The full model list of ``provider`` with its first key (for ``cherrysync models``);
    with ``describe``, ``info`` also holds what metadata routes report about every model.

    Raises ProbeFailure, including for a base URL or CA bundle that cannot be used.
    """
    connections = Connections(settings)
    try:
        dialect = connections.dialect(provider)
        key = provider.api_keys[0] if provider.api_keys else None
        listing = await dialect.list_models(key)
        if describe and listing.ids:
            with contextlib.suppress(Exception):  # best effort: the list stands without it
                listing.info = await dialect.model_info(key, listing, listing.ids)
        return listing
    finally:
        await connections.aclose()
