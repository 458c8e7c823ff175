"""``cherrysync models``: what a provider's endpoint offers, and adding IDs to the file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cherrysync.commands.check import NetworkOptions, add_network_arguments
from cherrysync.commands.common import (
    DEFAULT_FILE,
    add_format_option,
    add_overlay_options,
    env_files_of,
    load_for_command,
)
from cherrysync.errors import CherrysyncError, io_message
from cherrysync.escaping import json_text, printable
from cherrysync.model import ENDPOINT_TYPES

if TYPE_CHECKING:
    from cherrysync.check.capabilities import ModelInfo
    from cherrysync.check.dialects import Listing
    from cherrysync.resolve import ResolvedProvider
    from cherrysync.validate.overlays import Overlay
    from cherrysync.validate.pipeline import ValidatedFile

HELP = "list the models a provider's endpoint offers; add IDs to the providers file"
EPILOG = """examples:
  cherrysync models openai-work
  cherrysync models local-ollama providers.yaml --add qwen2.5:7b llama3.2:latest
  cherrysync models local-ollama --add-all
  cherrysync models --provider local-ollama providers.yaml
  cherrysync models relay --add gpt-4.1 --endpoint-type openai   # new-api needs the type

Marks: '=' configured and offered, '!' configured but not offered, '+' offered, not configured.
Where the endpoint reports them: [capabilities] and the context window; --add and --add-all
write the reported capabilities into the file.
exit codes: 0 success, 1 the endpoint could not be listed, 2 usage or I/O error"""


@dataclass(frozen=True)
class ModelsOptions:
    """What ``cherrysync models`` was asked to do (``add_all`` excludes ``add``)."""

    provider: str
    file: str = DEFAULT_FILE
    add: tuple[str, ...] = ()
    add_all: bool = False
    #: written with each added id; new-api providers need it
    endpoint_type: str | None = None
    format: str = "text"
    network: NetworkOptions = field(default_factory=NetworkOptions)
    env_files: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "provider", nargs="?", metavar="PROVIDER", help="provider id or name (or --provider)"
    )
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help=f"providers file (default: {DEFAULT_FILE})"
    )
    parser.add_argument(
        "--provider",
        dest="provider_option",
        metavar="ID_OR_NAME",
        help="the provider, by id or name, as check, plan and export take it "
        "(then the only positional argument is FILE)",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--add",
        nargs="+",
        default=[],
        metavar="ID",
        help="append these IDs to the provider's models (comments and formatting preserved)",
    )
    group.add_argument(
        "--add-all", action="store_true", help="append every offered ID not yet configured"
    )
    parser.add_argument(
        "--endpoint-type",
        choices=ENDPOINT_TYPES,
        metavar="TYPE",
        help="write added IDs as {id, endpoint_type: TYPE}; required for new-api providers "
        f"({', '.join(ENDPOINT_TYPES)})",
    )
    add_format_option(parser, ("text", "json"))
    add_overlay_options(parser)
    add_network_arguments(parser)


def _models_in_main_file(validated: ValidatedFile, index: int, file: str) -> None:
    """``--add`` edits the providers file; models an overlay sets must be edited there."""
    document = validated.document
    source = document.position(("providers", index, "models")).file if document else file
    if source and source != file:
        raise CherrysyncError(
            f"the models of this provider come from the overlay {source}; "
            "add the IDs there (models --add edits only the providers file)"
        )


def _provider_and_file(args: argparse.Namespace) -> tuple[str, str]:
    """``models PROVIDER [FILE]`` or ``models --provider ID_OR_NAME [FILE]``."""
    given = [a for a in (args.provider, args.file) if a is not None]
    if args.provider_option is not None:
        if len(given) > 1:
            raise CherrysyncError("name the provider once: PROVIDER or --provider, not both")
        return args.provider_option, given[0] if given else DEFAULT_FILE
    if not given:
        raise CherrysyncError("name a provider: cherrysync models PROVIDER (or --provider)")
    return given[0], given[1] if len(given) > 1 else DEFAULT_FILE


def run(args: argparse.Namespace) -> int:
    provider, file = _provider_and_file(args)
    options = ModelsOptions(
        provider=provider,
        file=file,
        add=tuple(args.add),
        add_all=args.add_all,
        endpoint_type=args.endpoint_type,
        format=args.format,
        network=NetworkOptions.from_args(args),
        env_files=env_files_of(args, [file]),
        overlays=tuple(args.overlay),
        tags=tuple(args.tag),
    )
    return models(options)


#: How an offered ID is shown: the provider's secrets masked, control characters escaped.
Show = Callable[[str], str]


@dataclass(frozen=True)
class Comparison:
    """The endpoint's offer against the provider's models, and the IDs to add to the file."""

    offered: list[str]
    configured: list[str]
    to_add: list[str]
    #: False for Azure, which lists its model catalog rather than the deployments.
    deployments_listed: bool
    #: offered IDs ``--add-all`` leaves out: no providers file could hold them as they are
    unusable: list[str] = field(default_factory=list)
    #: what the endpoint reports about offered models (capabilities, context window)
    info: dict[str, ModelInfo] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [i for i in self.configured if i not in self.offered]

    @property
    def extra(self) -> list[str]:
        return [i for i in self.offered if i not in self.configured]

    @property
    def unoffered_additions(self) -> list[str]:
        return [i for i in self.to_add if i not in self.offered]

    def entries(self) -> list[str | dict[str, object]]:
        """What to write for :attr:`to_add`: ``{id, capabilities}`` where the endpoint reports
        any, else the bare ID. The context window is not written: the file has no field for it."""
        from cherrysync.check.capabilities import ordered

        found: list[str | dict[str, object]] = []
        for model_id in self.to_add:
            info = self.info.get(model_id)
            caps = ordered(info.capabilities) if info is not None else []
            found.append({"id": model_id, "capabilities": caps} if caps else model_id)
        return found


def models(
    options: ModelsOptions, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """List the provider's models against the endpoint's; add IDs when asked. 0 on success."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    refuse_unusable(options.add)
    loaded = load_for_command(
        options.file,
        options.env_files,
        [options.provider],
        err,
        overlays=options.overlays,
        tags=options.tags,
    )
    (provider,) = loaded.providers[:1]  # load_for_command resolved just this one
    if options.add or options.add_all:
        _models_in_main_file(loaded.validated, provider.index, options.file)
        _need_endpoint_type(provider, options.endpoint_type)
    show = shown_ids(provider)
    comparison = compare(provider, fetch_offer(provider, options), options, show)
    if options.format == "json":
        out.write(render_json(provider.id, comparison, show))
    else:
        out.write(render_text(provider.id, comparison, show))
    for model_id in comparison.unoffered_additions:
        print(f"cherrysync: warning: {show(model_id)} is not offered by the endpoint", file=err)
    if comparison.unusable:
        print(
            f"cherrysync: warning: {provider.id}: not adding {len(comparison.unusable)} offered "
            "ID(s) with control characters, whitespace, '?', '#' or a secret in them: "
            + ", ".join(show(i) for i in comparison.unusable[:5])
            + (", …" if len(comparison.unusable) > 5 else ""),
            file=err,
        )
    if comparison.to_add:
        add_to_file(options, provider, comparison.entries(), loaded.overlays, err)
        print(
            f"added {len(comparison.to_add)} model(s) to {provider.id} in {options.file}",
            file=err,
        )
    return 0


