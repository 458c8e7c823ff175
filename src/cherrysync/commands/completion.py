"""``cherrysync completion``: print a shell completion script."""

from __future__ import annotations

import argparse
import sys

from cherrysync.completion import SHELLS, render_completion

HELP = "print a shell completion script (bash, zsh or fish)"
EPILOG = """examples:
  source <(cherrysync completion bash)                 # in ~/.bashrc
  source <(cherrysync completion zsh)                  # in ~/.zshrc, after compinit
  cherrysync completion fish > ~/.config/fish/completions/cherrysync.fish"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete for")


def run(args: argparse.Namespace) -> int:
    from cherrysync.cli import build_parser

    sys.stdout.write(render_completion(args.shell, build_parser()))
    return 0
