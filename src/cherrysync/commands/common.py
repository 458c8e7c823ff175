"""Plumbing shared by commands: env files, overlays, loading and resolving a providers file,
summaries.

:func:`load_providers` returns what it found (or raises with the diagnostics attached) and prints
nothing; :func:`load_for_command` is the commands' way to call it, printing those diagnostics.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.errors import CherrysyncError, ProvidersFileError, io_message
from cherrysync.validate.formats import render_text
from cherrysync.validate.overlays import Overlay, read_overlay

if TYPE_CHECKING:  # every command module imports this one: the heavy stages load when used
    from cherrysync.resolve import ResolvedProvider
    from cherrysync.validate.pipeline import ValidatedFile

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


def add_overlay_options(parser: argparse.ArgumentParser, tag_help: str | None = None) -> None:
    """``--overlay`` and ``--tag``: one reviewed providers file, varied per machine.

    ``tag_help`` words ``--tag`` for a command whose selection differs (``diff``)."""
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
        help=tag_help
        or "only providers carrying this tag (repeatable: any of them; "
        "with --provider: providers matching both)",
    )


def refuse_prune_with_tags(prune: bool, tags: Sequence[str]) -> None:
    """``--prune`` removes what the run does not list; with ``--tag`` that would be every
    provider of the file the tags leave out, so the two are refused together."""
    if prune and tags:
        raise CherrysyncError(
            "--prune cannot be combined with --tag: it would remove the file's providers the "
            "tags leave out; switch providers off per machine with an overlay (enabled: false)"
        )


def load_overlays(paths: Iterable[str]) -> list[Overlay]:
    """Read and check each ``--overlay`` file once (a missing one is a usage error)."""
    overlays = []
    for path in paths:
        try:
            overlays.append(read_overlay(path))
        except OSError as exc:
            raise CherrysyncError(io_message(f"overlay {path}", exc)) from exc
    return overlays


def load_env(env_files: Iterable[str], *, decrypt: bool = True) -> dict[str, str]:
    """Environment for ``${VAR}`` references: dotenv files first, then the real environment.

    sops-encrypted files are decrypted; with ``decrypt=False`` only their names are read.
    """
    env: dict[str, str] = {}
    for path in env_files:
        from cherrysync.load.sops import read_env_source  # runs helper programs: when needed

        try:
            source = read_env_source(path, decrypt=decrypt, environ=os.environ, inherited=env)
            env.update(source)
        except OSError as exc:
            raise CherrysyncError(io_message(f"env file {path}", exc)) from exc
    env.update(os.environ)
    return env


@dataclass
class LoadedProviders:
    """A validated file whose references were resolved for use.

    ``diagnostics`` are the warnings found on the way, for the command to show.
    """

    validated: ValidatedFile
    providers: list[ResolvedProvider]
    diagnostics: list[Diagnostic]

    @property
    def filename(self) -> str:
        return self.validated.filename


def load_providers(
    path: str,
    env: Mapping[str, str],
    only: Collection[str] | None = None,
    *,
    overlays: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> LoadedProviders:
    """Validate and resolve ``path`` with the ``overlays`` files merged on top.

    ``only`` (provider ids or names) and ``tags`` select the providers to resolve, so only their
    variables and secrets are read. Raises :class:`ProvidersFileError` (exit 1, diagnostics
    attached) for errors in the merged file, including unset variables and unreadable secrets,
    and :class:`CherrysyncError` (exit 2) for an unreadable file or a selection that matches
    nothing.
    """
    from cherrysync.resolve import resolve_providers
    from cherrysync.secretstores import SecretStores
    from cherrysync.selection import select
    from cherrysync.validate.pipeline import ValidationOptions, validate_path

    parsed = load_overlays(overlays)
    try:
        validated = validate_path(path, ValidationOptions(env=env), parsed)
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc)) from exc
    if not validated.ok or validated.model is None:
        message = f"{path} is not valid; fix the errors above"
        raise ProvidersFileError(message, validated.diagnostics)
    selected = select(validated.model, list(only or ()), list(tags))
    resolved, problems = resolve_providers(
        validated.model,
        env,
        filename=validated.filename,
        document=validated.document,
        only=selected,
        read_store=SecretStores().read,
    )
    diagnostics = [*validated.diagnostics, *problems]
    if has_errors(problems):
        message = (
            "the file's references cannot be used as they are (see above); set them or pass "
            "--env-file, and make the secrets in stores readable"
        )
        raise ProvidersFileError(message, diagnostics)
    return LoadedProviders(validated, resolved, diagnostics)


def load_for_command(
    path: str,
    env_files: Iterable[str],
    only: Collection[str] | None = None,
    stderr: TextIO | None = None,
    *,
    overlays: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> LoadedProviders:
    """:func:`load_providers` with the environment of ``env_files``, its diagnostics shown.

    Warnings go to ``stderr`` and the command goes on; errors go there before the error ends it.
    """
    stream = stderr or sys.stderr
    try:
        env = load_env(env_files)
        loaded = load_providers(path, env, only, overlays=overlays, tags=tags)
    except ProvidersFileError as exc:
        stream.write(render_text(exc.diagnostics))
        raise
    stream.write(render_text(loaded.diagnostics))
    return loaded


def append_summary(path: str, markdown: str) -> None:
    """Append a Markdown summary to ``path`` (``$GITHUB_STEP_SUMMARY`` collects every step's)."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc, "write")) from exc
