"""``cherrysync apply``: show the plan, confirm, back up, write atomically."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cherrysync.commands.common import (
    DEFAULT_FILE,
    env_files_of,
    load_selected,
    open_app_target,
    refuse_prune_with_selection,
    report_found,
    target_option_names,
)
from cherrysync.commands.failure import Failure, report_failure
from cherrysync.commands.plan import EMPTY_PLAN, add_target_arguments
from cherrysync.console import NORMAL
from cherrysync.errors import CherrysyncError, TargetError
from cherrysync.plan.diff import Plan, plan_as_dict
from cherrysync.plan.formats import PLAN_FORMATS, message_stream, print_plan

if TYPE_CHECKING:
    from cherrysync.resolve import ResolvedProvider
    from cherrysync.targets.base import ApplyResult, Target

HELP = "write the providers file into the app after showing the plan"
EPILOG = """examples:
  cherrysync apply providers.yaml --target auto            # Cherry Studio 2.x, app closed
  cherrysync apply providers.yaml --target auto --wait 300 # quit the app, then it writes
  cherrysync apply providers.yaml --target backup.zip --yes  # writes backup.cherrysync.zip
  cherrysync apply providers.yaml --target backup.zip -o patched.zip --yes
  cherrysync apply providers.yaml --target auto --yes --format json  # for tools (Ansible)

