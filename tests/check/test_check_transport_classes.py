"""How a transport error is named: TLS anywhere in its cause chain, in our own words, with the
URL as messages show it. Real TLS and connection failures are exercised over loopback in
test_check_transport.py; these pin the chain walk and every wording."""

from __future__ import annotations

import ssl

import httpx

from cherrysync.check.errors import transport_failure

URL = "https://user:pw@relay.example.com/v1?x=1"
SHOWN = "https://***@relay.example.com/v1?…"


def _verify_error(message: str) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "handshake failed")
    error.verify_message = message
    return error


def _chain(depth: int, root: BaseException) -> BaseException:
    """``root`` ``depth`` links down a chain of implicit contexts (no explicit causes)."""
    top = root
    for i in range(depth):
        outer = RuntimeError(f"level {i}")
        outer.__context__ = top
        top = outer
    return top


def outcome(exc: BaseException) -> tuple[str, str]:
    failure = transport_failure(exc, 2.5, URL)
    return failure.status, str(failure)


def test_a_verification_error_names_the_reason_the_library_gave() -> None:
    exc = httpx.ConnectError("handshake")
    exc.__cause__ = _verify_error("self-signed certificate")
    assert outcome(exc) == (
        "tls_error",
        f"TLS handshake with {SHOWN} failed (certificate verification failed: "
        "self-signed certificate)",
    )


def test_the_verification_text_alone_is_a_tls_error() -> None:
    exc = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert outcome(exc) == (
        "tls_error",
        f"TLS handshake with {SHOWN} failed (certificate verification failed)",
    )


def test_tls_is_found_through_implicit_contexts_up_to_eight_links() -> None:
    assert outcome(_chain(7, ssl.SSLError(1, "bad record mac")))[0] == "tls_error"
    # the walk is bounded: a deeper (or cyclic) chain is not followed to its end
    assert outcome(_chain(8, ssl.SSLError(1, "bad record mac")))[0] == "unreachable"


def test_a_cyclic_chain_without_tls_ends_the_walk() -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first
    assert outcome(first) == ("unreachable", f"{SHOWN}: transport error (RuntimeError)")


def test_timeouts_connects_and_resets_in_our_words() -> None:
    assert outcome(httpx.ReadTimeout("read")) == (
        "timeout",
        f"no complete response from {SHOWN} within 2.5s",
    )
    assert outcome(httpx.ConnectError("refused")) == (
        "unreachable",
        f"cannot connect to {SHOWN} (DNS lookup failed or connection refused)",
    )
    assert outcome(httpx.RemoteProtocolError("closed")) == (
        "unreachable",
        f"{SHOWN}: connection reset or closed before a full response",
    )
    assert outcome(ValueError("odd")) == ("unreachable", f"{SHOWN}: transport error (ValueError)")
