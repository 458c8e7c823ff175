"""``cherrysync export``: the managed providers as a v1 providers array or as deep links.

Both formats carry real keys (the app cannot resolve ``${VAR}``), so every run warns on stderr and
secrets go only to stdout or the ``-o`` file (mode 0600), never into messages.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cherrysync.commands.common import (
    DEFAULT_FILE,
    add_env_file_option,
    add_file_argument,
    add_overlay_options,
    add_provider_option,
    env_files_of,
    load_selected,
)
from cherrysync.errors import CherrysyncError, io_message
from cherrysync.fileio import write_atomic

if TYPE_CHECKING:
    from cherrysync.resolve import ResolvedProvider

HELP = "export the providers as a 1.x providers JSON array or as cherrystudio:// deep links"
EPILOG = """examples:
  cherrysync export providers.yaml --to providers-json -o providers.json
  cherrysync export providers.yaml --to deeplinks
  cherrysync export providers.yaml --to deeplinks --provider relay --open

exit codes: 0 success, 1 some provider cannot be exported (deep links), 2 usage error"""

SECRET_WARNING = (
    "warning: the export contains real API keys; do not commit, paste or share it carelessly"
)


@dataclass(frozen=True)
class ExportOptions:
    """What ``cherrysync export`` was asked to do; ``to`` is ``providers-json`` or ``deeplinks``."""

    to: str
    file: str = DEFAULT_FILE
    providers: tuple[str, ...] = ()
    output: str | None = None
    open: bool = False
    env_files: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    parser.add_argument(
        "--to", required=True, choices=("providers-json", "deeplinks"), help="output format"
    )
    add_provider_option(parser, "export")
    add_overlay_options(parser)
    parser.add_argument(
        "-o", "--output", metavar="PATH", help="write to PATH (mode 0600) instead of stdout"
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help="deeplinks: hand each link to the platform's URL opener instead of printing it",
    )
    add_env_file_option(parser)


def opener_command(url: str, platform: str = sys.platform) -> list[str] | None:
    """``open`` on macOS, ``xdg-open`` elsewhere; None on Windows, which uses ``startfile``."""
    if platform == "darwin":
        return ["open", url]
    if platform.startswith("win"):
        return None
    return ["xdg-open", url]


def open_url(url: str) -> None:
    """Hand a link to the desktop; the URL is an argument, never part of a shell string.

    On Windows ``os.startfile`` does what ``start "" "<url>"`` does without ``cmd`` reading the
    ``&`` in the query as a command separator.
    """
    command = opener_command(url)
    try:
        if command is None:
            getattr(os, "startfile")(url)  # noqa: B009 - Windows-only attribute
        else:
            subprocess.run(command, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        # the program, never the link: it holds the key
        opener = command[0] if command else "the Windows URL handler"
        reason = "not installed" if isinstance(exc, FileNotFoundError) else type(exc).__name__
        raise CherrysyncError(f"could not open the link with {opener} ({reason})", 1) from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(Path(output), text, 0o600)  # it holds real keys
    except OSError as exc:
        raise CherrysyncError(io_message(output, exc, "write")) from None


def run(args: argparse.Namespace) -> int:
    options = ExportOptions(
        to=args.to,
        file=args.file,
        providers=tuple(args.provider),
        output=args.output,
        open=args.open,
        env_files=env_files_of(args, [args.file]),
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
    )
    return export(options)


def export(options: ExportOptions) -> int:
    """Export the (selected) providers; 1 when some provider cannot be exported."""
    if options.open and options.to != "deeplinks":
        raise CherrysyncError("--open works with --to deeplinks only")
    if options.open and options.output:
        raise CherrysyncError("--open and --output exclude each other")
    # only the providers --provider and --tag select are resolved (unknown names are errors)
    loaded = load_selected(options)
    print(SECRET_WARNING, file=sys.stderr)
    if options.to == "providers-json":
        return _export_json(loaded.providers, options.output)
    return _export_links(loaded.providers, options)


def _export_json(providers: list[ResolvedProvider], output: str | None) -> int:
    from cherrysync.targets.v1.appmodel import key_problems, v1_provider

    problems = [p for provider in providers for p in key_problems(provider)]
    if problems:
        raise CherrysyncError("; ".join(problems), 1)
    objects = [v1_provider(p) for p in providers]
    _write(json.dumps(objects, ensure_ascii=False, indent=2) + "\n", output)
    return 0


def _export_links(providers: list[ResolvedProvider], options: ExportOptions) -> int:
    """One link per provider, printed or opened; a provider without a link fails the run."""
    from cherrysync.targets.deeplink import build

    failed = False
    lines: list[str] = []
    for provider in providers:
        link = build(provider)
        for problem in link.problems:
            print(f"error: {provider.id}: {problem}; no link", file=sys.stderr)
        if link.url is None:
            failed = True
            continue
        print(f"{provider.id}: the link cannot carry: {'; '.join(link.caveats)}", file=sys.stderr)
        if options.open:
            open_url(link.url)
            print(f"{provider.id}: opened; confirm it in Cherry Studio", file=sys.stderr)
        else:
            lines.append(link.url + "\n")
    if not options.open:
        _write("".join(lines), options.output)
    return 1 if failed else 0
