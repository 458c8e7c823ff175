"""``cherrysync diff``: what an edit of a providers file changes, for a reviewer (offline).

Both sides are validated (nothing is resolved: references are compared as written, so no secret
is needed), then compared in the change model of ``plan`` (:mod:`cherrysync.plan.filestate`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from cherrysync.commands.common import add_format_option, add_overlay_options, load_overlays
from cherrysync.commands.failure import Failure, report_failure
from cherrysync.errors import CherrysyncError, ProvidersFileError
from cherrysync.plan.filestate import diff_files
from cherrysync.plan.review import DIFF_FORMATS, FileDiff, print_diff
from cherrysync.selection import select_in_any
from cherrysync.sources import parse_source, read_source
from cherrysync.validate.formats import render_text
from cherrysync.validate.overlays import Overlay
from cherrysync.validate.pipeline import validate_bytes

HELP = "show what changed between two versions of a providers file (offline, for reviews)"
EPILOG = """examples:
  cherrysync diff origin/main:providers.yaml providers.yaml
  cherrysync diff HEAD:providers.yaml providers.yaml --format markdown
  git show HEAD~1:providers.yaml | cherrysync diff - providers.yaml --format json
  cherrysync diff old.yaml new.yaml --detailed-exitcode
  cherrysync diff HEAD:providers.yaml providers.yaml --overlay laptop.yaml --tag work

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
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the version before: FILE, '-' or REV:PATH")
    parser.add_argument("new", metavar="NEW", help="the version after: FILE, '-' or REV:PATH")
    add_format_option(parser, DIFF_FORMATS)
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 for no changes, 2 for changes, 1 for errors",
    )
    add_overlay_options(  # both sides get the same overlays and tags
        parser,
        tag_help="only providers carrying this tag in either version (repeatable: any of them)",
    )


def run(args: argparse.Namespace) -> int:
    options = DiffOptions(
        old=args.old,
        new=args.new,
        format=args.format,
        detailed_exitcode=args.detailed_exitcode,
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
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
    :class:`ProvidersFileError` (exit 1) after printing the diagnostics of an invalid side; with
    ``--format json`` stdout then still holds one object, carrying the error.
    """
    out = stdout or sys.stdout
    try:
        shown = _compare_sides(options, stdin, stderr or sys.stderr)
    except CherrysyncError as exc:
        empty = {
            "old": options.old,
            "new": options.new,
            "summary": {"add": 0, "change": 0, "remove": 0},
            "changes": [],
        }
        report_failure(options.format, Failure.of("diff", options.new, exc, empty), out)
        raise
    print_diff(shown, options.format, out)
    return 2 if options.detailed_exitcode and not shown.plan.empty else 0


def _compare_sides(options: DiffOptions, stdin: BinaryIO | None, stderr: TextIO) -> FileDiff:
    """Read both sides, then compare them; an invalid side's diagnostics go to ``stderr``."""
    sides = (parse_source(options.old), parse_source(options.new))
    if all(side.kind == "stdin" for side in sides):
        raise CherrysyncError("only one side can be '-' (standard input)")
    source = stdin if stdin is not None else sys.stdin.buffer
    old, new = (Side(s.label, read_source(s, source)) for s in sides)  # both read, then checked
    overlays = load_overlays(options.overlays)
    try:
        return compare(old, new, overlays=overlays, tags=options.tags)
    except ProvidersFileError as exc:
        stderr.write(render_text(exc.diagnostics))
        raise


@dataclass(frozen=True)
class Side:
    """One version of a providers file: how reports name it, and its bytes."""

    label: str
    raw: bytes


def compare(
    old: Side, new: Side, *, overlays: Sequence[Overlay] = (), tags: Sequence[str] = ()
) -> FileDiff:
    """Validate both sides (each with ``overlays`` merged on top), then diff the providers
    carrying one of ``tags`` in either side (all of them without tags).

    Raises :class:`ProvidersFileError` carrying the diagnostics of every invalid side (the
    caller shows them; an overlay's own problems once), so one run reports everything.
    """
    checked = [validate_bytes(side.raw, side.label, None, overlays) for side in (old, new)]
    models = [c.model for c in checked if c.ok and c.model is not None]
    if len(models) < len(checked):
        bad = [c for c in checked if not c.ok]
        names = " and ".join(c.filename for c in bad)
        verb = "is" if len(bad) == 1 else "are"
        diagnostics = list(dict.fromkeys(d for c in bad for d in c.diagnostics))
        raise ProvidersFileError(f"{names} {verb} not valid; fix the errors above", diagnostics)
    before, after = models
    only = select_in_any(models, tags)
    plan = diff_files(before, after, f"{old.label} -> {new.label}", only)
    return FileDiff(old.label, new.label, plan)
