"""``cherrysync schema``: print, write or check the providers file's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cherrysync.commands import CommandError
from cherrysync.validate.fileschema import render_markdown, render_schema

HELP = "print the JSON Schema of providers files, or check the committed copy"
EPILOG = """examples:
  cherrysync schema > schema/providers.schema.json
  cherrysync schema --check            # exit 1 when schema/providers.schema.json is stale"""
DEFAULT_PATH = "schema/providers.schema.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the committed schema; exit 1 when it is stale",
    )
    parser.add_argument("-o", "--output", metavar="PATH", help="write the schema to PATH")
    parser.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="json: the JSON Schema; markdown: the field reference table for the README",
    )
    parser.add_argument(
        "--path",
        default=DEFAULT_PATH,
        help=f"committed schema for --check (default: {DEFAULT_PATH})",
    )


def run(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_markdown())
        return 0
    text = render_schema()
    if args.check:
        try:
            committed = Path(args.path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {args.path}: {exc.strerror or exc}") from exc
        if committed != text:
            print(
                f"{args.path} is stale; regenerate it with: cherrysync schema -o {args.path}",
                file=sys.stderr,
            )
            return 1
        print(f"{args.path} is up to date")
        return 0
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        return 0
    sys.stdout.write(text)
    return 0
