"""The offline validation pipeline: bytes -> YAML -> schema -> model -> semantic rules.

Every stage reports into one list of diagnostics, so a single run shows every problem. This module
must not import the HTTP stack: ``validate`` runs in pre-commit hooks and CI without network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cherrysync.diagnostics import Diagnostic, Severity, has_errors
from cherrysync.fileio import read_regular_file
from cherrysync.load.overlay import merge
from cherrysync.load.yamldoc import MAX_BYTES, YamlDocument, decode, parse_yaml
from cherrysync.model import ModelError, Provider, ProvidersFile
from cherrysync.strict import where
from cherrysync.validate.overlays import Overlay
from cherrysync.validate.rules import Finding, RuleOptions, check_semantics


@dataclass(frozen=True)
class ValidationOptions:
    """``require_env``: unset variables are errors; ``strict``: warnings are errors."""

    require_env: bool = False
    strict: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    #: ``--tag``: ``require_env`` applies to the providers carrying one of these tags only
    tags: frozenset[str] = frozenset()


@dataclass
class ValidatedFile:
    """A providers file (merged with its overlays, if any) and everything found in it.

    ``document`` is the merged document; each of its positions names the file the value came
    from, and so does each diagnostic.
    """

    filename: str
    document: YamlDocument | None
    model: ProvidersFile | None
    diagnostics: list[Diagnostic]
    overlays: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.diagnostics)


def _finish(result: ValidatedFile, options: ValidationOptions) -> ValidatedFile:
    if options.strict:
        result.diagnostics = [
            Diagnostic(d.file, d.line, d.column, "error", d.rule, d.message)
            for d in result.diagnostics
        ]
    order = {name: i for i, name in enumerate((result.filename, *result.overlays))}
    result.diagnostics.sort(
        key=lambda d: (order.get(d.file, len(order)), d.line, d.column, d.rule, d.message)
    )
    return result


def _partial_model(
    document: YamlDocument, broken: set[int]
) -> tuple[ProvidersFile | None, list[int]]:
    """A model of the providers that are well-formed, so semantic rules still run on every
    provider that can be read and one run reports everything; ``index_map[k]`` is the
    original index of the k-th provider kept."""
    providers = document.data.get("providers")
    if not isinstance(providers, list):
        return None, []
    kept = [i for i in range(len(providers)) if i not in broken]
    try:
        partial = ProvidersFile.from_data({"version": 1, "providers": [providers[i] for i in kept]})
    except ModelError:
        return None, []
    return partial, kept


def _beyond_schema(document: YamlDocument, filename: str) -> tuple[list[Diagnostic], set[int]]:
    """What JSON Schema passes but the model refuses (a NaN bound, a number too large for a
    float, an id ending in a line break): one diagnostic per provider, so a run still shows
    each, and the indices of those providers."""
    data = document.data
    providers = data.get("providers")
    entries = list(enumerate(providers)) if isinstance(providers, list) else []
    found: list[Diagnostic] = []
    broken: set[int] = set()
    for index, entry in entries:
        try:
            Provider.from_data(entry)
        except ModelError as error:
            found.append(_refused(document, ("providers", index, *error.path), error, filename))
            broken.add(index)
    if not broken:  # then it is outside the providers
        try:
            ProvidersFile.from_data(data)
        except ModelError as error:
            found.append(_refused(document, error.path, error, filename))
    return found, broken


def _refused(
    document: YamlDocument, path: tuple[str | int, ...], error: ModelError, filename: str
) -> Diagnostic:
    pos = document.position(path)
    message = f"{where(path)} {error.message}"
    return Diagnostic(pos.file or filename, pos.line, pos.column, "error", "schema", message)


def _no_providers(document: YamlDocument, filename: str) -> Diagnostic:
    """A whole file (not a partial model) that lists no providers is valid, but it is also
    what a file cut short after ``version: 1`` looks like, and ``--prune`` removes everything."""
    pos = document.position(("providers",))
    message = (
        "the file lists no providers; plan and apply with --prune would remove every provider "
        "cherrysync manages in the app"
    )
    return Diagnostic(
        pos.file or filename, pos.line, pos.column, "warning", "no-providers", message
    )


def _explain_added(structural: list[Diagnostic], filename: str) -> list[Diagnostic]:
    """A key missing in an overlay means its entry added a provider: say so."""
    return [
        replace(
            d,
            message=d.message + " (no earlier file has this id, so the overlay adds "
            "the provider, which needs every required key)",
        )
        if d.rule == "missing-key" and d.file != filename
        else d
        for d in structural
    ]


def _merged(
    text: str, filename: str, overlays: Sequence[Overlay], diagnostics: list[Diagnostic]
) -> YamlDocument | None:
    """The file's document with the overlays merged in order; every overlay's diagnostics."""
    document, found = parse_yaml(text, filename)
    diagnostics.extend(found)
    for overlay in overlays:
        diagnostics.extend(overlay.diagnostics)
    for overlay in overlays:
        if document is not None and overlay.document is not None:
            document = merge(document, overlay.document, overlay.broken)
    return document


def _modelled(
    document: YamlDocument, filename: str, diagnostics: list[Diagnostic]
) -> tuple[ProvidersFile | None, bool, list[int]]:
    """``(model, well_formed, index_map)`` of a mapping document (see :func:`_partial_model`)."""
    try:  # the fast path: the model converts what the schema accepts (and a little less:
        # the values _beyond_schema explains)
        model = ProvidersFile.from_data(document.data)
        return model, True, list(range(len(model.providers)))
    except ModelError:
        # Only a malformed file pays for JSON Schema, which explains each error at its node.
        from cherrysync.validate.structure import StructureChecker

        checker = StructureChecker(filename, document)
        structural = checker.check()
        diagnostics.extend(_explain_added(structural, filename))
        broken = checker.broken_providers
        if not structural:  # the schema should have caught it; say what the model refused
            refused, broken = _beyond_schema(document, filename)
            diagnostics.extend(refused)
        partial, index_map = _partial_model(document, broken)
        return partial, False, index_map


def _positioned(
    finding: Finding, document: YamlDocument, index_map: list[int], filename: str
) -> Diagnostic:
    """A semantic finding at its node, with provider indices of the partial model mapped back."""
    path = finding.path
    if path[:1] == ("providers",) and len(path) > 1 and isinstance(path[1], int):
        path = ("providers", index_map[path[1]], *path[2:])
    pos = document.key_position(path) if finding.at_key else document.position(path)
    column = pos.column
    if finding.offset and pos.line == document.position(path).line:
        column = pos.content_column + finding.offset
    severity: Severity = "error" if finding.severity == "error" else "warning"
    return Diagnostic(
        pos.file or filename, pos.line, column, severity, finding.rule, finding.message
    )


def validate_text(
    text: str,
    filename: str,
    options: ValidationOptions | None = None,
    overlays: Sequence[Overlay] = (),
) -> ValidatedFile:
    """Validate one file's text, merged with ``overlays`` (already read and checked) in order."""
    options = options or ValidationOptions()
    diagnostics: list[Diagnostic] = []
    document = _merged(text, filename, overlays, diagnostics)
    names = tuple(o.filename for o in overlays)
    result = ValidatedFile(filename, document, None, diagnostics, names)
    if document is None:
        return _finish(result, options)
    if not isinstance(document.data, dict):
        message = "the file must be a mapping with 'version' and 'providers'"
        diagnostics.append(Diagnostic(filename, 1, 1, "error", "wrong-type", message))
        return _finish(result, options)
    model, well_formed, index_map = _modelled(document, filename, diagnostics)
    if model is None:
        return _finish(result, options)
    if well_formed:
        result.model = model
        if not model.providers and not has_errors(diagnostics):  # else the errors say more
            diagnostics.append(_no_providers(document, filename))
    rule_options = RuleOptions(
        require_env=options.require_env, env=options.env, env_tags=options.tags
    )
    diagnostics.extend(
        _positioned(finding, document, index_map, filename)
        for finding in check_semantics(model, rule_options)
    )
    return _finish(result, options)


def validate_bytes(
    raw: bytes,
    filename: str,
    options: ValidationOptions | None = None,
    overlays: Sequence[Overlay] = (),
) -> ValidatedFile:
    options = options or ValidationOptions()
    text, diagnostics = decode(raw, filename)
    if text is None:
        for overlay in overlays:
            diagnostics.extend(overlay.diagnostics)
        names = tuple(o.filename for o in overlays)
        return _finish(ValidatedFile(filename, None, None, diagnostics, names), options)
    return validate_text(text, filename, options, overlays)


def validate_path(
    path: str | Path, options: ValidationOptions | None = None, overlays: Sequence[Overlay] = ()
) -> ValidatedFile:
    """Validate a file on disk with its overlays; ``OSError`` propagates (exit code 2), also
    for a FIFO, a device or a folder."""
    raw = read_regular_file(path, MAX_BYTES)
    return validate_bytes(raw, str(path), options, overlays)
