"""``cherrysync models``: what a provider's endpoint offers, and adding IDs to the file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cherrysync.commands import CommandError
from cherrysync.commands.check import add_network_arguments
from cherrysync.commands.common import DEFAULT_FILE, add_overlay_options, load_providers
from cherrysync.validate.pipeline import ValidatedFile

HELP = "list the models a provider's endpoint offers; add IDs to the providers file"
EPILOG = """examples:
  cherrysync models openai-work
  cherrysync models local-ollama providers.yaml --add qwen2.5:7b llama3.2:latest
  cherrysync models local-ollama --add-all

Marks: '=' configured and offered, '!' configured but not offered, '+' offered, not configured.
exit codes: 0 success, 1 the endpoint could not be listed, 2 usage or I/O error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("provider", metavar="PROVIDER", help="provider id or name")
    parser.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_FILE,
        metavar="FILE",
        help=f"providers file (default: {DEFAULT_FILE})",
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
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_overlay_options(parser)
    add_network_arguments(parser)


def _models_in_main_file(validated: ValidatedFile, index: int, file: str) -> None:
    """``--add`` edits the providers file; models an overlay sets must be edited there."""
    document = validated.document
    source = document.position(("providers", index, "models")).file if document else file
    if source and source != file:
        raise CommandError(
            f"the models of this provider come from the overlay {source}; "
            "add the IDs there (models --add edits only the providers file)"
        )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cherrysync.check.result import ProbeFailure
    from cherrysync.check.runner import Settings, fetch_listing
    from cherrysync.load.yamledit import YamlEditError, add_models
    from cherrysync.secrets import redact

    loaded = load_providers(args.file, args, only=[args.provider])
    (provider,) = loaded.providers[:1]  # load_providers resolved just this one
    if args.add or args.add_all:
        _models_in_main_file(loaded.validated, provider.index, args.file)
    settings = Settings(
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        max_retry_wait=args.max_retry_wait,
        base_dir=Path(args.file).resolve().parent,
    )
    try:
        listing = asyncio.run(fetch_listing(provider, settings))
    except ProbeFailure as failure:
        message = redact(failure.message, provider.secrets())
        raise CommandError(f"{provider.id}: {failure.status}: {message}", 1) from None
    except OSError as exc:
        raise CommandError(f"{provider.id}: {exc.strerror or type(exc).__name__}", 1) from None
    offered = listing.ids if listing.ids is not None else list(listing.extra.get("catalog", []))
    configured = [m.id for m in provider.models]
    extra = [i for i in offered if i not in configured]
    to_add = extra if args.add_all else [i for i in dict.fromkeys(args.add) if i not in configured]
    unknown = [i for i in to_add if i not in offered]
    if args.format == "json":
        payload = {
            "provider": provider.id,
            "offered": offered,
            "configured": configured,
            "missing": [i for i in configured if i not in offered],
            "extra": extra,
            "added": to_add,
            "deployments_listed": listing.ids is not None,
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        print(f"{provider.id}: {len(offered)} offered, {len(configured)} configured")
        if listing.ids is None:
            print("note: azure-openai lists its model catalog, not your deployments")
        for model_id in configured:
            print(f"  {'=' if model_id in offered else '!'} {model_id}")
        for model_id in extra:
            print(f"  + {model_id}")
    for model_id in unknown:
        print(f"cherrysync: warning: {model_id} is not offered by the endpoint", file=sys.stderr)
    if to_add:
        try:
            add_models(args.file, provider.index, to_add)
        except (YamlEditError, OSError) as exc:
            raise CommandError(
                str(exc)
                if isinstance(exc, YamlEditError)
                else f"cannot write {args.file}: {exc.strerror or exc}"
            ) from None
        print(f"added {len(to_add)} model(s) to {provider.id} in {args.file}", file=sys.stderr)
    return 0
