"""The sticky pull request comment against a fake GitHub API on loopback (real HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cherrysync.ci.ghcomment import MAX_BODY, GitHub, GitHubError, PullRequestThread, fit, marker
from cherrysync.ci.prcomment import CommentOptions, expand_files, post
from cherrysync.errors import CherrysyncError
from emulators.github import GitHubEmulator
from emulators.server import Reply

TOKEN = "ghs_fakeToken0123456789abcdefABCDEF"
THREAD = PullRequestThread("acme/providers", 7)


@pytest.fixture
def github() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(TOKEN) as server:
        yield server


def test_creates_once_then_updates_the_same_comment(github: GitHubEmulator) -> None:
    github.add(7, "LGTM")
    github.add(8, marker("k1") + "\nanother pull request's comment")
    with GitHub(github.url, TOKEN) as client:
        assert client.upsert(THREAD, "k1", "first")[0] == "created"
        assert client.upsert(THREAD, "k1", "second")[0] == "updated"
        assert client.upsert(THREAD, "k2", "other files")[0] == "created"
    bodies = [c["body"] for c in github.on(7)]
    assert bodies == ["LGTM", marker("k1") + "\nsecond", marker("k2") + "\nother files"]
    asked = [(r.method, r.path.rsplit("/", 1)[-1]) for r in github.requests]
    assert asked == [
        ("GET", "user"),  # who the token is: once per client
        ("GET", "comments"),
        ("POST", "comments"),
        ("GET", "comments"),
        ("PATCH", str(github.on(7)[1]["id"])),
        ("GET", "comments"),
        ("POST", "comments"),
    ]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in github.requests)


def test_finds_its_comment_on_a_later_page(github: GitHubEmulator) -> None:
    github.add(7, "> " + marker("k1") + "\nsomeone quoting the comment")  # never matches
    for n in range(149):
        github.add(7, f"comment {n}")
    ours = github.add(7, marker("k1") + "\nold", "github-actions[bot]", "Bot")  # the 151st
    for n in range(80):
        github.add(7, f"later comment {n}")
    with GitHub(github.url, TOKEN) as client:
        action, url = client.upsert(THREAD, "k1", "new")
    assert (action, url) == ("updated", ours["html_url"])
    assert ours["body"] == marker("k1") + "\nnew" and len(github.on(7)) == 231
    pages = [r.query.get("page", "1") for r in github.requests if r.path.endswith("/comments")]
    assert pages == ["1", "2"]  # stops at the page that has it


def test_bad_token_is_a_clear_error_without_the_token(github: GitHubEmulator) -> None:
    client = GitHub(github.url, "ghs_wrongToken0123456789")
    with client, pytest.raises(GitHubError, match=r"answered 401 to GET .*: Bad credentials") as e:
        client.upsert(THREAD, "k1", "body")
    assert e.value.status == 401 and "ghs_" not in str(e.value)


def test_the_token_never_follows_a_link_to_another_origin(github: GitHubEmulator) -> None:
    with GitHubEmulator(TOKEN) as elsewhere:
        link = f'<{elsewhere.url}/repos/acme/providers/issues/7/comments?page=2>; rel="next"'
        github.inject("/comments$", Reply(200, [], headers={"Link": link}), method="GET")
        client = GitHub(github.url, TOKEN)
        with (
            client,
            pytest.raises(GitHubError, match=r"refusing to send the token to http://127\.0\.0\.1:"),
        ):
            client.upsert(THREAD, "k1", "body")
        assert elsewhere.requests == []


def test_github_messages_are_scrubbed_of_the_token(github: GitHubEmulator) -> None:
    github.inject("/comments$", Reply(422, {"message": f"token {TOKEN} is odd"}))
    client = GitHub(github.url, TOKEN)
    with client, pytest.raises(GitHubError, match="GitHub answered 422") as e:
        client.upsert(THREAD, "k1", "body")
    assert TOKEN not in e.value.message and TOKEN[:4] + "…" in e.value.message


def test_hostile_answers_are_clean_errors(github: GitHubEmulator) -> None:
    """GitHub's words are redacted before they are cut, and escaped; deep JSON is no answer."""
    message = "x" * 190 + f"{TOKEN}\x1b[2J\n::error::forged"
    github.inject("/comments$", Reply(422, {"message": message}), method="GET", times=1)
    client = GitHub(github.url, TOKEN)
    with client, pytest.raises(GitHubError, match="GitHub answered 422") as e:
        client.upsert(THREAD, "k1", "body")
    assert TOKEN[:8] not in e.value.message and "ghs_…" in e.value.message
    assert "\x1b" not in e.value.message and "\n" not in e.value.message
    nested = "[" * 100_000 + "]" * 100_000
    github.inject("/comments$", Reply(200, nested, raw=True), method="GET")
    with (
        GitHub(github.url, TOKEN) as again,
        pytest.raises(GitHubError, match=r"not usable JSON \(body nests deeper"),
    ):
        again.upsert(THREAD, "k1", "body")


