"""``cherrysync apply``: show the plan, confirm, back up, write atomically."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cherrysync.commands import CommandError
from cherrysync.commands.common import load_providers
from cherrysync.commands.plan import add_target_arguments
from cherrysync.plan.diff import plan_as_dict, print_plan

if TYPE_CHECKING:
    from cherrysync.targets.base import ApplyResult

HELP = "write the providers file into the app after showing the plan"
EPILOG = """examples:
  cherrysync apply providers.yaml --target auto            # Cherry Studio 2.x, app closed
  cherrysync apply providers.yaml --target backup.zip --yes  # writes backup.cherrysync.zip
  cherrysync apply providers.yaml --target auto --yes --format json  # for tools (Ansible)

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
        "--format",
        choices=("text", "json"),
        default="text",
        help="json: one object, the plan JSON plus backup_path, output_path and applied counts "
        "(needs --yes)",
    )


def _confirm() -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(
            "refusing to apply without confirmation: pass --yes (standard input is not a terminal)",
            1,
        )
    answer = input("Apply these changes? Only 'yes' is accepted: ")
    return answer.strip() == "yes"


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
    from cherrysync.targets.base import ApplyResult, TargetError
    from cherrysync.targets.open import open_target

    as_json = args.format == "json"
    if as_json and not args.yes:
        raise CommandError("--format json needs --yes: nothing can answer the prompt", 2)
    loaded = load_providers(args.file, args)
    try:
        target = open_target(args.target, out=args.out)
        plan = target.plan(loaded.providers, prune=args.prune)
        if not as_json:
            print_plan(plan)
        if plan.blockers or plan.empty:
            if as_json:
                doc = apply_as_dict(ApplyResult(plan), applied=False)
                print(json.dumps(doc, indent=2, ensure_ascii=False))
            return 1 if plan.blockers else 0
        if not args.yes and not _confirm():
            print("Apply cancelled; nothing was written.", file=sys.stderr)
            return 1
        result = target.apply(loaded.providers, prune=args.prune)
    except TargetError as exc:
        raise CommandError(exc.message, exc.code) from exc
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
