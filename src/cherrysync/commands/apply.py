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
    load_for_command,
    open_app_target,
    refuse_prune_with_selection,
    target_option_names,
)
from cherrysync.commands.plan import add_target_arguments
from cherrysync.errors import CherrysyncError
from cherrysync.plan.diff import plan_as_dict
from cherrysync.plan.formats import PLAN_FORMATS, print_plan

if TYPE_CHECKING:
    from cherrysync.targets.base import ApplyResult

HELP = "write the providers file into the app after showing the plan"
EPILOG = """examples:
  cherrysync apply providers.yaml --target auto            # Cherry Studio 2.x, app closed
  cherrysync apply providers.yaml --target backup.zip --yes  # writes backup.cherrysync.zip
  cherrysync apply providers.yaml --target backup.zip -o patched.zip --yes
  cherrysync apply providers.yaml --target auto --yes --format json  # for tools (Ansible)

exit codes: 0 applied (or nothing to do), 1 error or declined, 2 usage error"""


@dataclass(frozen=True)
class ApplyOptions:
    """What ``cherrysync apply`` was asked to do; ``output`` is for v1 backup targets only."""

    target: str
    file: str = DEFAULT_FILE
    prune: bool = False
    yes: bool = False
    output: str | None = None
    env_files: tuple[str, ...] = ()
    format: str = "text"
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()


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
        "--format",
        choices=list(PLAN_FORMATS),
        default="text",
        help="json: one object, the plan JSON plus backup_path, output_path and applied counts "
        "(needs --yes)",
    )


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
        env_files=env_files_of(args, [args.file]),
        format=args.format,
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
        providers=tuple(args.provider),
    )
    return apply(options)


def apply(options: ApplyOptions, confirm: Callable[[], bool] = ask) -> int:
    """Show the plan, ``confirm`` it unless ``yes``, apply it; 1 when blocked or declined."""
    from cherrysync.targets.base import ApplyResult

    as_json = options.format == "json"
    if as_json and not options.yes:
        raise CherrysyncError("--format json needs --yes: nothing can answer the prompt", 2)
    refuse_prune_with_selection(options.prune, options.tags, options.providers)
    loaded = load_for_command(
        options.file,
        options.env_files,
        options.providers or None,
        overlays=options.overlays,
        tags=options.tags,
    )
    target = open_app_target(options.target, out=options.output)
    plan = target.plan(loaded.providers, prune=options.prune)
    if not as_json:
        print_plan(plan)
    if plan.blockers or plan.empty:
        if as_json:
            doc = apply_as_dict(ApplyResult(plan), applied=False)
            print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 1 if plan.blockers else 0
    if not options.yes and not confirm():
        print("Apply cancelled; nothing was written.", file=sys.stderr)
        return 1
    with target_option_names():
        result = target.apply(loaded.providers, prune=options.prune)
    if as_json:
        print(json.dumps(apply_as_dict(result, applied=True), indent=2, ensure_ascii=False))
        return 0
    if result.backup_path:
        print(f"Backup of the previous state: {result.backup_path}")
    if result.output_path:
        print(f"Wrote {result.output_path}")
    print(
        f"Applied: {result.plan.count('add')} added, {result.plan.count('change')} changed, "
        f"{result.plan.count('remove')} removed."
    )
    return 0
