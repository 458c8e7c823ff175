"""``cherrysync import``: start a providers file from what was clicked together in the app.

Reads custom providers through the target interface (1.x backup zip or 2.x database), validates
the generated file, then writes it and the dotenv file of keys (mode 0600) atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cherrysync.commands import CommandError
from cherrysync.fileio import write_atomic

HELP = "write a providers file from the custom providers in the app (any version, or a backup)"
EPILOG = """examples:
  cherrysync import --from cherry-studio.202611251200.zip -o providers.yaml
  cherrysync import --from auto -o providers.yaml --env-out ~/.config/cherrysync.env
  cherrysync import --from ~/.config/CherryStudio -o providers.yaml --no-secrets
  cherrysync import --from cherry-studio.20261002120000.host.desktop.zip -o providers.yaml

exit codes: 0 written, 1 error (nothing written), 2 usage error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="T",
        help="'auto', the app's data folder (2.x or 1.x), its cherrystudio.sqlite, or a backup "
        ".zip (1.x formats 5 and 6, 2.x format 7)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="providers file to write"
    )
    parser.add_argument(
        "--env-out",
        metavar="PATH",
        help="dotenv file for the keys (default: .env beside the output; mode 0600)",
    )
    parser.add_argument(
        "--no-secrets",
        action="store_true",
        help="leave keys and secret-looking headers out; write no dotenv file",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output and dotenv files if they exist"
    )


def run(args: argparse.Namespace) -> int:
    from cherrysync.targets.base import TargetError
    from cherrysync.targets.found import report
    from cherrysync.targets.importer import ImportFailure, build_import
    from cherrysync.targets.open import open_target

    output = Path(args.output)
    env_out = Path(args.env_out) if args.env_out else output.parent / ".env"
    targets = [output] if args.no_secrets else [output, env_out]
    for path in targets:
        if path.exists() and not args.force:
            raise CommandError(f"{path} exists; pass --force to overwrite it", 1)
        if not path.parent.is_dir():
            raise CommandError(f"folder {path.parent} does not exist")
    try:
        target = open_target(args.source)
        providers = target.read_custom_providers()
    except TargetError as exc:
        raise CommandError(exc.message, exc.code) from exc
    report(target.found, args.verbosity, sys.stdout)
    for warning in getattr(target, "import_warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        result = build_import(
            providers,
            secrets=not args.no_secrets,
            source=target.description,
            env_name=os.path.relpath(env_out, output.parent),
        )
    except ImportFailure as exc:
        raise CommandError(f"the imported file would not validate: {exc}", 1) from exc
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    from cherrysync.targets.importer import render_env

    try:
        if result.env:
            write_atomic(env_out, render_env(result.env, output.name), 0o600)
        write_atomic(output, result.text, 0o644)
    except OSError as exc:
        raise CommandError(f"cannot write: {exc.strerror or exc}", 1) from exc
    print(f"Wrote {output} with {result.count} provider(s).")
    if result.env:
        print(f"Wrote {len(result.env)} key(s) to {env_out} (mode 0600); keep it out of Git.")
        print(f"Use it with: cherrysync validate {output} --require-env --env-file {env_out}")
    return 0
