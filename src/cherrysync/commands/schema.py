"""``cherrysync schema``: print, write or check the providers file's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from cherrysync.errors import CherrysyncError, io_message
from cherrysync.validate.fileschema import render_markdown, render_schema

HELP = "print the JSON Schema of providers files, or check the committed copy"
EPILOG = """examples:
  cherrysync schema > schema/providers.schema.json
  cherrysync schema --check            # exit 1 when schema/providers.schema.json is stale"""
DEFAULT_PATH = "schema/providers.schema.json"


@dataclass(frozen=True)
class SchemaOptions:
    """``check`` compares with ``path``; otherwise the schema goes to ``output`` or stdout."""

    check: bool = False
    output: str | None = None
    format: str = "json"
    path: str = DEFAULT_PATH


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
    options = SchemaOptions(
        check=args.check, output=args.output, format=args.format, path=args.path
    )
    return schema(options)


def schema(options: SchemaOptions) -> int:
    """Print, write or check the schema; 1 when the committed copy is stale."""
    if options.format == "markdown":
        sys.stdout.write(render_markdown())
        return 0
    text = render_schema()
    if options.check:
        return _check(text, options.path)
    if options.output:
        try:
            Path(options.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CherrysyncError(io_message(options.output, exc, "write")) from exc
        return 0
    sys.stdout.write(text)
    return 0


def _check(text: str, path: str) -> int:
    try:
        committed = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc)) from exc
    if committed != text:
        print(f"{path} is stale; regenerate it with: cherrysync schema -o {path}", file=sys.stderr)
        return 1
    print(f"{path} is up to date")
    return 0
