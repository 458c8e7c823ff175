"""``cherrysync plan``: show what ``apply`` would change, write nothing."""

from __future__ import annotations

import argparse
import sys

from cherrysync.commands import CommandError
from cherrysync.commands.common import add_env_file_option, add_file_argument, load_providers
from cherrysync.plan.diff import print_plan

HELP = "show the changes apply would make to the app (writes nothing)"
EPILOG = """examples:
  cherrysync plan providers.yaml --target auto
  cherrysync plan providers.yaml --target ~/.config/CherryStudio --format json
  cherrysync plan providers.yaml --target backup.zip --detailed-exitcode

exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 usage error or
(with --detailed-exitcode) changes present"""


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    parser.add_argument(
        "--target",
        required=True,
        metavar="T",
        help="'auto', the app's data folder (2.x or 1.x), its cherrystudio.sqlite, or a "
        "backup .zip (1.x formats 5 and 6, 2.x format 7); only 2.x folders and 1.x format-5 "
        "zips can be applied to",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also remove custom providers and models the file no longer lists",
    )
    add_env_file_option(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 for no changes, 2 for changes, 1 for errors",
    )


def run(args: argparse.Namespace) -> int:
    from cherrysync.targets.base import TargetError
    from cherrysync.targets.found import report
    from cherrysync.targets.open import open_target

    loaded = load_providers(args.file, args)
    try:
        target = open_target(args.target)
        plan = target.plan(loaded.providers, prune=args.prune)
    except TargetError as exc:
        raise CommandError(exc.message, exc.code) from exc
    report(target.found, args.verbosity, sys.stderr if args.format == "json" else sys.stdout)
    print_plan(plan, args.format)
    if plan.blockers:
        return 1
    if args.detailed_exitcode and not plan.empty:
        return 2
    return 0