def refuse_unusable(ids: tuple[str, ...]) -> None:
    """``--add`` IDs the providers file could not hold end the command before anything else."""
    from cherrysync.validate.rules import model_id_problem

    for model_id in ids:
        problem = model_id_problem(model_id)
        if problem is not None:
            raise CherrysyncError(f"cannot add: {problem}")


def shown_ids(provider: ResolvedProvider) -> Show:
    """Offered IDs are server text: the provider's secrets are masked and control characters
    escaped wherever one is shown (a model 'id' can be anything the server likes)."""
    from cherrysync.check.redaction import Redactor

    redactor = Redactor(provider.secrets())
    return lambda model_id: redactor.value(model_id, 200)


def fetch_offer(provider: ResolvedProvider, options: ModelsOptions) -> Listing:
    """The endpoint's model list; a failure ends the command with exit 1 and its check status."""
    import asyncio

    from cherrysync.check.redaction import Redactor
    from cherrysync.check.result import ProbeFailure
    from cherrysync.check.runner import Settings, fetch_listing

    settings = Settings(
        timeout=options.network.timeout,
        retries=options.network.retries,
        backoff=options.network.backoff,
        max_retry_wait=options.network.max_retry_wait,
    )
    try:
        return asyncio.run(fetch_listing(provider, settings, describe=True))
    except ProbeFailure as failure:
        message = Redactor(provider.secrets()).value(failure.message, 600)
        raise CherrysyncError(f"{provider.id}: {failure.status}: {message}", 1) from None
    except OSError as exc:
        raise CherrysyncError(f"{provider.id}: {exc.strerror or type(exc).__name__}", 1) from None