def test_a_long_body_is_cut_to_what_github_accepts() -> None:
    assert fit("short") == "short"
    cut = fit("x" * 100_000)
    assert len(cut) == MAX_BODY and cut.endswith("run cherrysync diff locally)\n")


# ------------------------------------------------------------------------------ prcomment


def _env(github: GitHubEmulator, tmp_path: Path, event: str = "pull_request") -> dict[str, str]:
    payload = {
        "pull_request": {
            "number": 7,
            "base": {"sha": "0" * 40, "ref": "main"},
            "head": {"sha": "1" * 40},
        }
    }
    (tmp_path / "event.json").write_text(json.dumps(payload))
    return {
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
        "GITHUB_REPOSITORY": "acme/providers",
        "GITHUB_API_URL": github.url,
        "GITHUB_TOKEN": TOKEN,
    }


def test_outside_a_pull_request_nothing_is_posted(
    github: GitHubEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert post(CommentOptions.from_inputs("providers.yaml"), _env(github, tmp_path, "push")) == 0
    assert "not a pull request" in capsys.readouterr().out and github.requests == []


def test_a_read_only_token_is_a_warning_not_a_failure(
    github: GitHubEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # not a repository: the comment says there is no diff
    github.inject("/comments$", Reply(403, {"message": "Resource not accessible by integration"}))
    assert post(CommentOptions.from_inputs("providers.yaml"), _env(github, tmp_path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("::warning title=cherrysync comment::GitHub answered 403")
    assert "pull-requests: write" in out and TOKEN not in out


def test_github_text_in_the_warning_and_the_link_is_escaped(
    github: GitHubEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    forged = "no\n::error title=forged::owned\x1b[2J"
    github.inject("/comments$", Reply(403, {"message": forged}), times=1)
    assert post(CommentOptions.from_inputs("providers.yaml"), _env(github, tmp_path)) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\x1b" not in out  # one annotation, nothing forged
    github.inject("/comments$", Reply(201, {"html_url": "https://x/\x1b]0;t\x07"}), method="POST")
    assert post(CommentOptions.from_inputs("providers.yaml"), _env(github, tmp_path)) == 0
    assert capsys.readouterr().out.endswith("comment created: https://x/\\x1b]0;t\\x07\n")


def test_a_hostile_event_file_is_a_clear_error(
    github: GitHubEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _env(github, tmp_path)
    (tmp_path / "event.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CherrysyncError, match="cannot read the pull request from GITHUB_EVENT"):
        post(CommentOptions.from_inputs("providers.yaml"), env)
    assert github.requests == []


def test_files_are_read_as_the_shell_steps_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / "configs" / name).touch()
    assert expand_files(" providers.yaml\tconfigs/*.yaml  none/*.yaml ") == (
        "providers.yaml",
        "configs/a.yaml",
        "configs/b.yaml",
        "none/*.yaml",
    )


@pytest.mark.parametrize("user", [None, "alice"])
def test_a_copied_marker_in_someone_elses_comment_is_never_edited(
    github: GitHubEmulator, user: str | None
) -> None:
    """With the Actions token, cherrysync's comment is a bot's; with a personal token, that
    user's. A marker anyone else pasted is left alone, and cherrysync posts its own."""
    github.user = user
    forged = github.add(7, marker("k1") + "\nplanted", "mallory")
    with GitHub(github.url, TOKEN) as client:
        assert client.upsert(THREAD, "k1", "first")[0] == "created"
        assert client.upsert(THREAD, "k1", "second")[0] == "updated"
    assert forged["body"] == marker("k1") + "\nplanted"
    ours = github.on(7)[-1]
    assert ours["body"] == marker("k1") + "\nsecond"
    assert ours["user"]["login"] == (user or "github-actions[bot]")
