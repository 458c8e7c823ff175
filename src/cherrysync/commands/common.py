"""Plumbing shared by commands: env files, overlays, loading and resolving a providers file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cherrysync.commands import CommandError
from cherrysync.diagnostics import has_errors
from cherrysync.load.envfile import EnvFileError
from cherrysync.load.sops import read_env_source
from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.selection import SelectionError, select
from cherrysync.validate.formats import render_text
from cherrysync.validate.overlays import Overlay, read_overlay
from cherrysync.validate.pipeline import ValidatedFile, ValidationOptions, validate_path

DEFAULT_FILE = "providers.yaml"


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    """The optional positional providers file most commands take."""
    parser.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_FILE,
        metavar="FILE",
        help=f"providers file (default: {DEFAULT_FILE})",
    )


def add_env_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        action="append",
        default=[],
        help="load variables from a dotenv file (repeatable; the process environment wins)",
    )


def add_overlay_options(parser: argparse.ArgumentParser) -> None:
    """``--overlay`` and ``--tag``: one reviewed providers file, varied per machine."""
    parser.add_argument(
        "--overlay",
        metavar="FILE",
        action="append",
        default=[],
        help="apply this overlay on top of the providers file, by provider id "
        "(repeatable; later overlays win)",
    )
    parser.add_argument(
        "--tag",
        metavar="TAG",
        action="append",
        default=[],
        help="only providers carrying this tag (repeatable: any of them; "
        "with --provider: providers matching both)",
    )


def refuse_prune_with_tags(prune: bool, tags: Sequence[str]) -> None:
    """``--prune`` removes what the run does not list; with ``--tag`` that would be every
    provider of the file the tags leave out, so the two are refused together."""
    if prune and tags:
        raise CommandError(
            "--prune cannot be combined with --tag: it would remove the file's providers the "
            "tags leave out; switch providers off per machine with an overlay (enabled: false)"
        )


def load_overlays(paths: Sequence[str]) -> list[Overlay]:
    """Read and check each ``--overlay`` file once (a missing one is a usage error)."""
    overlays = []
    for path in paths:
        try:
            overlays.append(read_overlay(path))
        except OSError as exc:
            raise CommandError(f"cannot read overlay {path}: {exc.strerror or exc}") from exc
    return overlays


def load_env(args: argparse.Namespace, *, decrypt: bool = True) -> dict[str, str]:
    """Environment for ``${VAR}`` references: dotenv files first, then the real environment.

    sops-encrypted files are decrypted; with ``decrypt=False`` only their names are read.
    """
    env: dict[str, str] = {}
    for path in getattr(args, "env_file", None) or []:
        try:
            env.update(read_env_source(path, decrypt=decrypt))
        except EnvFileError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read env file {path}: {exc.strerror or exc}") from exc
    env.update(os.environ)
    return env


@dataclass
class LoadedProviders:
    """A validated file whose references were resolved for use."""

    validated: ValidatedFile
    providers: list[ResolvedProvider]

    @property
    def filename(self) -> str:
        return self.validated.filename


def load_providers(
    path: str, args: argparse.Namespace, only: Collection[str] | None = None
) -> LoadedProviders:
    """Validate and resolve ``path`` or raise :class:`CommandError` after printing diagnostics.

    ``args.overlay`` files are merged on top first; ``only`` (provider names) and ``args.tag``
    select the providers to resolve, so only their variables and secrets are read. Warnings are
    printed to stderr and do not stop the command; errors (including unset variables and
    unreadable secrets) exit with code 1.
    """
    from cherrysync.secretstores import SecretStores

    overlays = load_overlays(getattr(args, "overlay", None) or [])
    env = load_env(args)
    try:
        validated = validate_path(path, ValidationOptions(env=env), overlays)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not validated.ok or validated.model is None:
        sys.stderr.write(render_text(validated.diagnostics))
        raise CommandError(f"{path} is not valid; fix the errors above", 1)
    try:
        selected = select(validated.model, list(only or ()), getattr(args, "tag", None) or [])
    except SelectionError as exc:
        raise CommandError(str(exc)) from None
    resolved, problems = resolve_providers(
        validated.model,
        env,
        filename=validated.filename,
        document=validated.document,
        only=selected,
        read_store=SecretStores().read,
    )
    sys.stderr.write(render_text([*validated.diagnostics, *problems]))
    if has_errors(problems):
        raise CommandError(
            "the file's references cannot be used as they are (see above); set the variables "
            "(or pass --env-file) and make the secrets readable",
            1,
        )
    return LoadedProviders(validated, resolved)
