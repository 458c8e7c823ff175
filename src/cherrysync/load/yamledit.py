"""Write model IDs back into a providers file with a ruamel.yaml round trip.

Comments, quoting, anchors, flow/block style and indentation survive; the blank line or comment
block that followed the old last model moves below the new ones, so the file reads as before.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from cherrysync.errors import YamlEditError
from cherrysync.fileio import read_regular_file, write_atomic
from cherrysync.load.yamldoc import MAX_BYTES


def _yaml(text: str) -> YAML:
    _, indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=indent or 2, offset=offset or 0)
    return yaml


def _pop_trailing(node: Any) -> CommentToken | None:
    """Detach what follows the first line break of the comment ending ``node``."""
    if isinstance(node, CommentedMap) and node:
        last = list(node.keys())[-1]
        inner = _pop_trailing(node[last])
        if inner is not None:
            return inner
        entry = node.ca.items.get(last)
        slot = 2
    elif isinstance(node, CommentedSeq) and node:
        inner = _pop_trailing(node[-1])
        if inner is not None:
            return inner
        entry = node.ca.items.get(len(node) - 1)
        slot = 0
    else:
        return None
    if not entry or entry[slot] is None or not isinstance(entry[slot], CommentToken):
        return None
    token: CommentToken = entry[slot]
    value = token.value
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return None
    token.value = value[: cut + 1]
    return CommentToken("\n" + value[cut + 1 :], CommentMark(0), None)


_YAML11_WORDS = re.compile(r"^(y|n|yes|no|on|off|true|false|null|~)$", re.IGNORECASE)


def _like(sibling: Any, text: str) -> Any:
    """A new scalar quoted the way its siblings are; words that YAML 1.1 readers would turn
    into booleans or null (``yes``, ``off``…) are always quoted."""
    cls = type(sibling)
    if isinstance(sibling, str) and cls is not str:
        return cls(text)
    if _YAML11_WORDS.match(text):
        return DoubleQuotedScalarString(text)
    return text


def add_models(path: str | os.PathLike[str], provider_index: int, ids: list[str]) -> None:
    """Append ``ids`` to ``providers[provider_index].models`` and rewrite the file atomically."""
    target = Path(path)
    text = read_regular_file(target, MAX_BYTES).decode("utf-8")
    yaml = _yaml(text)
    try:
        data = yaml.load(text)
        provider = data["providers"][provider_index]
    except Exception as exc:
        raise YamlEditError(f"cannot edit {target}: {type(exc).__name__}") from None
    models = provider.get("models")
    if models is None:
        provider["models"] = CommentedSeq(_like(None, i) for i in ids)
    elif not isinstance(models, CommentedSeq):
        raise YamlEditError(f"cannot edit {target}: 'models' is not a list")
    else:
        moved = None if models.fa.flow_style() else _pop_trailing(models)
        last = models[-1] if models else None
        for model_id in ids:
            models.append(_like(last, model_id))
        if moved is not None:
            models.ca.items[len(models) - 1] = [moved, None]
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomic(target, out.getvalue())
