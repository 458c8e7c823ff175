"""A short hint after libyaml's own words, for the mistakes people make in providers files.

libyaml says *what* it could not parse ("mapping values are not allowed in this context"); the
hint says what usually causes it in a file like ours and how to write it instead: indentation,
tabs, a ``: `` or ``${...}`` that needs quotes, an unclosed quote. The parser's message stays
first and unchanged, so it can still be searched for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Syntax:
    """One syntax error: libyaml's problem and context, 0-based marks, and the file's lines."""

    problem: str
    context: str
    line: int
    column: int
    context_line: int | None
    context_column: int | None
    lines: list[str]

    @property
    def char(self) -> str:
        text = self.lines[self.line] if self.line < len(self.lines) else ""
        return text[self.column] if self.column < len(text) else ""

    @property
    def at_line_start(self) -> bool:
        text = self.lines[self.line] if self.line < len(self.lines) else ""
        return not text[: self.column].strip()

    def since_context(self) -> str:
        """The text from where the context (a flow collection, a quote) started up to and
        including the problem's character."""
        if self.context_line is None or self.context_column is None:
            return ""
        if self.context_line == self.line:
            return self.lines[self.line][self.context_column : self.column + 1]
        head = self.lines[self.context_line][self.context_column :]
        return "\n".join([head, *self.lines[self.context_line + 1 : self.line + 1]])

    @property
    def started(self) -> str:
        if self.context_line is None or self.context_column is None:
            return ""
        return f" at {self.context_line + 1}:{self.context_column + 1}"


INDENTATION = (
    "check the indentation: the keys of one mapping, and the '-' of the items of one list, "
    "start in the same column"
)


def _cannot_start(s: Syntax) -> str:
    if s.char == "\t":
        return "YAML indents with spaces, never tabs: replace the tab with spaces"
    if s.char:
        return f'a value starting with {s.char!r} needs quotes: "{s.char}..."'
    return "quote the value"


def _flow(s: Syntax) -> str:
    if "${" in s.since_context():
        line = s.lines[s.line] if s.line < len(s.lines) else ""
        found = re.search(r"\$\{[^}\s]*\}", line)
        example = f'"{found.group()}"' if found else '"${VAR}"'
        return f"a ${{...}} inside [ ] or {{ }} needs quotes: {example}"
    return (
        f"close the bracket opened{s.started}, and quote an item that holds a "
        "',', '[', ']', '{', '}' or ': '"
    )


def _mapping_values(_: Syntax) -> str:
    return (
        "quote a value that contains ': ' (name: \"A: b\"), or check this line's indentation: "
        "indented deeper than the key above, it continues that key's value"
    )


def _expected_key(s: Syntax) -> str:
    if not s.at_line_start:
        return "unexpected text after a value on this line: quote the whole value"
    return INDENTATION


def _expected_colon(_: Syntax) -> str:
    return "a key needs ': ' after it (type: openai), or the line above needs quotes"


def _end_of_stream(s: Syntax) -> str:
    if "quoted scalar" in s.context:
        return f"the quote opened{s.started} is never closed"
    return "the file ends inside an unfinished value"


def _alias(_: Syntax) -> str:
    return "'*' starts an alias: quote a value that begins with '*', or define the &anchor first"


def _sequence_here(_: Syntax) -> str:
    return "a '- ' list starts on the line after its key, indented under it"


#: libyaml problem text (its start) -> the hint for it
_HINTS: tuple[tuple[str, Callable[[Syntax], str]], ...] = (
    ("found character that cannot start any token", _cannot_start),
    ("did not find expected ',' or", _flow),
    ("mapping values are not allowed", _mapping_values),
    ("did not find expected key", _expected_key),
    ("did not find expected '-' indicator", lambda _: INDENTATION),
    ("expected <block end>", lambda _: INDENTATION),
    ("could not find expected ':'", _expected_colon),
    ("found unexpected end of stream", _end_of_stream),
    ("found undefined alias", _alias),
    ("block sequence entries are not allowed", _sequence_here),
)


def hint(syntax: Syntax) -> str | None:
    """The hint for a libyaml error, or None when we have nothing useful to add."""
    for prefix, make in _HINTS:
        if syntax.problem.startswith(prefix):
            return make(syntax)
    return None
