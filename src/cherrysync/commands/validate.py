"""``cherrysync validate``: offline checks with exact positions."""

from __future__ import annotations

import argparse
import sys

from cherrysync.commands.common import DEFAULT_FILE, add_env_file_option, load_env
from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.reporters import FORMATS, render
from cherrysync.validate import ValidationOptions, validate_path

HELP = "check providers files offline (schema and semantic rules)"
EPILOG = """examples:
  cherrysync validate providers.yaml
  cherrysync validate --format github --strict configs/*.yaml

exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help=f"providers files (default: {DEFAULT_FILE})"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings (e.g. literal-secret) as errors"
    )
    parser.add_argument(
        "--require-env",
        action="store_true",
        help="report referenced environment variables that are unset",
    )
    add_env_file_option(parser)


def run(args: argparse.Namespace) -> int:
    files = args.files or [DEFAULT_FILE]
    env = load_env(args) if args.require_env else {}
    options = ValidationOptions(require_env=args.require_env, strict=args.strict, env=env)
    diagnostics: list[Diagnostic] = []
    io_failed = False
    for file in files:
        try:
            diagnostics.extend(validate_path(file, options).diagnostics)
        except OSError as exc:
            io_failed = True
            print(f"cherrysync: error: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
    sys.stdout.write(render(args.format, diagnostics, files))
    if io_failed:
        return 2
    return 1 if has_errors(diagnostics) else 0
