"""``cherrysync validate``: offline checks with exact positions."""

from __future__ import annotations

import argparse
import sys

from cherrysync.commands.common import DEFAULT_FILE, add_env_file_option, load_env
from cherrysync.console import QUIET, VERBOSE, use_colour
from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.validate.formats import DIAGNOSTIC_FORMATS, render, render_summary
from cherrysync.validate.pipeline import ValidationOptions, validate_path

HELP = "check providers files offline (schema and semantic rules)"
EPILOG = """examples:
  cherrysync validate providers.yaml
  cherrysync validate --format github --strict configs/*.yaml
  cherrysync validate --format sarif providers.yaml > cherrysync.sarif

exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help=f"providers files (default: {DEFAULT_FILE})"
    )
    parser.add_argument(
        "--format", choices=list(DIAGNOSTIC_FORMATS), default="text", help="output format"
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings (e.g. literal-secret) as errors"
    )
    parser.add_argument(
        "--require-env",
        action="store_true",
        help="report referenced environment variables that are unset",
    )
    parser.add_argument(
        "--summary",
        metavar="PATH",
        help="also append a Markdown summary to PATH (e.g. $GITHUB_STEP_SUMMARY)",
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
    shown = diagnostics
    if args.verbosity == QUIET and args.format == "text":
        shown = [d for d in diagnostics if d.severity == "error"]
    sys.stdout.write(render(args.format, shown, files, colour=use_colour(sys.stdout)))
    if args.summary:
        try:
            with open(args.summary, "a", encoding="utf-8") as handle:
                handle.write(render_summary(diagnostics, files))
        except OSError as exc:
            print(
                f"cherrysync: error: cannot write {args.summary}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return 2
    errors = sum(d.severity == "error" for d in diagnostics)
    if args.verbosity == VERBOSE:
        print(
            f"{len(files)} file(s) checked: {errors} error(s), "
            f"{len(diagnostics) - errors} warning(s)",
            file=sys.stderr,
        )
    if io_failed:
        return 2
    return 1 if has_errors(diagnostics) else 0
