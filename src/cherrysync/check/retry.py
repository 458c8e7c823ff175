"""Retry policy: which outcomes to retry and how long to wait (provider-apis.md §2.11)."""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter.

    ``max_hint`` is the longest server-requested wait we honour; a longer hint ends the retries
    (the result carries the hint instead), so a check never sleeps for minutes.
    """

    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_hint: float = 10.0

    def delay(self, attempt: int, hint: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to stop retrying."""
        if attempt >= self.retries:
            return None
        if hint is not None:
            return hint if hint <= self.max_hint else None
        base: float = min(self.max_backoff, self.backoff * 2.0**attempt)
        return base * (0.5 + random.random() / 2)  # jitter in [base/2, base)


def _positive(value: float) -> float | None:
    """A usable delay: finite and above zero (``Retry-After: inf`` or ``nan`` is no hint)."""
    return value if math.isfinite(value) and value > 0 else None


def retry_hint(headers: Mapping[str, str], body: Any, *, now: float | None = None) -> float | None:
    """The server's requested delay in seconds, in the documented precedence order.

    ``retry-after-ms`` → numeric ``retry-after`` → HTTP-date ``retry-after`` → Gemini
    ``RetryInfo.retryDelay``. Zero, negative and non-finite values are ignored.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            hint = _positive(float(raw_ms) / 1000.0)
            if hint is not None:
                return hint
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw:
        try:
            hint = _positive(float(raw))
            if hint is not None:
                return hint
        except ValueError:
            try:
                when = parsedate_to_datetime(raw).timestamp()
                hint = _positive(when - (time.time() if now is None else now))
                if hint is not None:
                    return hint
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
    return _gemini_retry_delay(body)


def _gemini_retry_delay(body: Any) -> float | None:
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    if not isinstance(details, list):
        return None
    for detail in details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            match = _DURATION.match(str(detail.get("retryDelay", "")))
            if match:
                return _positive(float(match.group(1)))
    return None
