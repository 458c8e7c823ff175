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
  cherrysync demo --dir ./demo        # in a folder of your choice (must be empty or new)
  cherrysync demo --serve --dir ./demo  # then keep the endpoints up for the tour (Ctrl-C)

exit codes: 0 every step did what it should (or --serve ended with Ctrl-C), 1 a step failed,
2 the folder is not empty, 130 interrupted"""


@dataclass(frozen=True)
class DemoOptions:
    """``dir``: the folder to work in; None makes a temporary one (kept afterwards).

    ``serve``: keep the loopback endpoints up after the steps, until Ctrl-C; on a folder an
    earlier demo wrote, serve its endpoints again instead of running the steps.
    """

    dir: str | None = None
    serve: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", metavar="PATH", help="folder to work in (new or empty)")
    parser.add_argument(
        "--serve",
        action="store_true",
        help="keep the loopback endpoints up until Ctrl-C, for the README tour in another "
        "terminal (on a folder an earlier demo wrote: serve its endpoints again)",
    )


def run(args: argparse.Namespace) -> int:
    return demo(DemoOptions(dir=args.dir, serve=args.serve))


def demo(options: DemoOptions) -> int:
    """Run every step in ``options.dir`` (new or empty); 0 when each did what it should."""
    from cherrysync.cli import main
    from cherrysync.demo.run import MARKER, run_demo, serve_again

    if options.serve and options.dir and (Path(options.dir) / MARKER).is_file():
        try:
            return serve_again(Path(options.dir).resolve())
        except OSError as exc:  # a port of that demo is taken now
            raise CherrysyncError(
                f"cannot serve the endpoints of {options.dir} again ({exc.strerror or exc}); "
                "run the demo in a new folder"
            ) from exc
    folder = _prepare(options.dir)
    # each step is a command line; Ctrl-C in one ends the demo (exit 130), not just that step
    step = functools.partial(main, nested=True)
    return run_demo(folder.resolve(), step, keep_serving=options.serve)


def _prepare(directory: str | None) -> Path:
    """The demo's folder: ``--dir`` created when new, refused when it holds anything or is not
    a folder; a new temporary folder without ``--dir``."""
    from cherrysync.demo.run import MARKER

    if not directory:
        return Path(tempfile.mkdtemp(prefix="cherrysync-demo-"))
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise CherrysyncError(f"--dir {folder} is a file; pick a new folder for the demo")
    try:
        if (folder / MARKER).is_file():
            raise CherrysyncError(
                f"--dir {folder} holds a demo already; serve its endpoints again with "
                f"'cherrysync demo --serve --dir {folder}', or pick a new folder"
            )
        if folder.exists() and any(folder.iterdir()):
            raise CherrysyncError(f"--dir {folder} is not empty; pick a new folder for the demo")
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CherrysyncError(io_message(f"--dir {folder}", exc, "use")) from exc
    return folder
