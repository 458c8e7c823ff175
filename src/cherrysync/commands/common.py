"""Plumbing shared by commands: env files, overlays, loading and resolving a providers file,
summaries.

:func:`load_providers` returns what it found (or raises with the diagnostics attached) and prints
nothing; :func:`load_for_command` is the commands' way to call it, printing those diagnostics.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TextIO

from cherrysync.console import VERBOSE
from cherrysync.diagnostics import Diagnostic, has_errors
from cherrysync.errors import CherrysyncError, ProvidersFileError, TargetError, io_message
from cherrysync.escaping import printable
from cherrysync.fileio import append_regular_file, refuse_special_file
from cherrysync.validate.formats import render_text
from cherrysync.validate.overlays import Overlay, read_overlay

if TYPE_CHECKING:  # every command module imports this one: the heavy stages load when used
    from cherrysync.resolve import ResolvedProvider
    from cherrysync.validate.pipeline import ValidatedFile

if TYPE_CHECKING:
    from cherrysync.targets.base import Target
    from cherrysync.targets.found import Found

DEFAULT_FILE = "providers.yaml"
#: What ``--target`` (plan, apply) and ``import --from`` can read.
READABLE_TARGETS = (
    "'auto', the app's data folder (2.x or 1.x), its cherrystudio.sqlite, or a backup .zip "
    "(1.x formats 5 and 6, 2.x format 7)"
)


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    """The optional positional providers file most commands take."""
    parser.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_FILE,
        metavar="FILE",
        help=f"providers file (default: {DEFAULT_FILE})",
    )


def add_format_option(parser: argparse.ArgumentParser, formats: Iterable[str]) -> None:
    """``--format``: one of the command's output formats, ``text`` (for people) by default."""
    parser.add_argument("--format", choices=list(formats), default="text", help="output format")


DOTENV = ".env"


def add_env_file_option(parser: argparse.ArgumentParser) -> None:
    """``--env-file`` (repeatable) and ``--no-dotenv``; see :func:`env_files_of`."""
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        action="append",
        default=[],
        help="load variables from a dotenv file (repeatable; later files and the process "
        "environment win)",
    )
    parser.add_argument(
        "--no-dotenv",
        action="store_true",
        help=f"do not load the {DOTENV} beside the providers file (loaded by default, "
        "below --env-file and the environment)",
    )


def env_files_of(args: argparse.Namespace, files: Sequence[str]) -> tuple[str, ...]:
    """The env files a command line names: the ``.env`` beside each providers file first (so
    ``--env-file`` files and then the process environment win over it), then ``--env-file``.

    A ``.env`` that is not a regular file, or one also named by ``--env-file``, is not added;
    ``-v`` says which was loaded.
    """
    named = list(args.env_file)
    if args.no_dotenv:
        return tuple(named)
    found: list[str] = []
    for file in files:
        dotenv = os.path.join(os.path.dirname(file), DOTENV)
        if os.path.lexists(dotenv) and not os.path.isfile(dotenv):
            _skip_special(dotenv)
            continue
        if not os.path.isfile(dotenv) or any(_same(dotenv, e) for e in [*found, *named]):
            continue
        found.append(dotenv)
        if args.verbosity == VERBOSE:
            print(
                f"cherrysync: loading {dotenv} beside {file} (--env-file files and the "
                "environment win over it; --no-dotenv skips it)",
                file=sys.stderr,
            )
    return (*found, *named)


def _skip_special(dotenv: str) -> None:
    """A ``.env`` that is a FIFO, a device or a folder is never read (a FIFO would wait for a
    writer); say so, since its variables then count as unset."""
    try:
        refuse_special_file(dotenv, folders=False)
    except OSError as exc:
        reason = printable(io_message(dotenv, exc, "load"))
        print(f"cherrysync: warning: {reason}; its variables are not set", file=sys.stderr)


def report_found(found: Found, verbosity: int, stream: TextIO) -> None:
    """What the target turned out to be (not with ``-q``), and with ``-v`` the rule that
    located it: ``plan``, ``apply`` and ``import`` print it before anything else."""
    if verbosity < 0:
        return
    print(f"Found {found.what} at {found.path}: cherrysync can {found.can}.", file=stream)
    if verbosity > 0 and found.how:
        print(f"  located by {found.how}", file=stream)


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


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


def add_provider_option(parser: argparse.ArgumentParser, what: str = "work on") -> None:
    """``--provider ID_OR_NAME``, repeatable: the one way every command picks providers."""
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="ID_OR_NAME",
        help=f"{what} only this provider, by id or name (repeatable; default: all)",
    )


