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
from pathlib import Path

from cherrysync.commands import CommandError
from cherrysync.commands.common import (
    add_env_file_option,
    add_file_argument,
    add_overlay_options,
    load_providers,
)
from cherrysync.fileio import write_atomic

HELP = "export the providers as a 1.x providers JSON array or as cherrystudio:// deep links"
EPILOG = """examples:
  cherrysync export providers.yaml --to providers-json -o providers.json
  cherrysync export providers.yaml --to deeplinks
  cherrysync export providers.yaml --to deeplinks --provider relay --open

exit codes: 0 success, 1 some provider cannot be exported (deep links), 2 usage error"""

SECRET_WARNING = (
    "warning: the export contains real API keys; do not commit, paste or share it carelessly"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    parser.add_argument(
        "--to", required=True, choices=("providers-json", "deeplinks"), help="output format"
    )
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="ID",
        help="only this provider (repeatable; default: all)",
    )
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
        raise CommandError(f"could not open the link ({type(exc).__name__})", 1) from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(Path(output), text, 0o600)  # it holds real keys
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from cherrysync.targets.deeplink import build
    from cherrysync.targets.v1.appmodel import key_problems, v1_provider

    if args.open and args.to != "deeplinks":
        raise CommandError("--open works with --to deeplinks only")
    if args.open and args.output:
        raise CommandError("--open and --output exclude each other")
    providers = load_providers(args.file, args, only=args.provider or None).providers
    # load_providers resolved only the providers named by --provider (unknown names are errors)
    print(SECRET_WARNING, file=sys.stderr)
    if args.to == "providers-json":
        problems = [p for provider in providers for p in key_problems(provider)]
        if problems:
            raise CommandError("; ".join(problems), 1)
        objects = [v1_provider(p) for p in providers]
        _write(json.dumps(objects, ensure_ascii=False, indent=2) + "\n", args.output)
        return 0
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
        if args.open:
            open_url(link.url)
            print(f"{provider.id}: opened; confirm it in Cherry Studio", file=sys.stderr)
        else:
            lines.append(link.url + "\n")
    if not args.open:
        _write("".join(lines), args.output)
    return 1 if failed else 0
