"""One pull request comment that cherrysync keeps current, through GitHub's REST API.

The Action posts its review comment once and edits it on every later push, so a pull request
carries one up-to-date comment instead of one per push. The comment is found again by a hidden
HTML marker at the start of its body (``<!-- cherrysync-comment:KEY -->``, invisible when
rendered); a quoted copy in someone's reply starts with ``>`` and never matches.

Security: the token travels only in the ``Authorization`` header, only to the origin of
``GITHUB_API_URL`` — a pagination link to another origin is refused, redirects are not followed
— and it is never printed: every message is built here, and GitHub's own words are cleared of
it before they are shortened and escaped. Responses are read up to a size limit and parsed by
the checker's bounded parser (:func:`~cherrysync.check.body.parse_json`), pages up to a count
limit.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from cherrysync import __version__
from cherrysync.baseurl import display_url
from cherrysync.check.body import INVALID, parse_json
from cherrysync.check.redaction import Redactor
from cherrysync.errors import CherrysyncError

API_VERSION = "2022-11-28"
#: GitHub refuses comment bodies over 65,536 characters; stay clear of it
MAX_BODY = 65_000
PER_PAGE = 100
MAX_PAGES = 100
MAX_RESPONSE = 16 * 1024 * 1024
TIMEOUT = 30.0
_MAX_REASON = 200


class GitHubError(CherrysyncError):
    """GitHub refused or could not be reached; ``status`` is the HTTP status (0: no answer)."""

    code = 1

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PullRequestThread:
    """Where the comment lives: ``owner/name`` and the pull request (issue) number."""

    repository: str
    number: int


def marker(key: str) -> str:
    """The hidden first line that identifies cherrysync's comment (``key``: which one)."""
    return f"<!-- cherrysync-comment:{key} -->"


def fit(body: str, limit: int = MAX_BODY) -> str:
    """``body`` cut to what GitHub accepts, saying so at the end."""
    if len(body) <= limit:
        return body
    note = "\n\n… (cut: a comment holds at most 65,536 characters; run cherrysync diff locally)\n"
    return body[: limit - len(note)] + note


@dataclass(frozen=True)
class _Answer:
    """A successful response: its JSON and the URL of the next page, if any."""

    data: Any
    next_url: str | None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class GitHub:
    """A minimal client for issue comments; use as a context manager."""

    def __init__(
        self, api_url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._origin = _origin(self.api_url)
        self._redactor = Redactor([token])
        self._client = httpx.Client(
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"cherrysync/{__version__}",
            },
            timeout=TIMEOUT,
            follow_redirects=False,
            transport=transport,
        )

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    # ------------------------------------------------------------------------------- wire

    def _send(self, method: str, url: str, body: str | None = None) -> _Answer:
        """One request to the API's origin; the body is read up to :data:`MAX_RESPONSE`."""
        if _origin(url) != self._origin:
            parts = urlsplit(url)  # from a Link header: the server's text
            elsewhere = self._redactor.value(display_url(f"{parts.scheme}://{parts.netloc}"), 120)
            raise GitHubError(f"refusing to send the token to {elsewhere}")
        where = f"{method} {urlsplit(url).path}"
        try:
            payload = None if body is None else {"body": body}
            with self._client.stream(method, url, json=payload) as response:
                content = bytearray()
                for chunk in response.iter_bytes():
                    content += chunk
                    if len(content) > MAX_RESPONSE:
                        raise GitHubError(f"GitHub's answer to {where} is too large")
        except httpx.HTTPError as exc:
            raise GitHubError(f"cannot reach {self.api_url}: {type(exc).__name__}") from exc
        status = response.status_code
        if not 200 <= status < 300:
            reason = self._redactor(_reason(bytes(content)), _MAX_REASON)
            raise GitHubError(f"GitHub answered {status} to {where}: {reason}", status)
        data, problem = parse_json(bytes(content))
        if data is INVALID:
            raise GitHubError(f"GitHub's answer to {where} is not usable JSON ({problem})")
        return _Answer(data, response.links.get("next", {}).get("url"))

    # ----------------------------------------------------------------------------- comments

    def comments(self, thread: PullRequestThread) -> Iterator[dict[str, Any]]:
        """Every comment of the thread, page by page (following ``Link: rel="next"``)."""
        url: str | None = (
            f"{self.api_url}/repos/{thread.repository}/issues/{thread.number}/comments"
            f"?per_page={PER_PAGE}"
        )
        for _ in range(MAX_PAGES):
            if url is None:
                return
            answer = self._send("GET", url)
            if not isinstance(answer.data, list):
                raise GitHubError("GitHub's list of comments is not a list")
            yield from (c for c in answer.data if isinstance(c, dict))
            url = answer.next_url
        raise GitHubError(f"more than {MAX_PAGES * PER_PAGE} comments; not looking further")

    @functools.cached_property
    def own_login(self) -> str | None:
        """The token's user, or None for a bot's token (the Actions ``GITHUB_TOKEN`` or an
        app's), which ``GET /user`` refuses; asked once per client."""
        try:
            user = self._send("GET", f"{self.api_url}/user").data
        except GitHubError as exc:
            if exc.status in (401, 403, 404):
                return None
            raise
        login = user.get("login") if isinstance(user, dict) else None
        return login if isinstance(login, str) else None

    def find(self, thread: PullRequestThread, key: str) -> dict[str, Any] | None:
        """cherrysync's comment: its marker first, written by this token's user (or by a bot,
        for a bot's token). Anyone can copy the marker into a comment of their own; that one
        is never edited."""
        mark = marker(key)
        login = self.own_login
        for comment in self.comments(thread):
            body, user = comment.get("body"), comment.get("user")
            if not (isinstance(body, str) and body.startswith(mark) and isinstance(user, dict)):
                continue
            if user.get("login") == login if login else user.get("type") == "Bot":
                return comment
        return None

    def upsert(self, thread: PullRequestThread, key: str, body: str) -> tuple[str, str]:
        """Update cherrysync's comment, or create it: ``("created"|"updated", its URL)``."""
        text = fit(f"{marker(key)}\n{body}")
        repo = f"{self.api_url}/repos/{thread.repository}/issues"
        found = self.find(thread, key)
        comment_id = found.get("id") if found is not None else None
        if isinstance(comment_id, int):
            action, answer = "updated", self._send("PATCH", f"{repo}/comments/{comment_id}", text)
        else:
            action, answer = "created", self._send("POST", f"{repo}/{thread.number}/comments", text)
        link = answer.data.get("html_url") if isinstance(answer.data, dict) else None
        return action, str(link or "")


def _reason(body: bytes) -> str:
    """GitHub's ``message`` in full (the caller redacts, then cuts), or nothing; never the raw
    body."""
    data, _ = parse_json(body)
    message = data.get("message") if isinstance(data, dict) else None
    return message if isinstance(message, str) else "no reason given"
