"""``cherrysync demo``: run validate, check, plan, apply and import on throwaway data."""

from __future__ import annotations

import argparse
import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cherrysync.errors import CherrysyncError, io_message

HELP = "try every stage offline: loopback endpoints, a throwaway database and backup"
EPILOG = """examples:
  cherrysync demo                     # in a new temporary folder, kept for you to look at
  cherrysync demo --dir ./demo        # in a folder of your choice (must be empty or new)"""


@dataclass(frozen=True)
class DemoOptions:
    """``dir``: the folder to work in; None makes a temporary one (kept afterwards)."""

    dir: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", metavar="PATH", help="folder to work in (new or empty)")


def run(args: argparse.Namespace) -> int:
    return demo(DemoOptions(dir=args.dir))


def demo(options: DemoOptions) -> int:
    """Run every stage in ``options.dir`` (new or empty); 0 when each did what it should."""
    from cherrysync.cli import main
    from cherrysync.demo.run import run_demo

    folder = _prepare(options.dir)
    # each step is a command line; Ctrl-C in one ends the demo (exit 130), not just that step
    return run_demo(folder.resolve(), functools.partial(main, nested=True))


def _prepare(directory: str | None) -> Path:
    """The demo's folder: ``--dir`` created when new, refused when it holds anything or is not
    a folder; a new temporary folder without ``--dir``."""
    if not directory:
        return Path(tempfile.mkdtemp(prefix="cherrysync-demo-"))
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise CherrysyncError(f"--dir {folder} is a file; pick a new folder for the demo")
    try:
        if folder.exists() and any(folder.iterdir()):
            raise CherrysyncError(f"--dir {folder} is not empty; pick a new folder for the demo")
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CherrysyncError(io_message(f"--dir {folder}", exc, "use")) from exc
    return folder
