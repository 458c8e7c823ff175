"""``cherrysync schema``: print, write or check the providers file's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from cherrysync.errors import CherrysyncError, io_message
from cherrysync.fileio import read_regular_file, write_atomic
from cherrysync.load.yamldoc import MAX_BYTES
from cherrysync.validate.fileschema import SCHEMA_PATHS, SCHEMAS, render_markdown, render_schema

HELP = "print the JSON Schema of providers (or overlay) files, or check the committed copies"
EPILOG = """examples:
  cherrysync schema > schema/providers.schema.json
  cherrysync schema --kind overlay -o schema/overlay.schema.json
  cherrysync schema --check            # exit 1 when a committed schema in schema/ is stale"""
DEFAULT_PATH = SCHEMA_PATHS["providers"]


@dataclass(frozen=True)
class SchemaOptions:
    """``check`` compares with ``path`` (every committed schema when None); otherwise the
    schema of ``kind`` goes to ``output`` or stdout."""

    check: bool = False
    output: str | None = None
    format: str = "json"
    path: str | None = None
    kind: str = "providers"


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
        "--kind",
        choices=tuple(SCHEMAS),
        default="providers",
        help="providers: the providers file (default); overlay: an --overlay file",
    )
    parser.add_argument(
        "--path",
        help="committed schema for --check (default: every schema in schema/)",
    )


def run(args: argparse.Namespace) -> int:
    options = SchemaOptions(
        check=args.check, output=args.output, format=args.format, path=args.path, kind=args.kind
    )
    return schema(options)


def schema(options: SchemaOptions) -> int:
    """Print, write or check the schema; 1 when the committed copy is stale."""
    if options.format == "markdown":
        sys.stdout.write(render_markdown())
        return 0
    text = render_schema(options.kind)
    if options.check:
        targets = [(options.kind, options.path)] if options.path else list(SCHEMA_PATHS.items())
        fresh = [_check(kind, path) for kind, path in targets]
        return 0 if all(fresh) else 1
    if options.output:
        try:
            write_atomic(Path(options.output), text)
        except OSError as exc:
            raise CherrysyncError(io_message(options.output, exc, "write")) from exc
        return 0
    sys.stdout.write(text)
    return 0


def _check(kind: str, path: str) -> bool:
    """True when the committed schema at ``path`` is what ``kind`` generates now."""
    try:
        committed = read_regular_file(path, MAX_BYTES).decode("utf-8", "replace")
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc)) from exc
    if committed != render_schema(kind):
        option = "" if kind == "providers" else f" --kind {kind}"
        print(
            f"{path} is stale; regenerate it with: cherrysync schema{option} -o {path}",
            file=sys.stderr,
        )
        return False
    print(f"{path} is up to date")
    return True
