"""``cherrysync plan``: show what ``apply`` would change, write nothing."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from cherrysync.commands.common import (
    DEFAULT_FILE,
    READABLE_TARGETS,
    add_env_file_option,
    add_file_argument,
    add_format_option,
    add_overlay_options,
    add_provider_option,
    env_files_of,
    load_selected,
    open_app_target,
    refuse_prune_with_selection,
    report_found,
)
from cherrysync.commands.failure import Failure, report_failure
from cherrysync.console import NORMAL
from cherrysync.errors import CherrysyncError
from cherrysync.plan.formats import PLAN_FORMATS, message_stream, print_plan

HELP = "show the changes apply would make to the app (writes nothing)"
EPILOG = """examples:
  cherrysync plan providers.yaml --target auto
  cherrysync plan providers.yaml --target ~/.config/CherryStudio --format json
  cherrysync plan providers.yaml --target backup.zip --detailed-exitcode
  cherrysync plan providers.yaml --overlay laptop.yaml --target auto
  cherrysync plan providers.yaml --target auto --provider relay   # one provider only

exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 usage error or
(with --detailed-exitcode) changes present"""


@dataclass(frozen=True)
class PlanOptions:
    """What ``cherrysync plan`` was asked to do; ``target`` as ``--target`` takes it.

    ``verbosity`` (a :mod:`console` level) decides whether the found line is printed.
    """

    target: str
    file: str = DEFAULT_FILE
    prune: bool = False
    format: str = "text"
    detailed_exitcode: bool = False
    env_files: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    verbosity: int = NORMAL


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    parser.add_argument(
        "--target",
        required=True,
        metavar="T",
        help=f"{READABLE_TARGETS}; only 2.x folders and 1.x format-5 zips can be applied to",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also remove custom providers and models the file no longer lists",
    )
    add_provider_option(parser, "plan")
    add_overlay_options(parser)
    add_env_file_option(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    add_format_option(parser, PLAN_FORMATS)
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 for no changes, 2 for changes, 1 for errors",
    )


def run(args: argparse.Namespace) -> int:
    options = PlanOptions(
        target=args.target,
        file=args.file,
        prune=args.prune,
        format=args.format,
        detailed_exitcode=args.detailed_exitcode,
        env_files=env_files_of(args, [args.file]),
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
        providers=tuple(args.provider),
        verbosity=args.verbosity,
    )
    return plan(options)


#: the plan JSON's fields, empty: what ``--format json`` carries besides the error on failure
EMPTY_PLAN: dict[str, Any] = {
    "target": None,
    "target_path": None,
    "summary": {"add": 0, "change": 0, "remove": 0},
    "changes": [],
    "notes": [],
    "blockers": [],
}


def plan(options: PlanOptions) -> int:
    """Print the plan; 1 when something blocks it, 2 for changes with ``detailed_exitcode``.

    With ``--format json`` a command that cannot plan (no such file, an invalid one, an unusable
    target) still prints one JSON object, carrying the error, with the usual exit code.
    """

    try:
        refuse_prune_with_selection(options.prune, options.tags, options.providers)
        loaded = load_selected(options)
        target = open_app_target(options.target)
        shown = target.plan(loaded.providers, prune=options.prune)
    except CherrysyncError as exc:
        failure = Failure.of("plan", options.file, exc, EMPTY_PLAN)
        report_failure(options.format, failure, sys.stdout)
        raise
    report_found(target.found, options.verbosity, message_stream(options.format))
    print_plan(shown, options.format)
    if shown.blockers:
        return 1
    if options.detailed_exitcode and not shown.empty:
        return 2
    return 0
