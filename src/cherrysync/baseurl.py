"""Base URL policy in one place: one parser and one set of per-type rules.

``validate`` (URLs written in the file), ``resolve`` (URLs that came from ``${VAR}``) and
``check`` (before it sends anything) all ask this module, so a base URL that passes ``validate``
is one that ``check`` can call and the app can use. Pure functions, no HTTP stack: ``validate``
imports this and must never import httpx.

No query string, for any type. Azure's ``?api-version=…`` included: the app keeps the version
in its own field (1.x ``apiVersion``, 2.x ``auth_config.apiVersion``) and appends
``/openai/deployments/{model}/chat/completions?api-version=V`` to the host, so a query in the
host would land in the middle of every request URL. The version belongs in ``api_version``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, urlsplit

from cherrysync.appfacts import ENDPOINT_SUFFIXES
from cherrysync.secrets import EnvSyntaxError, parse_template

#: A version segment as the app's ``formatApiHost`` reads it: ``/v1``, ``/v3``, ``/v2beta``.
VERSION_SEGMENT = r"/v\d+(?:alpha|beta)?"
#: Provider types whose host the app reads without appending a version segment (it strips
#: ``/v1`` and appends ``/openai`` for Azure, ``/api`` for Ollama).
UNVERSIONED_TYPES = frozenset({"azure-openai", "ollama"})

_VERSION_TAIL = re.compile(VERSION_SEGMENT + "$")
#: What a reference becomes when a URL written with ``${VAR}`` is checked offline: in the host
#: or port a digit (a valid label and a valid port), in the path a segment that is no version.
_PLACEHOLDER = "envref"
_AUTHORITY_PLACEHOLDER = "1"
_QUERY_MESSAGE = (
    "base_url must not carry a query string or fragment; put parameters "
    "in 'api_version' or 'headers'"
)


class UrlError(ValueError):
    """A base URL that cannot be used at all. ``rule`` is the validate rule id; the message
    shows only what the caller passed as ``shown``, never a value from the environment."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class BaseUrl:
    """A usable base URL. ``written`` is the text trimmed as the app trims it; ``path`` has
    no trailing ``/`` and ``verbatim`` says whether a trailing ``#`` asked for it as is."""

    written: str
    scheme: str
    netloc: str
    host: str
    path: str
    verbatim: bool

    @property
    def prefix(self) -> str:
        """``scheme://netloc``, as written."""
        return f"{self.scheme}://{self.netloc}"

    @property
    def stripped(self) -> str:
        """The URL as written without its trailing ``#`` and ``/``."""
        return self.written.rstrip("#").rstrip("/")


def _split(text: str, shown: str) -> SplitResult:
    invalid = UrlError(
        "base-url-scheme", f"base_url '{shown}' is not a valid URL (check the host and port)"
    )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        raise invalid from None
    if (port is not None and port <= 0) or any(c.isspace() for c in parts.netloc):
        raise invalid
    return parts


def parse(raw: str, shown: str | None = None) -> BaseUrl:
    """Parse ``raw`` or raise :class:`UrlError`; ``shown`` is how messages name the value."""
    shown = raw if shown is None else shown
    text = raw.strip()
    parts = _split(text, shown)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlError("base-url-scheme", f"base_url '{shown}' must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UrlError(
            "base-url-credentials",
            "base_url must not embed credentials (user:password@host); put them in "
            "'api_key' or 'headers'",
        )
    if parts.query or text.count("#") > 1 or (parts.fragment and not text.endswith("#")):
        raise UrlError("base-url-query", _QUERY_MESSAGE)
    verbatim = text.endswith("#")
    path = parts.path.rstrip("/")  # a trailing '#' is the (empty) fragment, not the path
    return BaseUrl(text, parts.scheme, parts.netloc, parts.hostname, path, verbatim)


def parse_written(raw: str) -> BaseUrl | None:
    """Parse a URL as written in the file, ``${VAR}`` references and all.

    Each reference becomes a placeholder valid where it stands (a digit in the host or port, a
    segment in the path), so only what the literal text decides is checked. None
    when nothing can be checked offline: bad reference syntax (another rule reports it) or a
    reference in the scheme or inside IPv6 brackets. ``written`` is ``raw`` trimmed, so the
    messages quote the references as the user wrote them.
    """
    try:
        segments = parse_template(raw.strip())
    except EnvSyntaxError:
        return None
    probe = ""
    for segment in segments:
        if isinstance(segment, str):
            probe += segment
            continue
        placeholder = _placeholder(probe)
        if placeholder is None:
            return None
        probe += placeholder
    return replace(parse(probe, raw), written=raw.strip())


def _placeholder(before: str) -> str | None:
    """What stands in for a reference that follows the literal text ``before``."""
    _, sep, rest = before.partition("://")
    if not sep:
        return None  # the reference is (part of) the scheme
    if any(c in rest for c in "/?#"):
        return _PLACEHOLDER  # path, query or fragment
    host_port = rest.rpartition("@")[2]
    if host_port.startswith("[") and "]" not in host_port:
        return None  # inside IPv6 brackets, where no one text is valid at every position
    return _AUTHORITY_PLACEHOLDER


def has_version(path: str) -> bool:
    """Whether ``path`` holds a version segment, so the app appends none."""
    return re.search(VERSION_SEGMENT + "(?=/|$)", path) is not None


def without_version_tail(path: str) -> str:
    """``path`` without a trailing version segment (routes outside the versioned API)."""
    return _VERSION_TAIL.sub("", path)


def app_reading(url: BaseUrl, provider_type: str) -> Iterator[tuple[str, str, str]]:
    """(severity, rule, message) for a usable URL the app would read differently than meant.

    Only for URLs written in the file: the messages quote the URL.
    """
    endpoint = next((s for s in ENDPOINT_SUFFIXES if url.stripped.endswith("/" + s)), None)
    if endpoint and not url.verbatim:
        root = url.stripped[: -len(endpoint) - 1]
        yield (
            "error",
            "base-url-endpoint",
            f"base_url ends in the endpoint path '/{endpoint}', which the app "
            f"appends itself; use '{root}/' (or '{url.stripped}#' to make the app use "
            "the URL verbatim)",
        )
    elif url.verbatim:
        yield (
            "warning",
            "base-url-verbatim",
            "a trailing '#' (use the URL verbatim) is honoured by Cherry Studio 1.6+ "
            "only; older 1.x and some 2.x releases append paths anyway",
        )
    if (
        provider_type not in UNVERSIONED_TYPES
        and not url.verbatim
        and not url.written.endswith("/")
        and _VERSION_TAIL.search(url.path)
    ):
        written = url.written
        yield (
            "warning",
            "base-url-v1-slash",
            f"older app versions turn '{written}' into '{written}/v1/'; write '{written}/' "
            "(with the trailing slash), which every version reads the same",
        )
