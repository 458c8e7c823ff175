"""Base URL policy in one place: one parser and one set of per-type rules.

``validate`` (URLs written in the file), ``resolve`` (URLs that came from ``${VAR}``) and
``check`` (before it sends anything) all ask this module, so a base URL that passes ``validate``
is one that ``check`` can call and the app can use. Pure functions, no HTTP stack: ``validate``
imports this and must never import httpx.

No query string, for any type. Azure's ``?api-version=…`` included: the app keeps the version
in its own field (1.x ``apiVersion``, 2.x ``auth_config.apiVersion``) and appends
``/openai/deployments/{model}/chat/completions?api-version=V`` to the host, so a query in the
host would land in the middle of every request URL. The version belongs in ``api_version``.

Two more decisions live here because they are about what a URL *is*: :func:`display_url`, the
one way any message shows a URL (never its ``user:password@`` or query), and
:func:`is_private`, whether a host is a private address or name (which may get a key over plain
http), decided on the address a numeric host really names.
"""

from __future__ import annotations

import ipaddress
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
_USERINFO = re.compile(r"^(\s*[A-Za-z][A-Za-z0-9+.-]*:/*)[^/?#]*@")
#: Names only a private network resolves (RFC 6761 / 6762, common internal suffixes).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
#: What a reference becomes when a URL written with ``${VAR}`` is checked offline: a port in
#: the port; elsewhere a label or segment that is neither a number (a host ending in a number
#: must be an IPv4 address) nor a version.
_PLACEHOLDER = "envref"
_PORT_PLACEHOLDER = "1"
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


def display_url(url: str) -> str:
    """``url`` as every message shows it: ``user:password@`` becomes ``***@``, a query ``?…``
    and a fragment ``#…`` (a trailing ``#`` stays: it means "verbatim"). Works on text that is
    not a valid URL too, since error messages quote exactly those."""
    text = _USERINFO.sub(r"\1***@", url)
    for mark in ("?", "#"):
        at = text.find(mark)
        if at >= 0 and text[at + 1 :].strip():
            text = text[:at] + mark + "…"
    return text


def _ipv4_number(part: str) -> int | None:
    """One part of a numeric host: decimal, ``0x`` hex or ``0``-prefixed octal; None if not."""
    digits, base = part, 10
    if part[:2].lower() == "0x":
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    if not (digits.isascii() and digits.isalnum()):  # int() would take "+1", " 1" and "1_0"
        return None
    try:
        return int(digits, base)
    except ValueError:
        return None


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host names as the WHATWG URL parser reads it (browsers, the app and
    ``inet_aton`` behind ``getaddrinfo`` agree): 1-4 parts, the last filling the remaining
    bytes, so ``3232235777``, ``0x7f000001``, ``0177.0.0.1`` and ``127.1`` are addresses.
    None for a name; ValueError for a host that ends in a number but is no address."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1]
    if not (last.isascii() and last.isdigit()) and (not last or _ipv4_number(last) is None):
        return None
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise ValueError("a numeric host that is no IPv4 address")
    *head, tail = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or tail >= 256 ** (5 - len(parts)):
        raise ValueError("an IPv4 address part out of range")
    value = tail
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def host_address(host: str) -> Address | None:
    """The IP address ``host`` names (IPv4-mapped IPv6 as its IPv4), or None for a name.

    Raises ValueError for a numeric host that is no valid address.
    """
    host = host.strip("[]")
    if ":" in host:
        address = ipaddress.IPv6Address(host.split("%", 1)[0])
        return address.ipv4_mapped or address
    return _ipv4(host)


def is_private(host: str) -> bool:
    """Whether ``host`` is a loopback, private or link-local address, or a name only a private
    network resolves; only those may get a key over plain http.

    Decided on the address itself, so a public address written as a number is public; a host
    that is no valid address counts as public.
    """
    try:
        address = host_address(host)
    except ValueError:
        return False
    if address is not None:
        return address.is_private or address.is_loopback or address.is_link_local
    name = host.lower()
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return True
    return "." not in name  # a single-label name only resolves on a private network


def canonical_host(host: str) -> str:
    """``host`` with a numeric IPv4 form written as the dotted address it names (raises
    ValueError for a numeric host that is no address)."""
    address = host_address(host)
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    return host.lower()


@dataclass(frozen=True)
class BaseUrl:
    """A usable base URL. ``written`` is the text trimmed as the app trims it; ``path`` has
    no trailing ``/`` and ``verbatim`` says whether a trailing ``#`` asked for it as is.
    ``host`` is canonical: a numeric IPv4 host in its dotted form."""

    written: str
    scheme: str
    netloc: str
    host: str
    path: str
    verbatim: bool

    @property
    def prefix(self) -> str:
        """``scheme://host[:port]`` with the canonical host, which is what requests go to."""
        port = urlsplit(self.stripped).port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if port is None else f":{port}")

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
    """Parse ``raw`` or raise :class:`UrlError`; ``shown`` is how messages name the value
    (always through :func:`display_url`)."""
    shown = display_url(raw if shown is None else shown)
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
    try:
        host = canonical_host(parts.hostname)
    except ValueError:
        raise UrlError(
            "base-url-scheme", f"base_url '{shown}' has a host that is neither a name nor an IP"
        ) from None
    return BaseUrl(text, parts.scheme, parts.netloc, host, path, verbatim)


def parse_written(raw: str) -> BaseUrl | None:
    """Parse a URL as written in the file, ``${VAR}`` references and all.

    Each reference becomes a placeholder valid where it stands (a port in the port, a label in
    the host, a segment in the path), so only what the literal text decides is checked. None
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
    return _PORT_PLACEHOLDER if ":" in host_port.rpartition("]")[2] else _PLACEHOLDER


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
    stripped = display_url(url.stripped)
    endpoint = next((s for s in ENDPOINT_SUFFIXES if stripped.endswith("/" + s)), None)
    if endpoint and not url.verbatim:
        root = stripped[: -len(endpoint) - 1]
        yield (
            "error",
            "base-url-endpoint",
            f"base_url ends in the endpoint path '/{endpoint}', which the app "
            f"appends itself; use '{root}/' (or '{stripped}#' to make the app use "
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
        written = display_url(url.written)
        yield (
            "warning",
            "base-url-v1-slash",
            f"older app versions turn '{written}' into '{written}/v1/'; write '{written}/' "
            "(with the trailing slash), which every version reads the same",
        )
