"""Read provider error bodies and map status + machine fields to a classification.

Decisions use the HTTP status and machine-readable fields only (provider-apis.md §0); message
text only ever adds detail to the report. ``phase`` separates "no such path" from "no such
model": a 404 on the listing route is a wrong base URL, on a per-model call a missing model.
A body of any shape is read without error: what is not where an envelope puts it is ignored.
Transport errors are classified here too, in our own words (:func:`transport_failure`).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from cherrysync.baseurl import display_url
from cherrysync.check.result import ProbeFailure, Status

Phase = Literal["list", "model"]


@dataclass
class ErrorInfo:
    """The machine fields of an error body, whatever its envelope."""

    message: str = ""
    type: str | None = None
    code: str | None = None
    param: str | None = None
    status: str | None = None
    reasons: list[str] = field(default_factory=list)
    quota_ids: list[str] = field(default_factory=list)
    #: the body was not a JSON object: ``message`` is its text, and no machine field exists
    plain: bool = False


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _items(value: Any) -> list[Any]:
    """``value`` when it is a list, else no items (``"details": true`` is not a list)."""
    return value if isinstance(value, list) else []


def error_info(body: Any, text: str = "") -> ErrorInfo:
    """Parse the OpenAI, Anthropic, Gemini, Azure, FastAPI and plain-string error shapes."""
    if isinstance(body, list) and len(body) == 1:  # Gemini sometimes wraps the status in a list
        body = body[0]
    if not isinstance(body, dict):
        return ErrorInfo(message=_plain_text(text), plain=True)
    info = _envelope(body)
    if body.get("object") == "error" and not info.type:  # vLLM's flat form
        info.type = _text(body.get("type"))
        info.code = _text(body.get("code"))
        info.message = str(body.get("message") or "")
    return info


def _plain_text(text: str) -> str:
    """A non-JSON body as the message, unless it is an HTML page. Not shortened here: the
    redactor shortens it after removing secrets."""
    return text.strip() if text and "<" not in text[:50] else ""


def _envelope(body: dict[str, Any]) -> ErrorInfo:
    """``{"error": "…"}``, ``{"error": {…}}``, FastAPI's ``{"detail": …}`` or a bare message."""
    error = body.get("error")
    if isinstance(error, str):
        return ErrorInfo(message=error)
    if isinstance(error, dict):
        return _error_object(error)
    if "detail" in body:
        return ErrorInfo(message=str(body["detail"]))
    if "message" in body:
        return ErrorInfo(
            message=str(body["message"]), code=_text(body.get("statusCode") or body.get("code"))
        )
    return ErrorInfo()


def _error_object(error: dict[str, Any]) -> ErrorInfo:
    """The OpenAI-style object, with Gemini's ``details`` and Azure's inner error code."""
    info = ErrorInfo(
        message=str(error.get("message") or ""),
        type=_text(error.get("type")),
        code=_text(error.get("code")),
        param=_text(error.get("param")),
        status=_text(error.get("status")),
    )
    for detail in _items(error.get("details")):
        if isinstance(detail, dict):
            _add_detail(info, detail)
    inner = error.get("innererror") or error.get("inner_error")
    if isinstance(inner, dict) and inner.get("code") and not info.code:
        info.code = str(inner["code"])
    return info


def _add_detail(info: ErrorInfo, detail: dict[str, Any]) -> None:
    """Gemini's ``ErrorInfo.reason`` and ``QuotaFailure`` quota ids."""
    if detail.get("reason"):
        info.reasons.append(str(detail["reason"]))
    for violation in _items(detail.get("violations")):
        if isinstance(violation, dict) and violation.get("quotaId"):
            info.quota_ids.append(str(violation["quotaId"]))


def _lower(value: str | None) -> str:
    return (value or "").lower()


def classify(code: int, info: ErrorInfo, *, phase: Phase, kind: str, html: bool) -> Status:
    """Classification of a non-2xx, non-3xx response."""
    etype, ecode = _lower(info.type), _lower(info.code)
    if code == 400:
        return _classify_400(info, kind, phase)
    if code == 401:
        return "auth_failed"
    if code == 402:
        return "quota_exhausted"
    if code == 403:
        if kind == "gemini" and not info.reasons and info.status == "PERMISSION_DENIED":
            return "auth_failed"  # Gemini: 403 without details means no key was sent
        return "permission_denied"
    if code == 404:
        return _classify_404(info, phase=phase, kind=kind, html=html)
    if code == 408:
        return "timeout"
    if code == 429:
        if "insufficient_quota" in (etype, ecode) or ecode == "quotaexceeded":
            return "quota_exhausted"
        if any("perday" in q.lower() for q in info.quota_ids):
            return "quota_exhausted"
        return "rate_limited"
    if code >= 500:
        return "server_error"
    return "bad_request"


def _classify_400(info: ErrorInfo, kind: str, phase: Phase) -> Status:
    etype, ecode = _lower(info.type), _lower(info.code)
    if any(r.startswith("API_KEY_INVALID") for r in info.reasons):
        return "auth_failed"
    if info.status == "INVALID_ARGUMENT" and info.message.startswith("API key"):
        return "auth_failed"
    if info.status == "FAILED_PRECONDITION":
        return "permission_denied"
    if etype == "no_db_connection":  # LiteLLM without a database: a wrong key
        return "auth_failed"
    if kind == "azure" and ecode == "badrequest" and phase == "list":
        return "wrong_base_url"  # the catalog GET has no body: only URL or api-version is left
    if kind == "azure" and ecode == "badrequest" and "api version" in _lower(info.message):
        return "wrong_base_url"  # hint: "API version not supported" / "… and later"
    return "bad_request"


_ROUTE_MISSING = ("not found", "file not found", "resource not found")


def _classify_404(info: ErrorInfo, *, phase: Phase, kind: str, html: bool) -> Status:
    if phase == "list" or html:
        return "wrong_base_url"
    ecode, message = _lower(info.code), _lower(info.message).strip()
    if kind == "azure":
        return "model_missing" if ecode in ("deploymentnotfound", "notfound") else "wrong_base_url"
    if info.plain or not (info.message or info.type):
        return "wrong_base_url"  # a text 404 (Ollama's gin router): the route, not the model
    if message in _ROUTE_MISSING and _lower(info.type) in ("", "not_found_error"):
        return "wrong_base_url"  # FastAPI / llama.cpp / Anthropic route-level 404
    return "model_missing"


def _has_ssl_cause(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def transport_failure(exc: BaseException, timeout: float, url: str) -> ProbeFailure:
    """Classify a transport error with our own wording (httpx text can contain the URL), naming
    the URL as :func:`~cherrysync.baseurl.display_url` shows it."""
    where = display_url(url)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return ProbeFailure("timeout", f"no complete response from {where} within {timeout:g}s")
    if _has_ssl_cause(exc):
        reason = "certificate verification failed"
        for candidate in (exc, exc.__cause__, exc.__context__):
            if isinstance(candidate, ssl.SSLCertVerificationError) and candidate.verify_message:
                reason = f"certificate verification failed: {candidate.verify_message}"
        return ProbeFailure("tls_error", f"TLS handshake with {where} failed ({reason})")
    if isinstance(exc, httpx.ConnectError):
        return ProbeFailure(
            "unreachable", f"cannot connect to {where} (DNS lookup failed or connection refused)"
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return ProbeFailure(
            "unreachable", f"{where}: connection reset or closed before a full response"
        )
    return ProbeFailure("unreachable", f"{where}: transport error ({type(exc).__name__})")
