"""``cherrysync check``: live-check keys, base URLs and model IDs of every provider."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from cherrysync import collector
from cherrysync.check.formats import CHECK_FORMATS
from cherrysync.commands.common import (
    DEFAULT_FILE,
    LoadedProviders,
    add_env_file_option,
    add_file_argument,
    add_format_option,
    add_overlay_options,
    add_provider_option,
    append_summary,
    env_files_of,
    load_selected,
    refuse_summary_path,
)
from cherrysync.commands.failure import Failure, report_failure
from cherrysync.console import NORMAL, QUIET, VERBOSE
from cherrysync.errors import CherrysyncError

if TYPE_CHECKING:
    from cherrysync.check.history import Previous
    from cherrysync.check.result import CheckResult
    from cherrysync.check.runner import Settings

HELP = "live-check keys, base URLs and model IDs against the providers' APIs"
EPILOG = """examples:
  cherrysync check providers.yaml
  cherrysync check --provider openai-work --format json
  cherrysync check --overlay laptop.yaml --tag work
  cherrysync check --probe --format github        # also sends one-token requests (billed)
  cherrysync check --balance --history .cherrysync-history.jsonl

Without --probe nothing billable is sent: keys are proven by listing models.
exit codes: 0 everything passed (warnings allowed), 1 a check failed, 2 usage or I/O error"""


def _number(
    kind: type[int] | type[float], minimum: float, inclusive: bool, noun: str
) -> Callable[[str], Any]:
    """An argparse ``type=`` that says what was wrong instead of a bare 'invalid value'."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {noun}, got {text!r}") from None
        if value == float("inf") or (value < minimum if inclusive else not value > minimum):
            bound = f"at least {minimum:g}" if inclusive else f"more than {minimum:g}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}")
        return value

    return parse


positive_int = _number(int, 1, True, "a whole number")
non_negative_int = _number(int, 0, True, "a whole number")
positive_float = _number(float, 0, False, "a number of seconds")


@dataclass(frozen=True)
class NetworkOptions:
    """Request deadlines and retries, shared with ``cherrysync models``."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_wait: float = 10.0

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> NetworkOptions:
        return cls(args.timeout, args.retries, args.backoff, args.max_retry_wait)


NETWORK_DEFAULTS = NetworkOptions()


@dataclass(frozen=True)
class CheckOptions:
    """What ``cherrysync check`` was asked to do."""

    file: str = DEFAULT_FILE
    providers: tuple[str, ...] = ()
    format: str = "text"
    summary: str | None = None
    probe: bool = False
    allow_unlisted: bool = False
    concurrency: int = 16
    per_host: int = 4
    network: NetworkOptions = field(default_factory=NetworkOptions)
    env_files: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: a :mod:`console` level: QUIET drops warnings and progress, VERBOSE adds counts
    verbosity: int = NORMAL
    #: read every known provider's balance, not only those with check.min_balance
    balance: bool = False
    #: append this run to a JSON-lines history file and report what changed since the last one
    history: str | None = None


CHECK_DEFAULTS = CheckOptions()


#: ``(option, type, NetworkOptions field, metavar, help)`` of the options ``models`` shares.
_NETWORK_ARGUMENTS: tuple[tuple[str, Callable[[str], Any], str, str, str], ...] = (
    (
        "--timeout",
        positive_float,
        "timeout",
        "SECONDS",
        "deadline per request attempt, connect and read included (default 10)",
    ),
    (
        "--retries",
        non_negative_int,
        "retries",
        "N",
        "retries on 429, 5xx, timeouts and connection errors (default 2)",
    ),
    (
        "--backoff",
        positive_float,
        "backoff",
        "SECONDS",
        "first retry delay without a server hint; doubles per retry, capped at 8s",
    ),
    (
        "--max-retry-wait",
        positive_float,
        "max_retry_wait",
        "SECONDS",
        "longest server-requested retry delay to wait for; longer ones end retrying",
    ),
)


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with ``cherrysync models``; defaults from :class:`NetworkOptions`."""
    for option, kind, name, metavar, help_text in _NETWORK_ARGUMENTS:
        default = getattr(NETWORK_DEFAULTS, name)
        parser.add_argument(option, type=kind, default=default, metavar=metavar, help=help_text)
    add_env_file_option(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    add_provider_option(parser, "check")
    add_overlay_options(parser)
    add_format_option(parser, CHECK_FORMATS)
    parser.add_argument(
        "--summary",
        metavar="PATH",
        help="also append a Markdown table of the results to PATH (e.g. $GITHUB_STEP_SUMMARY)",
    )
    parser.add_argument(
        "--probe",
        action="store_true",
        help="also send the smallest real request per model (billable; the count is printed first)",
    )
    parser.add_argument(
        "--allow-unlisted",
        action="store_true",
        help="a configured model missing from the list is a warning, not a failure",
    )
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=CHECK_DEFAULTS.concurrency,
        metavar="N",
        help="requests in flight overall (default 16)",
    )
    parser.add_argument(
        "--per-host",
        type=positive_int,
        default=CHECK_DEFAULTS.per_host,
        metavar="N",
        help="requests in flight per host (default 4; local servers choke on fan-out)",
    )
    add_network_arguments(parser)
    parser.add_argument(
        "--balance",
        action="store_true",
        help="read each key's balance where the provider has a free balance route "
        "(providers with check.min_balance are always read)",
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="append this run to FILE (JSON lines, no keys) and print what changed since "
        "the previous run recorded there",
    )