exit codes: 0 applied (or nothing to do), 1 error or declined, 2 usage error"""

CANCELLED = "Apply cancelled; nothing was written."


#: the apply JSON's fields, empty: what ``--format json`` carries besides the error on failure
EMPTY_APPLY: dict[str, Any] = {
    **EMPTY_PLAN,
    "backup_path": None,
    "output_path": None,
    "applied": {"add": 0, "change": 0, "remove": 0},
}


@dataclass(frozen=True)
class ApplyOptions:
    """What ``cherrysync apply`` was asked to do; ``output`` and ``force`` (replace an existing
    output) are for v1 backup targets only.

    ``wait`` is how many seconds to wait for a running app to quit (None: refuse at once);
    ``verbosity`` (a :mod:`console` level) decides whether the found line is printed.
    """

    target: str
    file: str = DEFAULT_FILE
    prune: bool = False
    yes: bool = False
    output: str | None = None
    force: bool = False
    env_files: tuple[str, ...] = ()
    format: str = "text"
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    wait: float | None = None
    verbosity: int = NORMAL


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="v1 backup target: where to write the patched zip "
        "(default: next to the input; never the input itself)",
    )
    # the old spelling, kept working (with a warning) but out of --help and completion
    parser.add_argument("--out", dest="deprecated_out", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument(
        "--force",
        action="store_true",
        help="v1 backup target: overwrite the output zip if it exists (never the input)",
    )
    parser.add_argument(
        "--format",
        choices=list(PLAN_FORMATS),
        default="text",
        help="json: one object, the plan JSON plus backup_path, output_path and applied counts "
        "(needs --yes)",
    )
    parser.add_argument(
        "--wait",
        type=_seconds,
        metavar="SECONDS",
        help="2.x: if Cherry Studio is running, wait up to SECONDS for it to quit, then plan "
        "again and apply (Ctrl-C stops waiting; nothing is written until then)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 86400, got {text!r}")
    return value


def ask() -> bool:
    """Ask on the terminal; without one, refuse (a script must say --yes).

    The question goes to stderr, never stdout: with ``apply ... > log`` it must still reach the
    person who has to answer it (``input()`` would write it into the log).
    """
    if not sys.stdin or not sys.stdin.isatty():
        raise CherrysyncError(
            "refusing to apply without confirmation: pass --yes (standard input is not a terminal)",
            1,
        )
    sys.stderr.write("Apply these changes? Only 'yes' is accepted: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip() == "yes"


def apply_as_dict(result: ApplyResult, *, applied: bool) -> dict[str, Any]:
    """The ``--format json`` contract: the plan JSON plus where things were written."""
    counts = {a: result.plan.count(a) if applied else 0 for a in ("add", "change", "remove")}
    return {
        **plan_as_dict(result.plan),
        "backup_path": str(result.backup_path) if result.backup_path else None,
        "output_path": str(result.output_path) if result.output_path else None,
        "applied": counts,
    }


def run(args: argparse.Namespace) -> int:
    output = args.output
    if args.deprecated_out is not None:
        print("cherrysync: warning: --out is deprecated; use -o/--output", file=sys.stderr)
        output = output or args.deprecated_out
    options = ApplyOptions(
        target=args.target,
        file=args.file,
        prune=args.prune,
        yes=args.yes,
        output=output,
        force=args.force,
        env_files=env_files_of(args, [args.file]),
        format=args.format,
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
        providers=tuple(args.provider),
        wait=args.wait,
        verbosity=args.verbosity,
    )
    return apply(options)


def apply(options: ApplyOptions, confirm: Callable[[], bool] = ask) -> int:
    """Show the plan, ``confirm`` it unless ``yes``, apply it; 1 when blocked or declined.

    With ``wait``, a running app is waited for after the confirmation; if it changed its
    providers meanwhile, the new plan is shown and confirmed before anything is written. With
    ``--format json`` a command that cannot apply still prints one object, carrying the error.
    """
    try:
        return _apply(options, confirm)
    except CherrysyncError as exc:
        failure = Failure.of("apply", options.file, exc, EMPTY_APPLY)
        report_failure(options.format, failure, sys.stdout)
        raise


def _apply(options: ApplyOptions, confirm: Callable[[], bool]) -> int:
    from cherrysync.targets.wait import will_wait

    as_json = options.format == "json"
    if as_json and not options.yes:
        raise CherrysyncError("--format json needs --yes: nothing can answer the prompt", 2)
    refuse_prune_with_selection(options.prune, options.tags, options.providers)
    loaded = load_selected(options)
    target = open_app_target(options.target, out=options.output, force=options.force)
    if target.found.refusal:
        report_found(target.found, options.verbosity, message_stream(options.format))
        raise TargetError(target.found.refusal)
    if options.wait is not None:
        will_wait(target)
    plan = target.plan(loaded.providers, prune=options.prune)
    report_found(target.found, options.verbosity, message_stream(options.format))
    if not as_json:
        print_plan(plan)
    if plan.blockers or plan.empty:
        return _unapplied(plan, as_json)
    if not options.yes and not confirm():
        print(CANCELLED, file=sys.stderr)
        return 1
    if options.wait is not None:
        plan = _wait_and_replan(target, options.wait, options, plan, loaded.providers, confirm)
        if plan.blockers or plan.empty:
            return _unapplied(plan, as_json)
    with target_option_names():
        result = target.apply(loaded.providers, prune=options.prune)
    _print_result(result, as_json)
    return 0


def _unapplied(plan: Plan, as_json: bool) -> int:
    """Nothing to write: 1 when blocked (the plan shows why), 0 when there is nothing to do."""
    if as_json:
        from cherrysync.targets.base import ApplyResult

        doc = apply_as_dict(ApplyResult(plan), applied=False)
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    return 1 if plan.blockers else 0


def _wait_and_replan(
    target: Target,
    seconds: float,
    options: ApplyOptions,
    shown: Plan,
    providers: list[ResolvedProvider],
    confirm: Callable[[], bool],
) -> Plan:
    """Wait for the app to quit; if it was running, the plan again (shown and confirmed anew
    when the app changed what it would do). Raises :class:`CherrysyncError` when declined."""
    from cherrysync.targets.wait import wait_until_closed

    if not wait_until_closed(
        target, seconds, lambda text: print(text, file=sys.stderr, flush=True)
    ):
        return shown
    plan = target.plan(providers, prune=options.prune)
    if plan.changes == shown.changes:
        return plan
    said = message_stream(options.format)
    print("Cherry Studio changed its providers while it ran; the plan is now:", file=said)
    print_plan(plan, stream=said)
    if plan.blockers or plan.empty or options.yes:
        return plan
    if not confirm():
        raise CherrysyncError(CANCELLED, 1)
    return plan


def _print_result(result: ApplyResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(apply_as_dict(result, applied=True), indent=2, ensure_ascii=False))
        return
    if result.backup_path:
        print(f"Backup of the previous state: {result.backup_path}")
    if result.output_path:
        print(f"Wrote {result.output_path}")
    print(
        f"Applied: {result.plan.count('add')} added, {result.plan.count('change')} changed, "
        f"{result.plan.count('remove')} removed."
    )
