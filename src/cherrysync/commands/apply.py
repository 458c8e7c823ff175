"""``cherrysync apply``: show the plan, confirm, back up, write atomically."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cherrysync.commands import CommandError
from cherrysync.commands.common import load_providers
from cherrysync.commands.plan import add_target_arguments
from cherrysync.plan.diff import Plan, print_plan

if TYPE_CHECKING:
    from cherrysync.targets.base import Target

HELP = "write the providers file into the app after showing the plan"
EPILOG = """examples:
  cherrysync apply providers.yaml --target auto            # Cherry Studio 2.x, app closed
  cherrysync apply providers.yaml --target auto --wait 300 # quit the app, then it writes
  cherrysync apply providers.yaml --target backup.zip --yes  # writes backup.cherrysync.zip

exit codes: 0 applied (or nothing to do), 1 error or declined, 2 usage error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="v1 backup target: where to write the patched zip "
        "(default: next to the input; never the input itself)",
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


def _confirm() -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(
            "refusing to apply without confirmation: pass --yes (standard input is not a terminal)",
            1,
        )
    answer = input("Apply these changes? Only 'yes' is accepted: ")
    return answer.strip() == "yes"


def _replan(target: Target, args: argparse.Namespace, shown: Plan, providers: Any) -> Plan | None:
    """After waiting: the plan again; None when there is nothing (left) to apply."""
    plan = target.plan(providers, prune=args.prune)
    if plan.changes == shown.changes:
        return plan
    print("Cherry Studio changed its providers while it ran; the plan is now:")
    print_plan(plan)
    if plan.blockers:
        raise CommandError("", 1)
    if plan.empty:
        return None
    if not args.yes and not _confirm():
        raise CommandError("Apply cancelled; nothing was written.", 1)
    return plan


def run(args: argparse.Namespace) -> int:
    from cherrysync.targets.base import TargetError
    from cherrysync.targets.found import report
    from cherrysync.targets.open import open_target
    from cherrysync.targets.wait import wait_until_closed, will_wait

    loaded = load_providers(args.file, args)
    try:
        target = open_target(args.target, out=args.out)
        if target.found.refusal:
            report(target.found, args.verbosity, sys.stdout)
            raise TargetError(target.found.refusal)
        if args.wait is not None:
            will_wait(target)
        plan = target.plan(loaded.providers, prune=args.prune)
        report(target.found, args.verbosity, sys.stdout)
        print_plan(plan)
        if plan.blockers:
            return 1
        if plan.empty:
            return 0
        if not args.yes and not _confirm():
            print("Apply cancelled; nothing was written.", file=sys.stderr)
            return 1
        if args.wait is not None and wait_until_closed(
            target, args.wait, lambda text: print(text, file=sys.stderr, flush=True)
        ):
            replanned = _replan(target, args, plan, loaded.providers)
            if replanned is None:
                return 0
        result = target.apply(loaded.providers, prune=args.prune)
    except TargetError as exc:
        raise CommandError(exc.message, exc.code) from exc
    if result.backup_path:
        print(f"Backup of the previous state: {result.backup_path}")
    if result.output_path:
        print(f"Wrote {result.output_path}")
    print(
        f"Applied: {result.plan.count('add')} added, {result.plan.count('change')} changed, "
        f"{result.plan.count('remove')} removed."
    )
    return 0
