"""``cherrysync completion``: print a shell completion script."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from cherrysync.completion import SHELLS, render_completion

HELP = "print a shell completion script (bash, zsh or fish)"
EPILOG = """examples:
  source <(cherrysync completion bash)                 # in ~/.bashrc
  source <(cherrysync completion zsh)                  # in ~/.zshrc, after compinit
  cherrysync completion fish > ~/.config/fish/completions/cherrysync.fish"""


@dataclass(frozen=True)
class CompletionOptions:
    shell: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete for")


def run(args: argparse.Namespace) -> int:
    return completion(CompletionOptions(shell=args.shell))


def completion(options: CompletionOptions) -> int:
    """Print the script for ``options.shell``, built from the real parser so it never drifts."""
    from cherrysync.cli import build_parser

    sys.stdout.write(render_completion(options.shell, build_parser()))
    return 0
