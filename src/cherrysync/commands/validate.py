"""``cherrysync validate``: offline checks with exact positions."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TextIO

from cherrysync.commands.common import (
    DEFAULT_FILE,
    add_env_file_option,
    add_format_option,
    add_overlay_options,
    append_summary,
    env_files_of,
    load_env,
    load_overlays,
    refuse_summary_path,
)
from cherrysync.console import NORMAL, QUIET, VERBOSE, use_colour
from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.errors import CherrysyncError, io_message, print_error
from cherrysync.validate.formats import DIAGNOSTIC_FORMATS, render, render_summary
from cherrysync.validate.pipeline import ValidationOptions, validate_path

HELP = "check providers files offline (schema and semantic rules)"
EPILOG = """examples:
  cherrysync validate providers.yaml
  cherrysync validate --format github --strict configs/*.yaml
  cherrysync validate --format sarif providers.yaml > cherrysync.sarif
  cherrysync validate providers.yaml --overlay laptop.yaml   # the merged result

exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O error"""


@dataclass(frozen=True)
class ValidateOptions:
    """What ``cherrysync validate`` was asked to do; ``verbosity`` is a :mod:`console` level."""

    files: tuple[str, ...] = (DEFAULT_FILE,)
    format: str = "text"
    strict: bool = False
    require_env: bool = False
    summary: str | None = None
    env_files: tuple[str, ...] = ()
    verbosity: int = NORMAL
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help=f"providers files (default: {DEFAULT_FILE})"
    )
    add_format_option(parser, DIAGNOSTIC_FORMATS)
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
    files = tuple(args.files) or (DEFAULT_FILE,)
    # variables matter only for --require-env; only then is a .env beside a file read
    env_files = env_files_of(args, files) if args.require_env else tuple(args.env_file)
    options = ValidateOptions(
        files=files,
        format=args.format,
        strict=args.strict,
        require_env=args.require_env,
        summary=args.summary,
        env_files=env_files,
        verbosity=args.verbosity,
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
    )
    return validate(options)


def validate(
    options: ValidateOptions, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Validate every file, report in ``options.format``; 0 clean, 1 errors, 2 a file unreadable.

    An unreadable file does not stop the others from being validated and reported.
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    files = [*options.files, *options.overlays]
    try:
        refuse_summary_path(options.summary)  # before any output, as check does
        diagnostics, unreadable = _validate_files(options, err)
    except CherrysyncError as exc:  # an overlay or env file: no file could be validated
        from cherrysync.commands.failure import Failure, report_failure

        empty = {"files": files, "summary": {"errors": 1, "warnings": 0}}
        report_failure(options.format, Failure.of("validate", files[0], exc, empty), out)
        raise
    if options.format != "text":  # machine formats carry every file's fate, unreadable too
        diagnostics = [*diagnostics, *unreadable]
    shown = diagnostics
    if options.verbosity == QUIET and options.format == "text":
        shown = [d for d in diagnostics if d.severity == "error"]
    out.write(render(options.format, shown, files, colour=use_colour(out)))
    if options.summary:
        append_summary(options.summary, render_summary(diagnostics, files))
    errors = sum(d.severity == "error" for d in diagnostics)
    if options.verbosity == VERBOSE:
        print(
            f"{len(files)} file(s) checked: {errors} error(s), "
            f"{len(diagnostics) - errors} warning(s)",
            file=err,
        )
    if unreadable:
        return 2
    return 1 if has_errors(diagnostics) else 0


def _validate_files(
    options: ValidateOptions, err: TextIO
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The diagnostics of every readable file (each with every overlay on top, an overlay's own
    errors reported once), and a ``file-unreadable`` one per file that could not be read (its
    message is printed on ``err`` here)."""
    # names only: validate never decrypts a sops file or reads a secret store
    env = load_env(options.env_files, decrypt=False) if options.require_env else {}
    validation = ValidationOptions(
        require_env=options.require_env,
        strict=options.strict,
        env=env,
        tags=frozenset(options.tags),
    )
    overlays = load_overlays(options.overlays)  # each overlay applies to each file
    diagnostics: list[Diagnostic] = []
    unreadable: list[Diagnostic] = []
    for file in options.files:
        try:
            diagnostics.extend(validate_path(file, validation, overlays).diagnostics)
        except OSError as exc:
            message = io_message(file, exc)
            print_error(message, err)
            unreadable.append(Diagnostic(file, 1, 1, "error", "file-unreadable", message))
    return list(dict.fromkeys(diagnostics)), unreadable
