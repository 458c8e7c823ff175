"""Plumbing shared by commands: env files, loading and resolving a providers file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass

from cherrysync.commands import CommandError
from cherrysync.diagnostics import has_errors
from cherrysync.load.envfile import EnvFileError, read_env_file
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


def load_env(args: argparse.Namespace) -> dict[str, str]:
    """Environment for ``${VAR}`` references: dotenv files first, then the real environment."""
    env: dict[str, str] = {}
    for path in getattr(args, "env_file", None) or []:
        try:
            env.update(read_env_file(path, environ=os.environ, inherited=env))
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

    Warnings are printed to stderr and do not stop the command; errors (including unset
    variables) exit with code 1.
    """
    env = load_env(args)
    try:
        validated = validate_path(path, ValidationOptions(env=env))
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not validated.ok or validated.model is None:
        sys.stderr.write(render_text(validated.diagnostics))
        raise CommandError(f"{path} is not valid; fix the errors above", 1)
    if only:
        known = {p.provider_id for p in validated.model.providers}
        known |= {p.name for p in validated.model.providers}
        unknown = [name for name in only if name not in known]
        if unknown:
            ids = ", ".join(p.provider_id for p in validated.model.providers) or "none"
            raise CommandError(f"unknown provider {', '.join(unknown)} (known: {ids})")
    resolved, problems = resolve_providers(
        validated.model,
        env,
        filename=validated.filename,
        document=validated.document,
        only=only or None,
    )
    sys.stderr.write(render_text([*validated.diagnostics, *problems]))
    if has_errors(problems):
        raise CommandError(
            "the file's ${VAR} references cannot be used as they are (see above); set them or "
            "pass --env-file",
            1,
        )
    return LoadedProviders(validated, resolved)
