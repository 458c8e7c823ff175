"""Command-line entry point: a thin dispatcher over one module per command, and the one handler
that turns every way a command can end into an exit code.

:func:`main` builds the parser of the one command it runs (``--version`` builds none), so a run
imports that command's module only; ``--help`` and the completion scripts build them all. Command
modules keep heavy imports (httpx, sqlite helpers) inside their functions all the same: the full
parser must stay cheap, and ``validate`` free of the HTTP stack.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Collection, Sequence
from types import ModuleType

from cherrysync import __version__, collector
from cherrysync.console import NORMAL, QUIET, VERBOSE
from cherrysync.errors import CherrysyncError, print_error

#: name -> module implementing ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, str] = {
    "validate": "cherrysync.commands.validate",
    "check": "cherrysync.commands.check",
    "models": "cherrysync.commands.models",
    "plan": "cherrysync.commands.plan",
    "diff": "cherrysync.commands.diff",
    "apply": "cherrysync.commands.apply",
    "export": "cherrysync.commands.export",
    "import": "cherrysync.commands.import_providers",
    "schema": "cherrysync.commands.schema",
    "demo": "cherrysync.commands.demo",
    "completion": "cherrysync.commands.completion",
}


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the commands in ``only``."""
    parser = argparse.ArgumentParser(
        prog="cherrysync",
        description="Cherry Studio AI providers as code.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  cherrysync validate providers.yaml\n"
        "  cherrysync COMMAND --help    # options and an example for each command",
    )
    parser.add_argument("--version", action="version", version=f"cherrysync {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=QUIET,
        default=NORMAL,
        help="print only errors and results",
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=VERBOSE,
        help="print more detail",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name not in only:
            continue
        module = _load(name)
        command = sub.add_parser(
            name,
            parents=[common],
            help=module.HELP,
            description=module.HELP,
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def _needed(argv: Sequence[str]) -> list[str] | None:
    """The commands whose parsers ``argv`` can reach: the one it names first (options after it
    belong to that command's parser), none for ``--version``; all otherwise, since the top-level
    help and usage errors describe them all."""
    first = argv[0] if argv else None
    if first in COMMANDS:
        return [first]
    return [] if first == "--version" else None


def main(argv: Sequence[str] | None = None, *, nested: bool = False) -> int:
    """Run one command line; ``nested`` (a step of ``demo``) lets Ctrl-C reach the caller."""
    with collector.paused():
        return _main(sys.argv[1:] if argv is None else list(argv), nested=nested)


def _main(argv: list[str], *, nested: bool) -> int:
    parser = build_parser(_needed(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    return handle_errors(lambda: args._run(args), nested=nested)


def handle_errors(command: Callable[[], int], *, nested: bool = False) -> int:
    """Run ``command`` and turn how it ended into the exit code; never show a traceback.

    A :class:`CherrysyncError` prints its message (secret-free by contract) and exits with its
    code; Ctrl-C exits 130 like a shell; a closed pipe (``| head``) exits 1 quietly; anything else
    is a bug, shown as one line naming only the exception type (its text might hold a secret).
    """
    try:
        return int(command())
    except CherrysyncError as exc:
        if exc.message:
            print_error(exc.message)
        return exc.code
    except KeyboardInterrupt:
        if nested:
            raise
        print("cherrysync: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        if os.environ.get("CHERRYSYNC_DEBUG"):
            raise
        print(
            f"cherrysync: internal error: {type(exc).__name__} "
            "(set CHERRYSYNC_DEBUG=1 for details and report it)",
            file=sys.stderr,
        )
        return 2
