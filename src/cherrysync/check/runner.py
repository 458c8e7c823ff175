"""Run every provider x key x model check concurrently, report in file order.

Limits live in the HTTP layer (a global semaphore and one per origin), so the runner simply
starts everything: a slow or failing check holds only its own slots, every check catches its own
errors, and ``asyncio.gather`` keeps results in the order of the providers file.
"""

from __future__ import annotations

import asyncio
import difflib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cherrysync.check.dialects import DIALECTS, Dialect, Listing, make_dialect
from cherrysync.check.http import ClientPool, Limits, Session
from cherrysync.check.redaction import Redactor
from cherrysync.check.result import CheckResult, ProbeFailure, Status, default_level
from cherrysync.check.retry import RetryPolicy
from cherrysync.check.urls import Endpoint, UrlError, normalise
from cherrysync.model import ModelSpec
from cherrysync.resolve import ResolvedProvider
from cherrysync.secrets import Secret


@dataclass
class Settings:
    """Run-wide options from the command line; per-provider ``check:`` options add to them."""

    probe: bool = False
    allow_unlisted: bool = False
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_wait: float = 10.0
    concurrency: int = 16
    per_host: int = 4
    base_dir: Path = field(default_factory=Path.cwd)
    #: Check providers with ``enabled: false`` too (they were named with --provider).
    include_disabled: bool = False


def endpoint_for(provider: ResolvedProvider) -> Endpoint:
    """The normalised endpoint (raises UrlError)."""
    return normalise(
        provider.base_url,
        provider.spec.type,
        api_version=provider.spec.api_version,
        carries_secrets=bool(provider.api_keys or provider.headers),
    )


def probing(provider: ResolvedProvider, settings: Settings) -> bool:
    return settings.probe or provider.spec.check_options.probe


