"""Read YAML into plain data plus the position of every node.

We compose the node graph with ruamel.yaml and build the data ourselves, so that every duplicate
key is reported (not just the first), alias expansion is bounded (a "billion laughs" file stops
early), and each value and key keeps its ``line:col`` for diagnostics.

Nesting is bounded *before* composing: the C composer (ruamel.yaml.clib) recurses once per level
on the C stack, so 30,000 nested ``[`` kill the process with SIGSEGV before any Python check can
run. The parser's event stream, by contrast, is produced without recursion, so one pass over it
finds the first node deeper than :data:`MAX_DEPTH`, in flow and block styles alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cherrysync.diagnostics import Diagnostic

MAX_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_NODES = 50_000  # nodes reached again through aliases
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_INT, _FLOAT, _BOOL, _NULL, _MERGE = (
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:merge",
)


@dataclass(frozen=True)
class Position:
    """1-based position of a node; ``content_column`` is where a quoted scalar's text begins.

    ``file`` names the file the node was read from, so a document merged from a providers file
    and its overlays still points each diagnostic at the right file ("" when unknown).
    """

    line: int
    column: int
    content_column: int
    file: str = ""


@dataclass
class YamlDocument:
    """Plain data (dicts, lists, str, int, float, bool, None) with node positions."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path) -> Position:
        """Position of the value at ``path``, or of its closest ancestor that has one."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position(1, 1, 1))

    def key_position(self, path: Path) -> Position:
        """Position of the mapping key naming ``path`` (falls back to the value)."""
        return self.keys.get(path) or self.position(path)


class _Stop(Exception):
    def __init__(self, rule: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.mark = mark


def _tag(node: Any) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


def _position(mark: Any, file: str, quoted: bool = False) -> Position:
    column = mark.column + 1
    return Position(mark.line + 1, column, column + 1 if quoted else column, file)


class _Builder:
    def __init__(self, filename: str, constructor: Any) -> None:
        self.filename = filename
        self.constructor = constructor
        self.doc = YamlDocument(None)
        self.diagnostics: list[Diagnostic] = []
        self.expanded = 0
        self.active: set[int] = set()
        self.visited: set[int] = set()

    def error(self, rule: str, message: str, position: Position) -> None:
        self.diagnostics.append(
            Diagnostic(self.filename, position.line, position.column, "error", rule, message)
        )

    def build(self, node: Any, path: Path, depth: int = 0) -> Any:
        if id(node) in self.visited:
            self.expanded += 1
        self.visited.add(id(node))
        if self.expanded > MAX_EXPANDED_NODES:
            raise _Stop(
                "yaml-alias-limit",
                f"aliases expand to more than {MAX_EXPANDED_NODES} nodes "
                "(nested aliases, as in a 'billion laughs' file)",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _Stop("yaml-depth", f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        quoted = getattr(node, "style", None) in ("'", '"')
        self.doc.values.setdefault(path, _position(node.start_mark, self.filename, quoted))
        if id(node) in self.active:
            raise _Stop("yaml-alias-limit", "recursive alias", node.start_mark)
        kind = type(node).__name__
        if kind == "ScalarNode":
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if kind == "SequenceNode":
                return [
                    self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: Any) -> Any:
        tag = _tag(node)
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            return self.constructor.construct_object(node, deep=True)
        # Timestamps and everything else stay text: `api_version: 2024-10-21` is a string to us.
        return str(node.value)

    def mapping(self, node: Any, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        explicit: set[str] = set()
        for key_node, value_node in node.value:
            if _tag(key_node) == _MERGE:
                self.merge(result, value_node, path, depth)
                continue
            if type(key_node).__name__ != "ScalarNode":
                self.error(
                    "yaml-key",
                    "mapping keys must be plain scalars",
                    _position(key_node.start_mark, self.filename),
                )
                continue
            key = str(key_node.value)
            key_pos = _position(key_node.start_mark, self.filename)
            if key in explicit:
                first = self.doc.keys[(*path, key)]
                self.error(
                    "duplicate-key",
                    f"duplicate key '{key}' (first defined at line {first.line})",
                    key_pos,
                )
                continue
            explicit.add(key)
            self.doc.keys[(*path, key)] = key_pos
            self.doc.values.pop((*path, key), None)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def merge(self, result: dict[str, Any], value_node: Any, path: Path, depth: int) -> None:
        sources = value_node.value if type(value_node).__name__ == "SequenceNode" else [value_node]
        for source in sources:
            if type(source).__name__ != "MappingNode":
                self.error(
                    "yaml-merge",
                    "'<<' merges only mappings",
                    _position(source.start_mark, self.filename),
                )
                continue
            merged = self.build(source, path, depth + 1)
            for key, value in merged.items():
                result.setdefault(key, value)


def _too_deep(text: str) -> Any | None:
    """The start mark of the first node nested deeper than :data:`MAX_DEPTH`, or None.

    Reads the parser's events, which come without recursion, and stops at the first node too
    deep, so a 5 MiB file of ``[`` costs as little as a short one. A syntax error ends the scan:
    :meth:`YAML.compose` meets the same error at the same place, at a depth within the limit.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    depth = 0  # collections open around the next node; the root node is at depth 0
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            if isinstance(event, CollectionStartEvent | ScalarEvent | AliasEvent):
                if depth > MAX_DEPTH:
                    return event.start_mark
                depth += isinstance(event, CollectionStartEvent)
    except YAMLError:
        return None
    return None


def _syntax_error(exc: Any, text: str, filename: str) -> Diagnostic:
    """libyaml's words at its position, then a hint for the usual cause (:mod:`.yamlhints`)."""
    from cherrysync.load.yamlhints import Syntax, hint

    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    message = str(exc.problem or exc.context or "invalid YAML")
    start = exc.context_mark
    if exc.context and exc.problem and start:
        message += f" ({exc.context} started at {start.line + 1}:{start.column + 1})"
    syntax = Syntax(
        str(exc.problem or ""),
        str(exc.context or ""),
        line,
        column,
        start.line if start else None,
        start.column if start else None,
        text.split("\n"),
    )
    extra = hint(syntax)
    if extra:
        message += f"; {extra}"
    return Diagnostic(filename, line + 1, column + 1, "error", "yaml-syntax", message)


def parse_yaml(text: str, filename: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse one YAML document; problems come back as diagnostics, never as exceptions."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    deep = _too_deep(text)
    if deep is not None:
        pos = _position(deep, filename)
        message = f"nesting deeper than {MAX_DEPTH} levels"
        return None, [Diagnostic(filename, pos.line, pos.column, "error", "yaml-depth", message)]
    yaml = YAML(typ="safe")
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, filename)]
    except RecursionError:
        return None, [Diagnostic(filename, 1, 1, "error", "yaml-depth", "nesting too deep")]
    except YAMLError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return None, [Diagnostic(filename, 1, 1, "error", "yaml-syntax", message)]
    if node is None:
        return None, [Diagnostic(filename, 1, 1, "error", "empty-file", "the file is empty")]
    builder = _Builder(filename, yaml.constructor)
    try:
        builder.doc.data = builder.build(node, ())
    except _Stop as stop:
        pos = _position(stop.mark, filename)
        builder.error(stop.rule, stop.message, pos)
        return None, builder.diagnostics
    except (YAMLError, ValueError, RecursionError) as exc:
        pos = _position(node.start_mark, filename)
        builder.error("yaml-syntax", f"cannot read value: {exc}", pos)
        return None, builder.diagnostics
    return builder.doc, builder.diagnostics


def decode(raw: bytes, filename: str) -> tuple[str | None, list[Diagnostic]]:
    """Size-limit and decode file bytes as UTF-8, pointing at the first bad byte."""
    if len(raw) > MAX_BYTES:
        return None, [
            Diagnostic(
                filename,
                1,
                1,
                "error",
                "file-too-large",
                # only limit + 1 bytes were read: the real size is unknown, and beside the point
                f"file is larger than the limit of {MAX_BYTES} bytes ({MAX_BYTES >> 20} MiB)",
            )
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            Diagnostic(
                filename,
                line,
                column,
                "error",
                "encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            )
        ]