def refuse_prune_with_selection(
    prune: bool, tags: Sequence[str], providers: Sequence[str] = ()
) -> None:
    """``--prune`` removes what the run does not list; with ``--tag`` or ``--provider`` that
    would be every provider of the file they leave out, so the two are refused together."""
    option = "--tag" if tags else "--provider" if providers else None
    if prune and option:
        raise CherrysyncError(
            f"--prune cannot be combined with {option}: it would remove the file's providers "
            f"that {option} leaves out; switch providers off per machine with an overlay "
            "(enabled: false)"
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
    #: the overlay files as read and checked, for a command that validates an edit with them
    overlays: list[Overlay] = field(default_factory=list)

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
    return LoadedProviders(validated, resolved, diagnostics, parsed)


def load_for_command(
    path: str,
    env_files: Iterable[str],
    only: Collection[str] | None = None,
    stderr: TextIO | None = None,
    *,
    overlays: Sequence[str] = (),
    tags: Sequence[str] = (),
    quiet: bool = False,
) -> LoadedProviders:
    """:func:`load_providers` with the environment of ``env_files``, its diagnostics shown.

    Warnings go to ``stderr`` (not with ``quiet``: ``-q`` shows only errors and results) and
    the command goes on; errors go there before the error ends it.
    """
    stream = stderr or sys.stderr
    try:
        env = load_env(env_files)
        loaded = load_providers(path, env, only, overlays=overlays, tags=tags)
    except ProvidersFileError as exc:
        stream.write(render_text(exc.diagnostics))
        raise
    shown = [d for d in loaded.diagnostics if not quiet or d.severity == "error"]
    stream.write(render_text(shown))
    return loaded


class FileSelection(Protocol):
    """The options of a command that loads a providers file and works on a selection of it."""

    @property
    def file(self) -> str: ...
    @property
    def env_files(self) -> tuple[str, ...]: ...
    @property
    def providers(self) -> tuple[str, ...]: ...
    @property
    def overlays(self) -> tuple[str, ...]: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


def load_selected(
    options: FileSelection, stderr: TextIO | None = None, *, quiet: bool = False
) -> LoadedProviders:
    """:func:`load_for_command` with a command's own ``--provider``, ``--tag`` and overlays."""
    return load_for_command(
        options.file,
        options.env_files,
        options.providers or None,
        stderr,
        overlays=options.overlays,
        tags=options.tags,
        quiet=quiet,
    )


def open_app_target(
    spec: str, option: str = "--target", *, out: str | None = None, force: bool = False
) -> Target:
    """The app target ``spec`` names, as the command's ``option`` took it (``import --from``).

    A FIFO or device is refused before anything opens it (opening a FIFO waits forever), a
    missing path is a usage error naming ``option``, and the targets' own messages, which speak
    of ``--target`` and ``--out``, name the options this command has.
    """
    from cherrysync.targets.open import open_target

    path = os.path.expanduser(spec)  # what open_target opens: ~/pipe is a FIFO too
    try:
        refuse_special_file(path)
    except OSError as exc:
        raise CherrysyncError(io_message(f"{option} {spec}", exc)) from exc
    if spec != "auto" and not os.path.lexists(path):
        raise TargetError(f"{option} {spec}: no such file or folder", code=2)
    with target_option_names(option):
        return open_target(spec, out=out, force=force)


_TARGET_OPTION = re.compile(r"(?<![\w-])--(target|out)(?![\w-])")


@contextmanager
def target_option_names(target: str = "--target") -> Iterator[None]:
    """Re-raise a :class:`TargetError` naming this command's options: ``--target`` becomes
    ``target`` (``--from`` for import) and ``--out`` becomes ``-o/--output``."""
    try:
        yield
    except TargetError as exc:
        names = {"target": target, "out": "-o/--output"}
        message = _TARGET_OPTION.sub(lambda m: names[m.group(1)], exc.message)
        if message == exc.message:
            raise
        raise TargetError(message, code=exc.code) from exc


def refuse_summary_path(path: str | None) -> None:
    """A ``--summary`` that names a FIFO, a device or a folder ends the command before it runs
    (appending to it at the end would wait for a reader, or fail after the work is done)."""
    if path is None:
        return
    try:
        refuse_special_file(path, folders=False)
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc, "write")) from exc


def append_summary(path: str, markdown: str) -> None:
    """Append a Markdown summary to ``path`` (``$GITHUB_STEP_SUMMARY`` collects every step's);
    a regular file only."""
    try:
        append_regular_file(path, markdown.encode("utf-8"))
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc, "write")) from exc