def skip_reason(provider: ResolvedProvider, settings: Settings) -> str | None:
    """Why ``provider`` gets one ``skipped`` result instead of checks; None when it is checked."""
    if not provider.spec.enabled and not settings.include_disabled:
        return "provider is disabled (enabled: false); name it with --provider to check"
    if provider.spec.check_options.skip:
        return "check.skip is set"
    return None


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

    def dialect(self, provider: ResolvedProvider) -> Dialect:
        """Raises ProbeFailure before anything is sent: ``wrong_base_url`` for a base URL that
        cannot be used, ``tls_error`` for a CA bundle that cannot be read."""
        try:
            endpoint = endpoint_for(provider)
        except UrlError as exc:
            raise ProbeFailure("wrong_base_url", str(exc)) from None
        options = provider.spec.check_options
        try:
            client = self.clients.get(
                endpoint.origin, options.verify, ca_path(self.settings, options.ca_bundle)
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
            Redactor(provider.secrets()),
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
        results = await self._provider_inner(provider)
        clean = Redactor(provider.secrets())
        for result in results:
            result.clean(clean.value)
        return results

    async def _provider_inner(self, provider: ResolvedProvider) -> list[CheckResult]:
        reason = skip_reason(provider, self.settings)
        if reason is not None:
            return [
                self._emit(CheckResult(provider.id, None, None, "skipped", reason, level="pass"))
            ]
        try:
            dialect = self.connections.dialect(provider)
        except ProbeFailure as failure:
            result = CheckResult(provider.id, None, None, failure.status, failure.message)
            return [self._emit(result)]
        dialect.wanted = frozenset(dialect.bare(m.id) for m in provider.models)
        keys: list[Secret | None] = list(provider.api_keys) or [None]
        batches = await asyncio.gather(*(self._key(provider, dialect, k) for k in keys))
        return [r for batch in batches for r in batch]

    async def _key(
        self, provider: ResolvedProvider, dialect: Dialect, key: Secret | None
    ) -> list[CheckResult]:
        masked = key.masked if key is not None else None
        started = time.monotonic()
        try:
            listing = await dialect.list_models(key)
        except ProbeFailure as failure:
            head = _failed(provider.id, masked, None, failure, started)
            skipped = [
                self._emit(
                    CheckResult(
                        provider.id,
                        masked,
                        m.id,
                        "skipped",
                        f"not checked: the key check failed ({failure.status})",
                        level="pass",
                    )
                )
                for m in provider.models
            ]
            return [self._emit(head), *skipped]
        except Exception as exc:  # never let one check take the others down
            return [self._emit(_internal(provider.id, masked, None, exc))]
        count = 0 if listing.ids is None else len(listing.ids)
        listed = "" if listing.ids is None else f"; {count} model{'s' if count != 1 else ''} listed"
        accepted = "key accepted" if key is not None else "endpoint answered (no key configured)"
        message = accepted + listed + (f"; {listing.note}" if listing.note else "")
        head = CheckResult(
            provider.id, masked, None, "ok", message, level="pass", latency_ms=_ms(started)
        )
        self._emit(head)
        results: list[CheckResult | None] = []
        pending = []
        for model in provider.models:
            quick = self._listed(provider, dialect, masked, listing, model)
            results.append(quick)
            if quick is None:  # needs a lookup or a probe: run it concurrently
                pending.append(self._model(provider, dialect, key, masked, listing, model))
        done = iter(await asyncio.gather(*pending))
        return [head, *(r if r is not None else next(done) for r in results)]

    def _listed(
        self,
        provider: ResolvedProvider,
        dialect: Dialect,
        masked: str | None,
        listing: Listing,
        model: ModelSpec,
    ) -> CheckResult | None:
        """The result for a model the list already proves, without a task; None otherwise."""
        if listing.ids is None or probing(provider, self.settings):
            return None
        found = dialect.match(model.id, listing.ids)
        if found is None:
            return None
        note = "listed" if found == model.id else f"listed as {found}"
        result = CheckResult(provider.id, masked, model.id, "ok", note, level="pass")
        return self._emit(result)

    async def _model(
        self,
        provider: ResolvedProvider,
        dialect: Dialect,
        key: Secret | None,
        masked: str | None,
        listing: Listing,
        model: ModelSpec,
    ) -> CheckResult:
        started = time.monotonic()
        probe = probing(provider, self.settings)
        allow_unlisted = self.settings.allow_unlisted or provider.spec.check_options.allow_unlisted
        try:
            result = await self._model_inner(
                provider, dialect, key, masked, listing, model, probe, allow_unlisted, started
            )
        except ProbeFailure as failure:
            result = _failed(provider.id, masked, model.id, failure, started)
        except Exception as exc:
            result = _internal(provider.id, masked, model.id, exc)
        return self._emit(result)

    async def _model_inner(
        self,
        provider: ResolvedProvider,
        dialect: Dialect,
        key: Secret | None,
        masked: str | None,
        listing: Listing,
        model: ModelSpec,
        probe: bool,
        allow_unlisted: bool,
        started: float,
    ) -> CheckResult:
        def done(status: Status, message: str, **extra: object) -> CheckResult:
            result = CheckResult(
                provider.id,
                masked,
                model.id,
                status,
                message,
                level=default_level(status),
                latency_ms=_ms(started),
            )
            for name, value in extra.items():
                setattr(result, name, value)
            return result

        if listing.ids is None:
            if probe:
                return done("ok", await dialect.probe(key, model))
            return done("not_verifiable", dialect.unlisted_reason)
        found = dialect.match(model.id, listing.ids)
        note = "listed"
        if found is None:
            found = await dialect.find_model(key, model.id)
            if found is not None:
                note = "found by lookup" + (f" (resolves to {found})" if found != model.id else "")
        elif found != model.id:
            note = f"listed as {found}"
        if found is None:
            closest = difflib.get_close_matches(model.id, listing.ids, n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(closest)}" if closest else ""
            if allow_unlisted and probe:
                return done("ok", "not listed, but " + await dialect.probe(key, model))
            return done(
                "model_missing",
                f"not in the provider's model list ({len(listing.ids)} models){hint}",
                closest=closest,
                level="warn" if allow_unlisted else "fail",
            )
        if probe:
            return done("ok", f"{note}; {await dialect.probe(key, model)}")
        return done("ok", note)


def ca_path(settings: Settings, ca_bundle: str | None) -> str | None:
    """``check.ca_bundle`` is relative to the providers file."""
    if ca_bundle is None:
        return None
    path = Path(ca_bundle).expanduser()
    return str(path if path.is_absolute() else settings.base_dir / path)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _failed(
    provider: str, key: str | None, model: str | None, failure: ProbeFailure, started: float
) -> CheckResult:
    return CheckResult(
        provider,
        key,
        model,
        failure.status,
        failure.message,
        level=default_level(failure.status),
        latency_ms=_ms(started),
        request_id=failure.request_id,
        retry_after=failure.retry_after,
    )


def _internal(provider: str, key: str | None, model: str | None, exc: Exception) -> CheckResult:
    message = f"unexpected {type(exc).__name__} while checking (set CHERRYSYNC_DEBUG=1)"
    return CheckResult(provider, key, model, "bad_response", message)


async def fetch_listing(provider: ResolvedProvider, settings: Settings) -> Listing:
    """The full model list of ``provider`` with its first key (for ``cherrysync models``).

    Raises ProbeFailure, including for a base URL or CA bundle that cannot be used.
    """
    connections = Connections(settings)
    try:
        dialect = connections.dialect(provider)
        key = provider.api_keys[0] if provider.api_keys else None
        return await dialect.list_models(key)
    finally:
        await connections.aclose()
