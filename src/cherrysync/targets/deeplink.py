"""``cherrystudio://providers/api-keys`` links (reference §5), built and checked without I/O.

A link carries one provider's id, base URL, one key, name and type, nothing else; the 1.x handler
deletes parentheses and turns ``'`` into ``"`` before parsing, so such values are refused rather
than silently corrupted.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from cherrysync.appfacts import DEEPLINK_UNSAFE
from cherrysync.resolve import ResolvedProvider

PREFIX = "cherrystudio://providers/api-keys?v=1&data="
#: Types a 2.x handler maps to their own endpoint; others collapse to chat completions.
V2_NATIVE_TYPES = frozenset({"openai", "openai-response", "anthropic", "gemini", "ollama"})


@dataclass
class DeepLink:
    """One provider's link (``url`` None when refused), what it cannot carry, and why refused."""

    provider: str
    url: str | None
    caveats: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def encode(payload: dict[str, str]) -> str:
    """Compact UTF-8 JSON in the app's URL-safe base64, with padding.

    The handler turns ``+``/``/`` in the query into ``_``/``-`` and, after reading ``data``,
    ``_`` back into ``+`` and ``-`` into ``/``. So ``_`` must stand for ``+`` and ``-`` for ``/``:
    the reverse of RFC 4648's URL-safe alphabet, which this handler would corrupt.
    """
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = base64.b64encode(raw).decode("ascii")
    return PREFIX + text.replace("+", "_").replace("/", "-")


def _caveats(provider: ResolvedProvider) -> list[str]:
    spec = provider.spec
    out: list[str] = []
    if provider.models:
        out.append(f"{len(provider.models)} model(s): add or fetch them in the app")
    else:
        out.append("no models: the app's Check needs at least one")
    if len(provider.api_keys) > 1:
        out.append(f"only the first of {len(provider.api_keys)} keys")
    if provider.headers:
        out.append("headers: " + ", ".join(sorted(provider.headers)))
    if spec.api_version is not None:
        out.append(f"api version {spec.api_version}: set it in the app")
    if spec.notes is not None:
        out.append("notes")
    out.append(
        "enabled state: 1.x adds the provider enabled, 2.x adds it disabled"
        if spec.enabled
        else "enabled state: the file disables this provider, the app will not"
    )
    if spec.type not in V2_NATIVE_TYPES:
        out.append(f"type {spec.type}: 2.x treats it as plain OpenAI chat completions")
    out.append("an existing provider with this id keeps its name and type; the key is appended")
    return out


def build(provider: ResolvedProvider) -> DeepLink:
    """The link for one provider, or the reasons it cannot have one."""
    link = DeepLink(provider.id, None, _caveats(provider))
    key = provider.api_keys[0].reveal() if provider.api_keys else ""
    payload = {
        "id": provider.id,
        "baseUrl": provider.base_url or "",
        "apiKey": key,
        "name": provider.spec.name,
        "type": provider.spec.type,
    }
    for name, value in payload.items():
        if not value:
            link.problems.append(f"no {name}: the app rejects a link without one")
            continue
        bad = sorted({c for c in value if c in DEEPLINK_UNSAFE})
        if bad:
            shown = "the key" if name == "apiKey" else f"{name} {value!r}"
            hint = " (rename it, e.g. without parentheses)" if name == "name" else ""
            link.problems.append(
                f"{shown} contains {' '.join(bad)}, which the 1.x handler corrupts{hint}"
            )
    if any(c in key for c in ",，") or any(c.isspace() for c in key):
        link.problems.append("the key contains a comma or whitespace; 1.x would split it")
    if not link.problems:
        link.url = encode(payload)
    return link