def compare(
    provider: ResolvedProvider, listing: Listing, options: ModelsOptions, show: Show = printable
) -> Comparison:
    """What is offered, configured and to be added (``--add`` IDs keep their order, once each).

    ``--add-all`` never writes an ID the file could not hold or that ``show`` has to alter
    (a secret or a control character in it): those are :attr:`Comparison.unusable`.
    """
    from cherrysync.validate.rules import model_id_problem

    offered = listing.ids if listing.ids is not None else list(listing.extra.get("catalog", []))
    configured = [m.id for m in provider.models]
    wanted = offered if options.add_all else list(dict.fromkeys(options.add))
    to_add = [i for i in wanted if i not in configured]
    unusable: list[str] = []
    if options.add_all:
        unusable = [i for i in to_add if model_id_problem(i) is not None or show(i) != i]
        to_add = [i for i in to_add if i not in unusable]
    deployments_listed = listing.ids is not None
    return Comparison(offered, configured, to_add, deployments_listed, unusable, dict(listing.info))


def render_json(provider_id: str, comparison: Comparison, show: Show = printable) -> str:
    def ids(values: list[str]) -> list[str]:
        return [show(i) for i in values]

    payload = {
        "provider": provider_id,
        "offered": ids(comparison.offered),
        "configured": comparison.configured,
        "missing": comparison.missing,
        "extra": ids(comparison.extra),
        "added": comparison.to_add,
        "skipped": ids(comparison.unusable),
        "deployments_listed": comparison.deployments_listed,
        "reported": {show(i): info.as_dict() for i, info in comparison.info.items()},
    }
    return json_text(payload)


def render_text(provider_id: str, comparison: Comparison, show: Show = printable) -> str:
    """One line per model: '=' configured and offered, '!' configured only, '+' offered only;
    then, where the endpoint reports them, the capabilities and the context window."""
    offered = comparison.offered
    lines = [f"{provider_id}: {len(offered)} offered, {len(comparison.configured)} configured"]
    if not comparison.deployments_listed:
        lines.append("note: azure-openai lists its model catalog, not your deployments")
    # configured IDs passed validation (no controls); offered ones are server text
    marked = [("=" if i in offered else "!", i, i) for i in comparison.configured]
    marked += [("+", i, show(i)) for i in comparison.extra]
    width = max((len(shown) for _, i, shown in marked if i in comparison.info), default=0)
    for mark, model_id, shown in marked:
        info = comparison.info.get(model_id)
        line = f"  {mark} {shown}"
        if info is not None:
            line = f"{line.ljust(width + 4)}  {describe(info)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def describe(info: ModelInfo) -> str:
    """``[vision, function_calling]  context 131072``; ``[]`` when the endpoint reports none
    of the file's capabilities, nothing where it says nothing about them."""
    from cherrysync.check.capabilities import ordered

    parts = [f"[{', '.join(ordered(info.capabilities))}]"] if info.known else []
    if info.context_window is not None:
        parts.append(f"context {info.context_window}")
    return "  ".join(parts)


def _need_endpoint_type(provider: ResolvedProvider, endpoint_type: str | None) -> None:
    """A new-api model without ``endpoint_type`` fails validate: refuse before writing one."""
    if provider.spec.type == "new-api" and endpoint_type is None:
        raise CherrysyncError(
            f"{provider.id} is a new-api provider, whose models need an endpoint type: "
            f"pass --endpoint-type ({', '.join(ENDPOINT_TYPES)}), e.g. --endpoint-type openai"
        )


def add_to_file(
    options: ModelsOptions,
    provider: ResolvedProvider,
    ids: list[str | dict[str, object]],
    overlays: Sequence[Overlay],
    err: TextIO,
) -> None:
    """Append ``ids`` (or ``{id, capabilities}`` entries) to the provider's ``models`` in place,
    comments and style kept.

    The edited text is validated (with the overlays the command read) before it is written: a
    file that passed validate never becomes one that fails it.
    """
    from cherrysync.fileio import write_atomic
    from cherrysync.load.yamledit import read_for_edit, with_added_models
    from cherrysync.validate.formats import render_text as render_diagnostics
    from cherrysync.validate.pipeline import validate_text

    path = options.file
    try:
        text = read_for_edit(path)
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc)) from None
    edited = with_added_models(
        text, provider.index, ids, endpoint_type=options.endpoint_type, name=path
    )
    result = validate_text(edited, path, overlays=overlays)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.model is None:
        err.write(render_diagnostics(errors))
        raise CherrysyncError(
            f"not writing {path}: with the added model(s) it would not validate (see above)", 1
        )
    try:
        write_atomic(Path(path), edited)
    except OSError as exc:
        raise CherrysyncError(io_message(path, exc, "write")) from None
