"""Read an ``--overlay`` file and check its own shape before it is merged.

An overlay is bounded like a providers file (size, depth, aliases: the same loader) and checked
against ``schema/overlay.schema.json``: ``version: 1`` and a list of entries that each need only
an ``id``. Whether the merged result is a valid providers file is the pipeline's job; this
module reports what is wrong with the overlay by itself, at its own positions. Malformed entries
are left out of the merge (``broken``), so one run still reports what the well-formed ones do
to the merged file; any error fails the run, so nothing is ever applied from a broken overlay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cherrysync.diagnostics import Diagnostic
from cherrysync.fileio import read_regular_file
from cherrysync.load.yamldoc import MAX_BYTES, YamlDocument, decode, parse_yaml


@dataclass(frozen=True)
class Overlay:
    """A parsed overlay; ``document`` is None when it cannot be merged at all.

    ``broken`` lists the entries with errors of their own, which are not merged.
    """

    filename: str
    document: YamlDocument | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    broken: frozenset[int] = frozenset()


def _duplicate_ids(document: YamlDocument, filename: str) -> list[Diagnostic]:
    """Two entries for one id in one overlay are a mistake, not a merge."""
    seen: dict[str, int] = {}
    found: list[Diagnostic] = []
    for j, entry in enumerate(document.data.get("providers") or []):
        pid = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(pid, str):
            continue
        if pid in seen:
            pos = document.position(("providers", j, "id"))
            found.append(
                Diagnostic(
                    filename,
                    pos.line,
                    pos.column,
                    "error",
                    "duplicate-id",
                    f"provider id '{pid}' appears twice in this overlay "
                    f"(also providers[{seen[pid]}]); merge the two entries",
                )
            )
        else:
            seen[pid] = j
    return found


def overlay_from_text(text: str, filename: str) -> Overlay:
    document, diagnostics = parse_yaml(text, filename)
    if document is None:
        return Overlay(filename, None, diagnostics)
    if not isinstance(document.data, dict):
        message = "an overlay must be a mapping with 'version' and 'providers'"
        diagnostics.append(Diagnostic(filename, 1, 1, "error", "wrong-type", message))
        return Overlay(filename, None, diagnostics)
    from cherrysync.validate.structure import StructureChecker

    checker = StructureChecker(filename, document, kind="overlay")
    diagnostics.extend(checker.check())
    if -1 in checker.broken_providers:  # the file itself is malformed: nothing to merge
        return Overlay(filename, None, diagnostics)
    diagnostics.extend(_duplicate_ids(document, filename))
    return Overlay(filename, document, diagnostics, frozenset(checker.broken_providers))


def overlay_from_bytes(raw: bytes, filename: str) -> Overlay:
    text, diagnostics = decode(raw, filename)
    if text is None:
        return Overlay(filename, None, diagnostics)
    return overlay_from_text(text, filename)


def read_overlay(path: str | Path) -> Overlay:
    """Read and check one overlay file; ``OSError`` propagates (exit code 2 in the CLI), also
    for a FIFO, a device or a folder."""
    raw = read_regular_file(path, MAX_BYTES)
    return overlay_from_bytes(raw, str(path))
