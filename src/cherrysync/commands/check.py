"""``cherrysync check``: live-check keys, base URLs and model IDs of every provider."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cherrysync.check.formats import CHECK_FORMATS
from cherrysync.commands import CommandError
from cherrysync.commands.common import add_env_file_option, add_file_argument, load_providers

HELP = "live-check keys, base URLs and model IDs against the providers' APIs"
EPILOG = """examples:
  cherrysync check providers.yaml
  cherrysync check --provider openai-work --format json
  cherrysync check --probe --format github        # also sends one-token requests (billed)

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


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with ``cherrysync models``."""
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="deadline per request attempt, connect and read included (default 10)",
    )
    parser.add_argument(
        "--retries",
        type=non_negative_int,
        default=2,
        metavar="N",
        help="retries on 429, 5xx, timeouts and connection errors (default 2)",
    )
    parser.add_argument(
        "--backoff",
        type=positive_float,
        default=0.5,
        metavar="SECONDS",
        help="first retry delay without a server hint; doubles per retry, capped at 8s",
    )
    parser.add_argument(
        "--max-retry-wait",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="longest server-requested retry delay to wait for; longer ones end retrying",
    )
    add_env_file_option(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="NAME",
        help="check only this provider (id or name; repeatable)",
    )
    parser.add_argument(
        "--format", choices=list(CHECK_FORMATS), default="text", help="output format"
    )
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
        default=16,
        metavar="N",
        help="requests in flight overall (default 16)",
    )
    parser.add_argument(
        "--per-host",
        type=positive_int,
        default=4,
        metavar="N",
        help="requests in flight per host (default 4; local servers choke on fan-out)",
    )
    add_network_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cherrysync.check.formats import Progress, exit_code, render, render_markdown
    from cherrysync.check.positions import result_locator
    from cherrysync.check.runner import Runner, Settings, billable_requests

    loaded = load_providers(args.file, args, only=args.provider)  # unknown names are errors
    providers = loaded.providers
    settings = Settings(
        probe=args.probe,
        allow_unlisted=args.allow_unlisted,
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        max_retry_wait=args.max_retry_wait,
        concurrency=args.concurrency,
        per_host=args.per_host,
        base_dir=Path(args.file).resolve().parent,
        include_disabled=bool(args.provider),
    )
    billable = billable_requests(providers, settings)
    if args.probe or billable:
        print(
            f"probe: sending up to {billable} billable request(s): one-token chat, embeddings "
            "or generateContent per key x model (Anthropic uses the free count_tokens); a "
            "request refused with 429/5xx is retried, a reasoning model that refuses max_tokens "
            "is asked once more with max_completion_tokens",
            file=sys.stderr,
        )
    total = sum(
        1
        if p.spec.check_options.skip or not p.spec.enabled
        else max(1, len(p.api_keys)) * (1 + len(p.models))
        for p in providers
    )
    progress = Progress(total)
    results = asyncio.run(Runner(settings, on_result=progress.update).run(providers))
    progress.close()
    locate = result_locator(loaded.validated.document, loaded.providers)
    sys.stdout.write(render(args.format, results, loaded.filename, locate))
    if args.summary:
        try:
            with open(args.summary, "a", encoding="utf-8") as handle:
                handle.write(render_markdown(results))
        except OSError as exc:
            raise CommandError(f"cannot write {args.summary}: {exc.strerror or exc}") from exc
    return exit_code(results)
