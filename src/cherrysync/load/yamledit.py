"""Write model IDs back into a providers file with a ruamel.yaml round trip.

Comments, quoting, anchors, flow/block style and indentation survive; the blank line or comment
block that followed the old last model moves below the new ones, so the file reads as before.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from cherrysync.errors import YamlEditError
from cherrysync.fileio import read_regular_file
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


def _not_text(text: str) -> bool:
    """True when a plain scalar ``text`` would be read as something other than a string: a
    number (``123``, ``1.5``, ``0x1F``), a date, or a word YAML 1.1 readers turn into a boolean
    or null (``yes``, ``off``…)."""
    tag = VersionedResolver().resolve(ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str" or _YAML11_WORDS.match(text) is not None


def _like(sibling: Any, text: str) -> Any:
    """A new scalar quoted the way its siblings are; a plain scalar that would not read back
    as a string (``123``, ``yes``, ``null``…) is always quoted."""
    cls = type(sibling)
    if isinstance(sibling, str) and cls is not str:
        return cls(text)
    if _not_text(text):
        return DoubleQuotedScalarString(text)
    return text


def _entry(
    sibling: Any, model: str | Mapping[str, Any], endpoint_type: str | None, flow: bool
) -> Any:
    """A bare ID, or a model mapping (``{id, capabilities}``, ``{id, endpoint_type}`` when a type
    is given) in the list's own style."""
    if isinstance(model, str):
        if endpoint_type is None:
            return _like(sibling, model)
        model = {"id": model}
    if endpoint_type is not None:  # after the id, before anything else
        model = {"id": model["id"], "endpoint_type": endpoint_type, **model}
    entry = CommentedMap()
    for name, value in model.items():
        if isinstance(value, list):
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        if name == "id":  # quoted like the IDs around it
            value = _like(
                sibling.get("id") if isinstance(sibling, CommentedMap) else sibling, value
            )
        entry[name] = value
    if flow:
        entry.fa.set_flow_style()
    return entry


def with_added_models(
    text: str,
    provider_index: int,
    ids: Sequence[str | Mapping[str, Any]],
    *,
    endpoint_type: str | None = None,
    name: str = "the file",
) -> str:
    """``text`` with ``ids`` (bare IDs, or mappings such as ``{id, capabilities}``) appended to
    ``providers[provider_index].models``; comments, quoting and style kept. With
    ``endpoint_type`` every entry carries it (what a new-api provider's models need)."""
    yaml = _yaml(text)
    try:
        data = yaml.load(text)
        provider = data["providers"][provider_index]
    except Exception as exc:
        raise YamlEditError(f"cannot edit {name}: {type(exc).__name__}") from None
    models = provider.get("models")
    if models is None:
        provider["models"] = CommentedSeq(_entry(None, i, endpoint_type, False) for i in ids)
    elif not isinstance(models, CommentedSeq):
        raise YamlEditError(f"cannot edit {name}: 'models' is not a list")
    else:
        flow = bool(models.fa.flow_style())
        moved = None if flow else _pop_trailing(models)
        last = models[-1] if models else None
        for model_id in ids:
            models.append(_entry(last, model_id, endpoint_type, flow))
        if moved is not None:
            tail = models[-1]
            if isinstance(tail, CommentedMap):  # after a mapping, the comment ends its last key
                tail.ca.items[list(tail.keys())[-1]] = [None, None, moved, None]
            else:
                models.ca.items[len(models) - 1] = [moved, None]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def read_for_edit(path: str | os.PathLike[str]) -> str:
    """The text of the providers file to edit (a regular file, within the size limit)."""
    raw = read_regular_file(path, MAX_BYTES)
    if len(raw) > MAX_BYTES:
        raise YamlEditError(f"cannot edit {path}: larger than {MAX_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlEditError(f"cannot edit {path}: not valid UTF-8") from None
