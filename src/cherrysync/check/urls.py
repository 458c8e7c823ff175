"""Base URL normalisation: turn ``base_url`` into what the app (and so the checker) calls.

Follows the app's ≥1.6 ``formatApiHost`` rule (cherry-studio.md §2.7) and the per-type rules of
provider-apis.md §3. What a base URL may be at all, and which hosts are private, is
:mod:`cherrysync.baseurl`'s decision, shared with ``validate``; this module only applies the
checker's own transport rule (no key over plain http to a public host). Requests go to the
canonical host (``http://127.1/`` is called as ``http://127.0.0.1/``), the address the rule was
decided on. Errors here are reported as ``wrong_base_url`` without sending anything.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cherrysync.baseurl import (
    UrlError,
    canonical_host,
    has_version,
    is_private,
    parse,
    without_version_tail,
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def default_port(scheme: str) -> int:
    """The port a URL of this scheme means when it names none (0 for an unknown scheme)."""
    return _DEFAULT_PORTS.get(scheme, 0)


DEFAULT_AZURE_API_VERSION = "2024-10-21"


@dataclass(frozen=True)
class Endpoint:
    """Where a dialect sends its requests.

    ``base`` has no trailing slash: ``…/v1`` for OpenAI style, the bare root for Anthropic and
    Ollama, ``…/v1beta`` for Gemini and the resource origin (plus any prefix) for Azure.
    """

    kind: str
    base: str
    origin: str
    api_version: str | None = None
    azure_v1: bool = False
    deployment: str | None = None

    @property
    def root(self) -> str:
        """The server root, for routes that live outside the versioned API."""
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}{without_version_tail(parts.path)}"

    @property
    def server(self) -> str:
        """``scheme://host[:port]`` as the base URL writes it: requests there stay in its
        origin, whatever the spelling (a trailing dot, an explicit port)."""
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        """The host as DNS reads it, to recognise an official one: lower case, without the
        root's trailing dot."""
        return (urlsplit(self.base).hostname or "").lower().rstrip(".")


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the default port filled in and a numeric host in its dotted
    form (the redirect policy compares it); ``""`` for a URL with no usable address (a port
    out of range, an unclosed ``[``: a server's ``Location`` can say anything)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    with contextlib.suppress(ValueError):  # no address: compared as written, never equal
        host = canonical_host(host)
    port = port or default_port(scheme)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def shown_origin(origin: str) -> str:
    """An :func:`origin_of` result as people write it: the port only when not the default."""
    scheme, _, rest = origin.partition("://")
    host, _, port = rest.rpartition(":")
    default = default_port(scheme)
    return f"{scheme}://{host}" + ("" if port == str(default) else f":{port}")


def _kind_for(provider_type: str) -> str:
    if provider_type in ("openai", "openai-response", "new-api"):
        return "openai"
    if provider_type == "azure-openai":
        return "azure"
    return provider_type


@functools.lru_cache(maxsize=4096)  # pure; a run asks once to count and once to connect
def normalise(
    raw: str | None,
    provider_type: str,
    *,
    api_version: str | None = None,
    carries_secrets: bool = True,
) -> Endpoint:
    """Normalise ``raw`` for ``provider_type`` or raise :class:`UrlError`."""
    if raw is None or not raw.strip():
        raise UrlError("base-url-required", "no base_url is set for this provider type")
    url = parse(raw)
    if url.scheme == "http" and carries_secrets and not is_private(url.host):
        raise UrlError(
            "plain-http",
            f"plain http to the public host {url.host} would send the key unencrypted; use https",
        )
    origin = origin_of(url.stripped)
    prefix, path = url.prefix, url.path
    kind = _kind_for(provider_type)
    if kind == "azure":
        return _azure(prefix, origin, path, api_version)
    if kind == "anthropic":
        return Endpoint("anthropic", prefix + re.sub(r"/v1$", "", path), origin)
    if kind == "ollama":
        root = re.sub(r"(/v1|/api|/chat)+$", "", path)
        return Endpoint("ollama", prefix + root, origin)
    versioned = url.verbatim or has_version(path)
    if kind == "gemini":
        if path.endswith("/openai"):
            return Endpoint("openai", prefix + path, origin)
        return Endpoint("gemini", prefix + path + ("" if versioned else "/v1beta"), origin)
    return Endpoint("openai", prefix + path + ("" if versioned else "/v1"), origin)


def _azure(prefix: str, origin: str, path: str, api_version: str | None) -> Endpoint:
    """Parse, don't append: keep the origin, read v1 mode and the deployment from the path.

    The version comes from ``api_version`` only: a query in the base URL is refused
    (:mod:`cherrysync.baseurl` says why).
    """
    segments = [s for s in path.split("/") if s]
    deployment = None
    if "deployments" in segments:
        at = segments.index("deployments")
        if at + 1 < len(segments):
            deployment = segments[at + 1]
    mount = segments[: segments.index("openai")] if "openai" in segments else segments
    v1 = "openai" in segments and "v1" in segments[segments.index("openai") :]
    if api_version in ("v1", "preview"):
        v1 = True
    base = prefix + "".join("/" + s for s in mount)
    if v1:
        return Endpoint("azure", base, origin, azure_v1=True, deployment=deployment)
    return Endpoint(
        "azure",
        base,
        origin,
        api_version=api_version or DEFAULT_AZURE_API_VERSION,
        deployment=deployment,
    )


__all__ = ["DEFAULT_AZURE_API_VERSION", "Endpoint", "UrlError", "normalise", "origin_of"]
