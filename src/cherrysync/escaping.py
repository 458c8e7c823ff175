"""Text made safe to show and JSON made strict: the one way every command writes what a file, a
server or the app said.

Text from a file or a server is data, never terminal control (:func:`printable`); every JSON
document is strict JSON (:func:`json_text`); GitHub workflow commands and Markdown tables get
their own escapes. The base error module uses it too, so it imports nothing but the standard
library.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: C0 and C1 controls, DEL, line and paragraph separators and the bidi overrides that reorder
#: what a terminal shows ("Trojan source"): none of them may reach a terminal or a log raw.
_NOT_C0 = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[\x00-\x1f{_NOT_C0}]")
#: the ones ``json.dumps(ensure_ascii=False)`` leaves raw (it escapes only C0)
_JSON_RAW = re.compile(f"[{_NOT_C0}]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control character written as its escape (``\\n``, ``\\x1b``).

    Text from a server or a providers file then cannot move the cursor, recolour the terminal,
    start a new line in a CI log or turn into a GitHub workflow command.
    """
    return CONTROL.sub(_escape, text)


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities (which JSON cannot express) as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_text(payload: Any, indent: int | None = 2) -> str:
    """``payload`` as strict JSON (no NaN or Infinity) plus a newline; the controls JSON leaves
    raw are escaped too, so printing the document never sends a control sequence."""
    text = json.dumps(_finite(payload), indent=indent, ensure_ascii=False, allow_nan=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def github_escape(text: str, prop: bool = False) -> str:
    """Escape for a workflow command: line breaks as GitHub's ``%0A``, every other control
    character through :func:`printable`; ``prop`` also escapes ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = printable(text)
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(
    level: str, title: str, message: str, where: tuple[str, int, int] | None = None
) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (no newline); ``where`` is optional."""
    props = []
    if where is not None:
        file, line, column = where
        props = [f"file={github_escape(file, True)}", f"line={line}", f"col={column}"]
    props.append(f"title={github_escape(title, True)}")
    return f"::{level} {','.join(props)}::{github_escape(message)}"


def markdown_heading(command: str, failed: bool) -> str:
    """The first line of a job summary: a red cross or a green tick, then the command."""
    return f"### {'❌' if failed else '✅'} cherrysync {command}"


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, an ellipsis marking the cut (a secret must be
    redacted before: a cut can leave part of it that no redaction recognises)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown_cell(text: str) -> str:
    """A table cell: a '|' would end the cell and a line break the row."""
    return printable(text).replace("|", "\\|")
