"""Plumbing shared by commands: env files, loading and resolving a providers file, summaries.

:func:`load_providers` returns what it found (or raises with the diagnostics attached) and prints
nothing; :func:`load_for_command` is the commands' way to call it, printing those diagnostics.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TextIO

from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.errors import CherrysyncError, ProvidersFileError, io_message
from cherrysync.load.envfile import read_env_file
from cherrysync.model import ProvidersFile
from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.validate.formats import render_text
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


def load_env(env_files: Iterable[str]) -> dict[str, str]:
    """Environment for ``${VAR}`` references: dotenv files first, then the real environment."""
    env: dict[str, str] = {}
    for path in env_files:
        try:
            env.update(read_env_file(path, environ=os.environ, inherited=env))
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
    path: str, env: Mapping[str, str], only: Collection[str] | None = None
) -> LoadedProviders:
    """Validate and resolve ``path`` (just the providers named in ``only``, when given).

    Raises :class:`ProvidersFileError` (exit 1, diagnostics attached) for errors in the file,
    including unset variables, and :class:`CherrysyncError` (exit 2) for an unreadable file or
    an unknown provider name.
    """
    try:
        validated = validate_path(path, ValidationOptions(env=env))
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc)) from exc
    if not validated.ok or validated.model is None:
        message = f"{path} is not valid; fix the errors above"
        raise ProvidersFileError(message, validated.diagnostics)
    if only:
        _require_known(validated.model, only)
    resolved, problems = resolve_providers(
        validated.model,
        env,
        filename=validated.filename,
        document=validated.document,
        only=only or None,
    )
    diagnostics = [*validated.diagnostics, *problems]
    if has_errors(problems):
        message = (
            "the file's ${VAR} references cannot be used as they are (see above); set them or "
            "pass --env-file"
        )
        raise ProvidersFileError(message, diagnostics)
    return LoadedProviders(validated, resolved, diagnostics)


def _require_known(model: ProvidersFile, names: Collection[str]) -> None:
    """Every name must be a provider's id or name; a typo is a usage error, not a no-op."""
    known = {p.provider_id for p in model.providers} | {p.name for p in model.providers}
    unknown = [name for name in names if name not in known]
    if unknown:
        ids = ", ".join(p.provider_id for p in model.providers) or "none"
        raise CherrysyncError(f"unknown provider {', '.join(unknown)} (known: {ids})")


def load_for_command(
    path: str,
    env_files: Iterable[str],
    only: Collection[str] | None = None,
    stderr: TextIO | None = None,
) -> LoadedProviders:
    """:func:`load_providers` with the environment of ``env_files``, its diagnostics shown.

    Warnings go to ``stderr`` and the command goes on; errors go there before the error ends it.
    """
    stream = stderr or sys.stderr
    try:
        loaded = load_providers(path, load_env(env_files), only)
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
