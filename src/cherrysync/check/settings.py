"""What a run was asked to do, and what that means per provider before anything is sent.

Shared by the runner and the checks of one key (:mod:`.keycheck`), and by ``cherrysync models``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cherrysync.check.urls import Endpoint, normalise
from cherrysync.resolve import ResolvedProvider


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
    #: Check providers with ``enabled: false`` too (they were named with --provider).
    include_disabled: bool = False
    #: Read the balance of every provider with a known balance API (--balance).
    balance: bool = False


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


def allows_unlisted(provider: ResolvedProvider, settings: Settings) -> bool:
    return settings.allow_unlisted or provider.spec.check_options.allow_unlisted


def skip_reason(provider: ResolvedProvider, settings: Settings) -> str | None:
    """Why ``provider`` gets one ``skipped`` result instead of checks; None when it is checked."""
    if not provider.spec.enabled and not settings.include_disabled:
        return "provider is disabled (enabled: false); name it with --provider to check"
    if provider.spec.check_options.skip:
        return "check.skip is set"
    return None
