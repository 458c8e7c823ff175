"""``cherrystudio://providers/api-keys`` links (reference §5), built and checked without I/O.

A link carries one provider's id, base URL, one key, name and type, nothing else. The 1.x handler
deletes parentheses from the decoded text and turns ``'`` into ``"`` before parsing; parentheses
are therefore written as JSON escapes (which it leaves alone and ``JSON.parse`` decodes), while a
``'`` cannot travel at all (see :data:`~cherrysync.appfacts.DEEPLINK_UNSAFE`) and is refused
rather than silently corrupted.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from cherrysync.appfacts import DEEPLINK_ESCAPED, DEEPLINK_UNSAFE, key_splits
from cherrysync.resolve import ResolvedProvider
from cherrysync.targets.v2.vocab import CHAT_ENDPOINT

PREFIX = "cherrystudio://providers/api-keys?v=1&data="
#: Types a 2.x handler gives their own chat endpoint (reference §5.3); the others collapse to
#: OpenAI chat completions.
V2_NATIVE_TYPES = frozenset({"openai", "openai-response", "anthropic", "gemini", "ollama"})


@dataclass
class DeepLink:
    """One provider's link (``url`` None when refused), what it cannot carry, and why refused."""

    provider: str
    url: str | None
    caveats: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def encode(payload: dict[str, str]) -> str:
    """Compact UTF-8 JSON (parentheses escaped) in the app's URL-safe base64, with padding.

    The handler turns ``+``/``/`` in the query into ``_``/``-`` and, after reading ``data``,
    ``_`` back into ``+`` and ``-`` into ``/``. So ``_`` must stand for ``+`` and ``-`` for ``/``:
    the reverse of RFC 4648's URL-safe alphabet, which this handler would corrupt.
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    for char, escape in DEEPLINK_ESCAPED.items():
        text = text.replace(char, escape)  # only string values hold them: the escape is exact
    text = base64.b64encode(text.encode("utf-8")).decode("ascii")
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
    endpoint = CHAT_ENDPOINT[spec.type if spec.type in V2_NATIVE_TYPES else "openai"]
    out.append(
        "an existing provider with this id: the key is appended; 1.x keeps its name and type and "
        f"takes a different base URL; 2.x keeps only its name: its endpoints are replaced by one "
        f"{endpoint} endpoint with this base URL, and any other endpoint is lost"
    )
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
            hint = " (rename it, e.g. without the apostrophe)" if name == "name" else ""
            link.problems.append(
                f"{shown} contains {' '.join(bad)}, which a deep link cannot carry: the 1.x "
                f"handler turns it into a double quote or breaks on it{hint}"
            )
    if key_splits(key):
        link.problems.append("the key contains a comma or whitespace; 1.x would split it")
    if not link.problems:
        link.url = encode(payload)
    return link
