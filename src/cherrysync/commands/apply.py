"""``cherrysync apply``: show the plan, confirm, back up, write atomically."""

from __future__ import annotations

import argparse
import sys

from cherrysync.commands import CommandError
from cherrysync.commands.common import load_providers
from cherrysync.commands.plan import add_target_arguments
from cherrysync.plan.diff import print_plan

HELP = "write the providers file into the app after showing the plan"
EPILOG = """examples:
  cherrysync apply providers.yaml --target auto            # Cherry Studio 2.x, app closed
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


def _confirm() -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(
            "refusing to apply without confirmation: pass --yes (standard input is not a terminal)",
            1,
        )
    answer = input("Apply these changes? Only 'yes' is accepted: ")
    return answer.strip() == "yes"


def run(args: argparse.Namespace) -> int:
    from cherrysync.targets.base import TargetError
    from cherrysync.targets.found import report
    from cherrysync.targets.open import open_target

    loaded = load_providers(args.file, args)
    try:
        target = open_target(args.target, out=args.out)
        if target.found.refusal:
            report(target.found, args.verbosity, sys.stdout)
            raise TargetError(target.found.refusal)
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
