"""A fake GitHub REST API for issue comments: auth, paged lists with Link headers, create, edit."""

from __future__ import annotations

import re
from typing import Any

from emulators.server import Emulator, Reply, Request, bearer

_LIST = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
_ONE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")


class GitHubEmulator(Emulator):
    """Comments of ``repository``'s issues; pages of at most ``page_size`` (GitHub allows 100)."""

    name = "github"

    def __init__(
        self,
        token: str,
        repository: str = "acme/providers",
        page_size: int = 100,
        user: str | None = None,
    ):
        """``user``: the login of a personal token; None for a bot's token (the Actions
        ``GITHUB_TOKEN``), whose comments come from ``github-actions[bot]``."""
        super().__init__()
        self.token = token
        self.user = user
        self.repository = repository
        self.page_size = page_size
        self.comments: list[dict[str, Any]] = []
        self._next_id = 1000

    def __enter__(self) -> GitHubEmulator:
        self.start()
        return self

    def add(
        self, issue: int, body: str, login: str = "someone", kind: str = "User"
    ) -> dict[str, Any]:
        comment = {
            "id": self._next_id,
            "issue": issue,
            "body": body,
            "user": {"login": login, "type": kind},
            "html_url": f"https://github.example/{self.repository}/pull/{issue}#issuecomment-"
            f"{self._next_id}",
        }
        self._next_id += 1
        self.comments.append(comment)
        return comment

    def on(self, issue: int) -> list[dict[str, Any]]:
        return [c for c in self.comments if c["issue"] == issue]

    def handle(self, request: Request) -> Reply:
        if bearer(request) != self.token:
            return Reply(401, {"message": "Bad credentials"})
        if request.headers.get("x-github-api-version") != "2022-11-28":
            return Reply(400, {"message": "missing X-GitHub-Api-Version"})
        if request.path == "/user" and request.method == "GET":
            if self.user is None:
                return Reply(403, {"message": "Resource not accessible by integration"})
            return Reply(200, {"login": self.user, "type": "User"})
        listing, one = _LIST.match(request.path), _ONE.match(request.path)
        if listing and listing[1] == self.repository:
            if request.method == "GET":
                return self._page(request, int(listing[2]))
            if request.method == "POST":
                login, kind = (self.user, "User") if self.user else ("github-actions[bot]", "Bot")
                return Reply(201, self.add(int(listing[2]), request.json["body"], login, kind))
        if one and one[1] == self.repository and request.method == "PATCH":
            for comment in self.comments:
                if comment["id"] == int(one[2]):
                    comment["body"] = request.json["body"]
                    return Reply(200, comment)
        return Reply(404, {"message": "Not Found"})

    def _page(self, request: Request, issue: int) -> Reply:
        per_page = min(int(request.query.get("per_page", 30)), self.page_size)
        page = int(request.query.get("page", 1))
        comments = self.on(issue)
        chunk = comments[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(comments):
            path = f"{self.url}{request.path}?per_page={per_page}&page={page + 1}"
            headers["Link"] = (
                f'<{path}>; rel="next", <{self.url}{request.path}?page=1>; rel="first"'
            )
        return Reply(200, chunk, headers=headers)
