"""Point each check result at the YAML node it is about (for annotations and SARIF)."""

from __future__ import annotations

from collections.abc import Sequence

from cherrysync.check.formats import Locator
from cherrysync.check.result import CheckResult
from cherrysync.load.yamldoc import Path, YamlDocument
from cherrysync.resolve import ResolvedProvider


def result_locator(document: YamlDocument | None, providers: Sequence[ResolvedProvider]) -> Locator:
    """model result -> its model entry; key result -> its key; else the provider's id or name.

    The file is the one the entry came from (an overlay's, when it set the value); "" is the
    main providers file.
    """
    by_id = {p.id: p for p in providers}

    def locate(result: CheckResult) -> tuple[str, int, int]:
        if document is None or result.provider not in by_id:
            return "", 1, 1
        provider = by_id[result.provider]
        base: Path = ("providers", provider.index)
        path: Path = (*base, "id") if provider.spec.id is not None else (*base, "name")
        if result.model is not None:
            ids = [m.id for m in provider.models]
            if result.model in ids:
                path = (*base, "models", ids.index(result.model))
        elif result.key is not None:  # key_index, not the mask: two keys may share one
            if result.key_index is not None and isinstance(provider.spec.api_key, list):
                path = (*base, "api_key", result.key_index)
            elif provider.spec.api_key is not None:
                path = (*base, "api_key")
        position = document.position(path)
        return position.file, position.line, position.column

    return locate
