"""``python -m cherrysync.ci.prcomment``: the Action's pull request comment (``comment: true``).

One Markdown comment per pull request, updated on every push: the diff of each providers file
against the pull request's base commit, the ``validate`` summary and, when ``check`` ran, its
summary (both written by the Action's earlier steps). With ``--overlays`` and ``--tags`` each
diff is of the merged result and of the tagged providers, as ``cherrysync diff`` makes it.
Reads the runner's environment: ``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``,
``GITHUB_REPOSITORY``, ``GITHUB_API_URL`` and the token in ``GITHUB_TOKEN``. Outside a pull
request it posts nothing.

Exit codes: 0 posted, updated or nothing to do (also when GitHub refuses with 403, which is what
a pull request from a fork gets: a warning says so rather than failing the job), 1 when posting
failed otherwise, 2 usage errors.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import io
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cherrysync.check.body import INVALID, parse_json
from cherrysync.commands.common import load_overlays
from cherrysync.commands.diff import Side, compare
from cherrysync.errors import CherrysyncError, ProvidersFileError
from cherrysync.escaping import github_annotation, printable
from cherrysync.fileio import read_regular_file
from cherrysync.plan.review import code, fenced, render_diff_markdown
from cherrysync.sources import Source, git_blob, read_source, run_git
from cherrysync.validate.formats import render_text
from cherrysync.validate.overlays import Overlay

PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
#: what the base of a pull request that adds the file is compared as: a file with no providers
EMPTY_FILE = b"version: 1\n"
FETCH_TIMEOUT = 120.0
_MAX_EVENT = 25 * 1024 * 1024
_MAX_SUMMARY = 30_000


@dataclass(frozen=True)
class PullRequest:
    number: int
    base_sha: str
    base_ref: str
    head_sha: str


@dataclass(frozen=True)
class CommentOptions:
    """The files the Action checked (with its overlays and tags) and where its steps left their
    Markdown summaries."""

    files: tuple[str, ...]
    #: which comment is ours (see :func:`comment_key`)
    key: str
    validate_summary: str | None = None
    check_summary: str | None = None
    #: merged on top of both sides of every file, in this order (``--overlay``)
    overlays: tuple[str, ...] = ()
    #: the diff covers the providers carrying one of these in either version (``--tag``)
    tags: tuple[str, ...] = ()

    @classmethod
    def from_inputs(
        cls,
        files: str,
        overlays: str = "",
        tags: str = "",
        validate_summary: str | None = None,
        check_summary: str | None = None,
    ) -> CommentOptions:
        """The options from the Action's inputs as written (space-separated); the key comes
        from them before ``files`` patterns are expanded."""
        return cls(
            expand_files(files),  # overlays and tags are never patterns, as in the shell
            comment_key(files, overlays, tags),
            validate_summary,
            check_summary,
            tuple(overlays.split()),
            tuple(tags.split()),
        )


def pull_request(env: Mapping[str, str]) -> PullRequest | None:
    """The pull request of this run, from its event; None for any other event."""
    if env.get("GITHUB_EVENT_NAME") not in PULL_REQUEST_EVENTS:
        return None
    path = env.get("GITHUB_EVENT_PATH", "")
    try:
        event, problem = parse_json(read_regular_file(path, _MAX_EVENT)[:_MAX_EVENT])
        if event is INVALID:
            raise ValueError(problem)
        pr = event["pull_request"]
        return PullRequest(
            int(pr["number"]),
            str(pr["base"]["sha"]),
            str(pr["base"]["ref"]),
            str(pr["head"]["sha"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CherrysyncError(
            f"cannot read the pull request from GITHUB_EVENT_PATH ({printable(path)})"
        ) from exc


def _has_commit(sha: str) -> bool:
    return (
        run_git(["cat-file", "-e", f"{sha}^{{commit}}"], doing="look up the base").returncode == 0
    )


def fetch_base(pr: PullRequest) -> str | None:
    """Make the base commit available (a checkout is often shallow); None, or why it is not."""
    if pr.base_sha.startswith("-"):
        return "the event's base commit is not a commit id"
    if _has_commit(pr.base_sha):
        return None
    fetched = run_git(
        ["fetch", "--quiet", "--no-tags", "--depth=1", "origin", pr.base_sha],
        doing="fetch the base commit",
        timeout=FETCH_TIMEOUT,
    )
    if fetched.returncode != 0 or not _has_commit(pr.base_sha):
        return f"git could not fetch the base commit {pr.base_sha[:12]} from origin"
    return None


def _base_side(pr: PullRequest, file: str) -> Side:
    """The file as the base has it; a file the pull request adds is compared with no providers."""
    label = f"{pr.base_ref}:{file}"
    spec = f"{pr.base_sha}:./{file}"  # ./: relative to the folder the Action runs in
    if run_git(["cat-file", "-e", spec], doing=f"read {label}").returncode != 0:
        return Side(f"{pr.base_ref}: no {file}", EMPTY_FILE)
    return Side(label, git_blob(spec))


def diff_section(
    pr: PullRequest, file: str, overlays: Sequence[Overlay] = (), tags: Sequence[str] = ()
) -> str:
    """The Markdown diff of one file against the base (both sides with ``overlays`` merged on
    top, only providers carrying one of ``tags``), or why there is none."""
    try:
        old = _base_side(pr, file)
        new = Side(file, read_source(Source(file, "file"), io.BytesIO()))
        return render_diff_markdown(compare(old, new, overlays=overlays, tags=tags))
    except ProvidersFileError as exc:
        details = fenced(render_text(exc.diagnostics))
        return f"### cherrysync diff: {code(file)}\n\n{printable(exc.message)}:\n\n{details}"
    except CherrysyncError as exc:  # a file or revision git cannot read, a tag nothing carries
        return f"### cherrysync diff: {code(file)}\n\nNo diff: {printable(exc.message)}.\n"


def read_overlays(paths: Sequence[str]) -> tuple[list[Overlay], str | None]:
    """The overlays, each read once for every file; or, when one cannot be read or has errors
    of its own, why no file gets a diff (the Markdown the diff sections show instead)."""
    try:
        overlays = load_overlays(paths)
    except CherrysyncError as exc:
        return [], f"No diff: {printable(exc.message)}."
    broken = [o for o in overlays if any(d.severity == "error" for d in o.diagnostics)]
    if not broken:
        return overlays, None
    names = ", ".join(code(o.filename) for o in broken)
    errors = [d for o in broken for d in o.diagnostics if d.severity == "error"]
    verb = "is" if len(broken) == 1 else "are"
    return [], f"No diff: the overlay {names} {verb} not valid:\n\n{fenced(render_text(errors))}"


def _summary(path: str | None) -> str:
    """A step's Markdown summary, if it wrote one (bounded: a comment has a size limit)."""
    if not path:
        return ""
    try:
        text = read_regular_file(path, _MAX_SUMMARY)[:_MAX_SUMMARY]
        return text.decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _merged(options: CommentOptions) -> str:
    """What the diffs are of, for the heading: the overlays on top and the tags, when given."""
    said = []
    if options.overlays:
        many = len(options.overlays) > 1
        names = ", ".join(code(o) for o in options.overlays)
        said.append(
            f"with the overlay{'s' if many else ''} {names} merged on top"
            + (" in this order" if many else "")
        )
    if options.tags:
        said.append("only providers tagged " + " or ".join(code(t) for t in options.tags))
    return "".join(f", {s}" for s in said)


