"""``cherrysync diff``: what an edit of a providers file changes, for a reviewer (offline).

Both sides are validated (nothing is resolved: references are compared as written, so no secret
is needed), then compared in the change model of ``plan`` (:mod:`cherrysync.plan.filestate`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from cherrysync.errors import CherrysyncError, ProvidersFileError
from cherrysync.model import ProvidersFile
from cherrysync.plan.review import DIFF_FORMATS, FileDiff, print_diff
from cherrysync.sources import Source, parse_source, read_source
from cherrysync.validate.formats import render_text
from cherrysync.validate.pipeline import ValidatedFile, validate_bytes

HELP = "show what changed between two versions of a providers file (offline, for reviews)"
EPILOG = """examples:
  cherrysync diff origin/main:providers.yaml providers.yaml
  cherrysync diff HEAD:providers.yaml providers.yaml --format markdown
  git show HEAD~1:providers.yaml | cherrysync diff - providers.yaml --format json
  cherrysync diff old.yaml new.yaml --detailed-exitcode

OLD and NEW are files, '-' (standard input) or REV:PATH (a file in a Git revision, PATH from
the top of the repository, REV:./PATH from the current folder). A path that exists is always
a file, even with a ':' in its name. Keys and credential headers are shown only by their
${VAR} references; a changed literal key is reported, never shown.

exit codes: 0 success (with --detailed-exitcode: no changes), 1 a side is not a valid
providers file, 2 usage or I/O error (a missing file, a bad revision, no git) or (with
--detailed-exitcode) changes present"""


@dataclass(frozen=True)
class DiffOptions:
    """What ``cherrysync diff`` was asked to do; ``old`` and ``new`` as the user named them."""

    old: str
    new: str
    format: str = "text"
    detailed_exitcode: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the version before: FILE, '-' or REV:PATH")
    parser.add_argument("new", metavar="NEW", help="the version after: FILE, '-' or REV:PATH")
    parser.add_argument(
        "--format", choices=list(DIFF_FORMATS), default="text", help="output format"
    )
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 for no changes, 2 for changes, 1 for errors",
    )


def run(args: argparse.Namespace) -> int:
    options = DiffOptions(
        old=args.old,
        new=args.new,
        format=args.format,
        detailed_exitcode=args.detailed_exitcode,
    )
    return diff(options)


def diff(
    options: DiffOptions,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Print the changes from ``old`` to ``new``; 2 for changes with ``detailed_exitcode``.

    Raises :class:`~cherrysync.sources.SourceError` (exit 2) when a side cannot be read and
    :class:`ProvidersFileError` (exit 1) after printing the diagnostics of an invalid side.
    """
    sides = (parse_source(options.old), parse_source(options.new))
    if all(side.kind == "stdin" for side in sides):
        raise CherrysyncError("only one side can be '-' (standard input)")
    source = stdin if stdin is not None else sys.stdin.buffer
    raw = [read_source(side, source) for side in sides]  # both readable before any report
    err = stderr or sys.stderr
    old, new = (_validated(side, data, err) for side, data in zip(sides, raw, strict=True))
    if old is None or new is None:
        bad = [side.label for side, m in zip(sides, (old, new), strict=True) if m is None]
        verb = "is" if len(bad) == 1 else "are"
        raise ProvidersFileError(f"{' and '.join(bad)} {verb} not valid; fix the errors above", [])
    from cherrysync.plan.filestate import diff_files

    label = f"{sides[0].label} -> {sides[1].label}"
    shown = FileDiff(sides[0].label, sides[1].label, diff_files(old, new, label))
    print_diff(shown, options.format, stdout)
    return 2 if options.detailed_exitcode and not shown.plan.empty else 0


def _validated(side: Source, raw: bytes, stderr: TextIO) -> ProvidersFile | None:
    """The side's model, or None after printing why it is not a valid providers file."""
    checked: ValidatedFile = validate_bytes(raw, side.label)
    if checked.ok and checked.model is not None:
        return checked.model
    stderr.write(render_text(checked.diagnostics))
    return None
