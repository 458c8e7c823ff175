"""``cherrysync validate``: offline checks with exact positions."""

from __future__ import annotations

import argparse
import sys

from cherrysync.commands.common import (
    DEFAULT_FILE,
    add_env_file_option,
    add_overlay_options,
    load_env,
    load_overlays,
)
from cherrysync.console import QUIET, VERBOSE, use_colour
from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.validate.formats import FORMATS, render, render_summary
from cherrysync.validate.pipeline import ValidationOptions, validate_path

HELP = "check providers files offline (schema and semantic rules)"
EPILOG = """examples:
  cherrysync validate providers.yaml
  cherrysync validate --format github --strict configs/*.yaml
  cherrysync validate --format sarif providers.yaml > cherrysync.sarif
  cherrysync validate providers.yaml --overlay laptop.yaml   # the merged result

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
    parser.add_argument(
        "--summary",
        metavar="PATH",
        help="also append a Markdown summary to PATH (e.g. $GITHUB_STEP_SUMMARY)",
    )
    add_env_file_option(parser)
    add_overlay_options(parser)


def run(args: argparse.Namespace) -> int:
    files = args.files or [DEFAULT_FILE]
    # names only: validate never decrypts a sops file or reads a secret store
    env = load_env(args, decrypt=False) if args.require_env else {}
    options = ValidationOptions(
        require_env=args.require_env, strict=args.strict, env=env, tags=frozenset(args.tag)
    )
    overlays = load_overlays(args.overlay)  # each overlay applies to each file
    diagnostics: list[Diagnostic] = []
    io_failed = False
    for file in files:
        try:
            diagnostics.extend(validate_path(file, options, overlays).diagnostics)
        except OSError as exc:
            io_failed = True
            print(f"cherrysync: error: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
    diagnostics = list(dict.fromkeys(diagnostics))  # an overlay's own errors, once
    files = [*files, *args.overlay]
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
