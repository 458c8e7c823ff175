"""``cherrysync schema``: print, write or check the providers file's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cherrysync.commands import CommandError
from cherrysync.validate.fileschema import SCHEMA_PATHS, SCHEMAS, render_markdown, render_schema

HELP = "print the JSON Schema of providers (or overlay) files, or check the committed copies"
EPILOG = """examples:
  cherrysync schema > schema/providers.schema.json
  cherrysync schema --kind overlay -o schema/overlay.schema.json
  cherrysync schema --check            # exit 1 when a committed schema in schema/ is stale"""
DEFAULT_PATH = SCHEMA_PATHS["providers"]


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


def _check(kind: str, path: str) -> bool:
    try:
        committed = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if committed != render_schema(kind):
        option = "" if kind == "providers" else f" --kind {kind}"
        print(
            f"{path} is stale; regenerate it with: cherrysync schema{option} -o {path}",
            file=sys.stderr,
        )
        return False
    print(f"{path} is up to date")
    return True


def run(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_markdown())
        return 0
    text = render_schema(args.kind)
    if args.check:
        targets = [(args.kind, args.path)] if args.path else list(SCHEMA_PATHS.items())
        fresh = [_check(kind, path) for kind, path in targets]
        return 0 if all(fresh) else 1
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        return 0
    sys.stdout.write(text)
    return 0
