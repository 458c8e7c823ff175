"""``cherrysync import``: start a providers file from what was clicked together in the app.

Reads custom providers through the target interface (any input ``--from`` names), validates
the generated file, then writes it and the dotenv file of keys (mode 0600) atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cherrysync.commands.common import (
    READABLE_TARGETS,
    open_app_target,
    report_found,
    target_option_names,
)
from cherrysync.console import NORMAL
from cherrysync.errors import CherrysyncError, io_message
from cherrysync.fileio import same_file, write_atomic

if TYPE_CHECKING:
    from cherrysync.targets.importer import ImportResult

HELP = "write a providers file from the custom providers in the app (any version, or a backup)"
EPILOG = """examples:
  cherrysync import --from cherry-studio.202611251200.zip -o providers.yaml
  cherrysync import --from auto -o providers.yaml --env-out ~/.config/cherrysync.env
  cherrysync import --from ~/.config/CherryStudio -o providers.yaml --no-secrets
  cherrysync import --from cherry-studio.20261002120000.host.desktop.zip -o providers.yaml

exit codes: 0 written, 1 error (nothing written), 2 usage error"""


@dataclass(frozen=True)
class ImportOptions:
    """What ``cherrysync import`` was asked to do; ``env_out`` defaults to ``.env`` beside it.

    ``verbosity`` (a :mod:`console` level) decides whether the found line is printed.
    """

    source: str
    output: str
    env_out: str | None = None
    no_secrets: bool = False
    force: bool = False
    verbosity: int = NORMAL

    @property
    def env_path(self) -> Path:
        return Path(self.env_out) if self.env_out else Path(self.output).parent / ".env"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="T",
        help=READABLE_TARGETS,
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="providers file to write"
    )
    parser.add_argument(
        "--env-out",
        metavar="PATH",
        help="dotenv file for the keys (default: .env beside the output; mode 0600)",
    )
    parser.add_argument(
        "--no-secrets",
        action="store_true",
        help="leave keys and secret-looking headers out; write no dotenv file",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output and dotenv files if they exist"
    )


def run(args: argparse.Namespace) -> int:
    options = ImportOptions(
        source=args.source,
        output=args.output,
        env_out=args.env_out,
        no_secrets=args.no_secrets,
        force=args.force,
        verbosity=args.verbosity,
    )
    return import_providers(options)


def _refuse_overwrite(options: ImportOptions) -> None:
    """Fail before reading the app: the two outputs are two files and neither is the input,
    existing files need --force, folders must exist.

    Paths are compared resolved and by inode, so a symlink, a hard link or a relative
    spelling of the same file is caught as well.
    """
    output = Path(options.output)
    paths = [output] if options.no_secrets else [output, options.env_path]
    if len(paths) == 2 and same_file(output, options.env_path):
        raise CherrysyncError(
            f"-o {output} and --env-out {options.env_path} are the same file: the keys and the "
            "providers file need one each",
            2,
        )
    source = Path(options.source).expanduser()
    for path in paths:
        if options.source != "auto" and same_file(path, source):
            raise CherrysyncError(f"{path} is the input --from names; it is never overwritten", 2)
        if os.path.lexists(path) and not options.force:
            raise CherrysyncError(f"{path} exists; pass --force to overwrite it", 1)
        if not path.parent.is_dir():
            raise CherrysyncError(f"folder {path.parent} does not exist")


def _write_files(result: ImportResult, options: ImportOptions, output: Path, env_out: Path) -> None:
    """The dotenv file (0600, when there are keys) first, then the providers file."""
    from cherrysync.targets.importer import render_env

    overwrite = options.force  # without --force, not even a file that appeared meanwhile
    try:
        if result.env or result.missing:
            env_text = render_env(result.env, output.name, result.unreadable, result.unquotable)
            write_atomic(env_out, env_text, 0o600, overwrite=overwrite)
        write_atomic(output, result.text, 0o644, overwrite=overwrite)
    except FileExistsError as exc:
        raise CherrysyncError(f"{exc.filename} exists; pass --force to overwrite it", 1) from exc
    except OSError as exc:
        raise CherrysyncError(io_message(None, exc, "write"), 1) from exc


def import_providers(options: ImportOptions) -> int:
    """Write the providers file (and the dotenv file of keys) read from the app; 0 on success."""
    from cherrysync.targets.importer import build_import

    output, env_out = Path(options.output), options.env_path
    _refuse_overwrite(options)
    target = open_app_target(options.source, "--from")
    with target_option_names("--from"):
        providers = target.read_custom_providers()
    report_found(target.found, options.verbosity, sys.stdout)
    for warning in getattr(target, "import_warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    result = build_import(
        providers,
        secrets=not options.no_secrets,
        source=target.description,
        env_name=os.path.relpath(env_out, output.parent),
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _write_files(result, options, output, env_out)
    print(f"Wrote {output} with {result.count} provider(s).")
    if result.env or result.missing:
        print(f"Wrote {len(result.env)} key(s) to {env_out} (mode 0600); keep it out of Git.")
        if result.unreadable:
            print(f"Fill in the encrypted key(s) there: {', '.join(result.unreadable)}")
        if result.unquotable:
            print(f"Write these key(s) there by hand: {', '.join(result.unquotable)}")
        print(f"Use it with: cherrysync validate {output} --require-env --env-file {env_out}")
    return 0