def compose(options: CommentOptions, pr: PullRequest) -> str:
    """The comment: heading, one diff per file, the validate and check summaries."""
    parts = [
        "## cherrysync",
        f"Providers files at {printable(pr.head_sha[:7])}, compared with {code(pr.base_ref)} "
        f"({printable(pr.base_sha[:7])}){_merged(options)}. "
        "This comment is updated on every push.",
    ]
    missing = fetch_base(pr)
    overlays, unusable = read_overlays(options.overlays)
    for file in options.files:
        if missing:
            parts.append(f"### cherrysync diff: {code(file)}\n\nNo diff: {printable(missing)}.")
        elif unusable:
            parts.append(f"### cherrysync diff: {code(file)}\n\n{unusable}".strip())
        else:
            parts.append(diff_section(pr, file, overlays, options.tags).strip())
    parts += [s for s in (_summary(options.validate_summary), _summary(options.check_summary)) if s]
    return "\n\n".join(parts) + "\n"


def expand_files(listed: str) -> tuple[str, ...]:
    """The ``files`` input as the Action's shell steps see it: split on whitespace, patterns
    (``configs/*.yaml``) expanded in sorted order, a pattern matching nothing kept as written."""
    files: list[str] = []
    for word in listed.split():
        matches = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
        files += matches or [word]
    return tuple(files)


def comment_key(listed: str, overlays: str = "", tags: str = "") -> str:
    """Which comment this is: one per ``files`` input as written (patterns unexpanded, so a
    file added under ``configs/*.yaml`` keeps the comment), so two uses of the Action keep two.

    Overlays (in order) and tags count too, so a matrix over machines' overlays keeps one
    comment per machine; without them the key is what it was before they existed."""
    words = sorted(listed.split())
    if overlays.split() or tags.split():
        words += ["--overlay", *overlays.split(), "--tag", *sorted(tags.split())]
    return hashlib.sha256("\0".join(words).encode()).hexdigest()[:12]


def post(options: CommentOptions, env: Mapping[str, str] = os.environ) -> int:
    """Compose and post (or update) the comment; see the module docstring for exit codes."""
    from cherrysync.ci.ghcomment import GitHub, GitHubError, PullRequestThread

    pr = pull_request(env)
    if pr is None:
        print("cherrysync: not a pull request; no comment posted")
        return 0
    token = env.get("GITHUB_TOKEN", "")
    repository = env.get("GITHUB_REPOSITORY", "")
    if not token or "/" not in repository:
        raise CherrysyncError("GITHUB_TOKEN and GITHUB_REPOSITORY must be set to comment")
    body = compose(options, pr)
    api = env.get("GITHUB_API_URL") or "https://api.github.com"
    try:
        with GitHub(api, token) as github:
            thread = PullRequestThread(repository, pr.number)
            action, url = github.upsert(thread, options.key, body)
    except GitHubError as exc:
        if exc.status != 403:
            raise
        advice = (
            f"{exc.message}. The token may not write pull request comments: give the job "
            "'permissions: pull-requests: write' (a pull request from a fork gets a read-only "
            "token)"
        )
        print(github_annotation("warning", "cherrysync comment", advice))
        return 0
    print(f"cherrysync: comment {action}: {printable(url)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from cherrysync.cli import handle_errors

    parser = argparse.ArgumentParser(prog="python -m cherrysync.ci.prcomment")
    parser.add_argument("--files", required=True, help="the providers files, space-separated")
    parser.add_argument(
        "--overlays", default="", help="overlay files merged on top, space-separated, in order"
    )
    parser.add_argument("--tags", default="", help="only providers carrying a tag, space-separated")
    parser.add_argument("--validate-summary", metavar="PATH")
    parser.add_argument("--check-summary", metavar="PATH")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    options = CommentOptions.from_inputs(
        args.files, args.overlays, args.tags, args.validate_summary, args.check_summary
    )
    return handle_errors(lambda: post(options))


if __name__ == "__main__":
    sys.exit(main())
