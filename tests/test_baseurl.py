"""One base URL policy: ``validate``, ``${VAR}`` resolution and ``check`` give the same verdict."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cherrysync.baseurl import UrlError, display_url, host_address, is_private, parse
from cherrysync.check.urls import normalise
from cherrysync.resolve import resolve_providers
from cherrysync.validate.pipeline import validate_text

#: The rules of a URL that cannot be used at all (the rest are warnings about app versions,
#: or ``base-url-endpoint``, which says how the app would read a usable URL).
UNUSABLE = {"base-url-scheme", "base-url-credentials", "base-url-query"}
TYPES = ["openai", "anthropic", "gemini", "azure-openai", "ollama", "new-api"]


def _file(base_url: str, ptype: str) -> str:
    entry = {"name": "P", "type": ptype, "base_url": base_url, "api_version": "2024-10-21"}
    return json.dumps({"version": 1, "providers": [entry]})


def validate_rule(base_url: str, ptype: str) -> str | None:
    """The rule ``validate`` rejects ``base_url`` with, or None."""
    rules = {d.rule for d in validate_text(_file(base_url, ptype), "p.yaml").diagnostics}
    assert len(rules & UNUSABLE) <= 1
    return next(iter(rules & UNUSABLE), None)


def check_rule(base_url: str, ptype: str) -> str | None:
    """The rule ``check`` refuses ``base_url`` with before sending anything, or None."""
    try:
        normalise(base_url, ptype, api_version="2024-10-21", carries_secrets=False)
    except UrlError as exc:
        return exc.rule
    return None


def env_rule(base_url: str, ptype: str) -> str | None:
    """The rule a value from ``${URL}`` is refused with when a command resolves it."""
    validated = validate_text(_file("${URL}", ptype), "p.yaml")
    assert validated.model is not None
    _resolved, problems = resolve_providers(validated.model, {"URL": base_url})
    assert base_url not in "".join(p.message for p in problems) or not base_url.strip()
    return problems[0].rule if problems else None


@pytest.mark.parametrize("ptype", TYPES)
@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://contoso.openai.azure.com/?api-version=2024-10-21", "base-url-query"),
        (
            "https://res.openai.azure.com/openai/deployments/d?api-version=2024-06-01",
            "base-url-query",
        ),
        ("https://host/v1/#frag", "base-url-query"),
        ("https://host/v1/##", "base-url-query"),
        ("https://user:pw@host/v1/", "base-url-credentials"),
        ("https://token@host/", "base-url-credentials"),
        ("http://host:99999/", "base-url-scheme"),
        ("http://host:0/", "base-url-scheme"),
        ("http://[::1/", "base-url-scheme"),
        ("http://ho st/", "base-url-scheme"),
        ("http://:8080/", "base-url-scheme"),
        ("ftp://host/", "base-url-scheme"),
        ("localhost:8000", "base-url-scheme"),
        ("https://host/v1/", None),
        ("https://host/openai/chat/completions#", None),
        ("  https://host/api/paas/v4/  ", None),
        ("http://127.0.0.1:11434", None),
        ("https://[::1]:8443/v1/", None),
        ("http://1.2.3.4.5/", "base-url-scheme"),
        ("http://256.1.1.1/", "base-url-scheme"),
        ("http://1.2.3.08/", "base-url-scheme"),
        ("http://relay.123/", "base-url-scheme"),
        ("http://0x7f000001:8000/", None),
        ("http://127.1/", None),
    ],
)
def test_validate_resolve_and_check_agree(url: str, rule: str | None, ptype: str) -> None:
    assert validate_rule(url, ptype) == rule
    assert env_rule(url, ptype) == rule
    assert check_rule(url, ptype) == rule


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "ftp://", "", "https://u:p@"]),
    st.text(alphabet="ab1.:/[]@?#=% -v", max_size=24),
    st.sampled_from(TYPES),
)
def test_verdicts_agree_on_any_text(scheme: str, rest: str, ptype: str) -> None:
    url = scheme + rest
    if not url.strip():
        return  # an empty value is a schema error in validate and "no base_url" in check
    assert validate_rule(url, ptype) == check_rule(url, ptype)


def test_messages_never_quote_a_value_from_the_environment() -> None:
    with pytest.raises(UrlError, match=r"^base_url '\$\{URL\}' must be an http") as caught:
        parse("ftp://secret-host/", "${URL}")
    assert "secret-host" not in caught.value.message
    with pytest.raises(UrlError, match="must not embed credentials") as caught:
        parse("https://user:hunter2@host/")
    assert "hunter2" not in caught.value.message


@pytest.mark.parametrize(
    ("host", "address", "private"),
    [
        ("3232235777", "192.168.1.1", True),  # decimal
        ("134744072", "8.8.8.8", False),
        ("0x7f000001", "127.0.0.1", True),  # hex
        ("0X08080808", "8.8.8.8", False),
        ("0177.0.0.1", "127.0.0.1", True),  # octal parts
        ("010.010.010.010", "8.8.8.8", False),
        ("127.1", "127.0.0.1", True),  # shortened: the last part fills the rest
        ("8.526344", "8.8.8.8", False),
        ("0x8.0x8.0x808", "8.8.8.8", False),
        ("10.0x.0.1", "10.0.0.1", True),  # a bare 0x is zero
        ("134744072.", "8.8.8.8", False),  # one part and a trailing dot
        ("255.0.0.1", "255.0.0.1", True),  # 255 is a valid part (240/4 is reserved)
        ("10.0.0.1.", "10.0.0.1", True),  # a trailing dot
        ("::ffff:8.8.8.8", "8.8.8.8", False),  # IPv4-mapped: the IPv4 address decides
        ("::ffff:127.0.0.1", "127.0.0.1", True),
        ("fe80::1", "fe80::1", True),
        ("2001:4860:4860::8888", "2001:4860:4860::8888", False),
    ],
)
def test_numeric_hosts_are_the_addresses_they_name(host: str, address: str, private: bool) -> None:
    """As the WHATWG URL parser (browsers, the app) and inet_aton (httpx's connect) read them."""
    assert str(host_address(host)) == address
    assert is_private(host) is private


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("localhost", True),
        ("gpu.lan", True),
        ("intranet", True),
        ("api.openai.com", False),
        ("10.0.0.1_0", False),  # int() would read '1_0' as 10; the URL parser reads a name
    ],
)
def test_names_are_private_only_when_a_private_network_resolves_them(
    host: str, private: bool
) -> None:
    assert host_address(host) is None and is_private(host) is private


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("1.2.3.999", "an IPv4 address part out of range"),
        ("1.2.3.256", "an IPv4 address part out of range"),
        ("10.256.1.1", "an IPv4 address part out of range"),
        ("10.1.2.3.4", "a numeric host that is no IPv4 address"),
        ("10..1", "a numeric host that is no IPv4 address"),
    ],
)
def test_a_numeric_host_that_is_no_address_is_never_private(host: str, problem: str) -> None:
    """It cannot be reached at all; counting it public means no key goes to it over http."""
    with pytest.raises(ValueError, match=f"^{problem}$"):
        host_address(host)
    assert not is_private(host)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:hunter2@relay.example/v1/?key=abc#frag", "https://***@relay.example/v1/?…"),
        ("ftp://token@host:99999/x", "ftp://***@host:99999/x"),
        ("https://host/path#", "https://host/path#"),
        ("https://host/openai#x", "https://host/openai#…"),
        ("https://a@b@host/", "https://***@host/"),
        ("not a url @ all", "not a url @ all"),
    ],
)
def test_display_url_never_shows_userinfo_or_query(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize(
    "url",
    ["ftp://user:hunter2@host/", "https://user:hunter2@host:99999/", "http://u:hunter2@1.2.3.4.5/"],
)
def test_no_message_about_a_url_shows_its_credentials(url: str) -> None:
    diagnostics = validate_text(_file(url, "openai"), "p.yaml").diagnostics
    assert diagnostics and all("hunter2" not in d.message for d in diagnostics)
    assert any("***@" in d.message for d in diagnostics) or all(
        d.rule == "base-url-credentials" for d in diagnostics
    )