def run(args: argparse.Namespace) -> int:
    options = CheckOptions(
        file=args.file,
        providers=tuple(args.provider),
        format=args.format,
        summary=args.summary,
        probe=args.probe,
        allow_unlisted=args.allow_unlisted,
        concurrency=args.concurrency,
        per_host=args.per_host,
        network=NetworkOptions.from_args(args),
        env_files=env_files_of(args, [args.file]),
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
        verbosity=args.verbosity,
        balance=args.balance,
        history=args.history,
    )
    return check(options)


def build_settings(options: CheckOptions) -> Settings:
    """The runner's settings; naming providers also checks the disabled ones among them."""
    from cherrysync.check.runner import Settings

    return Settings(
        probe=options.probe,
        allow_unlisted=options.allow_unlisted,
        timeout=options.network.timeout,
        retries=options.network.retries,
        backoff=options.network.backoff,
        max_retry_wait=options.network.max_retry_wait,
        concurrency=options.concurrency,
        per_host=options.per_host,
        include_disabled=bool(options.providers),
        balance=options.balance,
    )


def _prepare(
    options: CheckOptions, out: TextIO, err: TextIO
) -> tuple[LoadedProviders, Previous | None]:
    """The selected providers, resolved, and the previous run in ``--history``; a ``--summary``
    that cannot be appended to ends the command now. On failure, machine formats still get a
    document."""
    from cherrysync.check.formats import summary

    try:
        # only the selected providers are resolved; names and tags that select nothing are errors
        loaded = load_selected(options, err, quiet=options.verbosity == QUIET)
        refuse_summary_path(options.summary)
        return loaded, read_history(options, err)
    except CherrysyncError as exc:  # --format json/sarif/junit/github: still a document
        empty = {"results": [], "summary": summary([])}
        report_failure(options.format, Failure.of("check", options.file, exc, empty), out)
        raise


def check(
    options: CheckOptions, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Check the file's providers live; the exit code of the results (0 pass, 1 a failure)."""
    import asyncio
    import time

    from cherrysync.check.formats import (
        Progress,
        exit_code,
        render,
        render_markdown,
        summary_sentence,
    )
    from cherrysync.check.positions import result_locator
    from cherrysync.check.runner import Runner, billable_requests, expected_results

    out, err = stdout or sys.stdout, stderr or sys.stderr
    loaded, previous = _prepare(options, out, err)
    providers = loaded.providers
    settings = build_settings(options)
    billable = billable_requests(providers, settings)
    if options.probe or billable:
        print(
            f"probe: sending up to {billable} billable request(s): one-token chat, embeddings "
            "or generateContent per key x model (Anthropic uses the free count_tokens); a "
            "request refused with 429/5xx is retried, a reasoning model that refuses max_tokens "
            "is asked once more with max_completion_tokens",
            file=err,
        )
    progress = Progress(expected_results(providers, settings), err)
    progress.enabled = progress.enabled and options.verbosity != QUIET  # -q: results only
    started = time.monotonic()
    runner = Runner(settings, on_result=progress.update)
    collector.resume()  # start-up ends: the requests make cyclic garbage of their own
    results = asyncio.run(progress.track(runner.run(providers)))
    progress.close()
    locate = result_locator(loaded.validated.document, loaded.providers)
    out.write(render(options.format, results, loaded.filename, locate))
    markdown = render_markdown(results)
    if options.history is not None and previous is not None:
        markdown += record_history(options.history, options.file, previous, results, err)
    if options.summary:
        append_summary(options.summary, markdown)
    if options.verbosity == VERBOSE:  # -v: the counts
        seconds = time.monotonic() - started
        sentence = summary_sentence(results)
        print(f"{len(providers)} provider(s) in {seconds:.1f}s: {sentence}", file=err)
    return exit_code(results)


def read_history(options: CheckOptions, stderr: TextIO) -> Previous | None:
    """The previous run in ``--history`` (read before checking, so a bad path ends the command
    at once), its skipped lines reported as warnings."""
    if options.history is None:
        return None
    from cherrysync.check.history import read_previous

    previous = read_previous(options.history, options.file)
    for warning in previous.warnings if options.verbosity != QUIET else []:
        print(f"cherrysync: warning: {warning}", file=stderr)
    return previous


def record_history(
    path: str, file: str, previous: Previous, results: list[CheckResult], stderr: TextIO
) -> str:
    """Append this run, print what changed; the job-summary section saying the same."""
    from cherrysync.check import history

    changes = history.compare(previous.run, results) if previous.run is not None else None
    history.append(path, file, results, torn=previous.torn)
    stderr.write(history.render_text(changes, path))
    return history.render_markdown(changes)
