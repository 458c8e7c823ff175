"""JSON decoded only when its nesting is within a limit: the one scanner for every caller.

Python's decoder recurses once per nesting level, so a hostile document of a million ``[``
(a backup, an app database value, a server body) would otherwise end in a ``RecursionError``
deep inside it. :func:`depth` measures the deepest nesting first, without recursion: strings are
dropped by one regular expression, the brackets left become steps whose running sum is the depth.
It costs a fraction of decoding the same text. Callers choose their own limit (the app's files
and the checker's server bodies differ) and turn :class:`TooDeep` into their own errors.
No HTTP stack here: ``validate``, the targets and ``check`` all import it.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate, count
from operator import sub
from typing import Any

#: Everything that is not a structural bracket: complete strings, stray quotes, other text.
_NOISE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+|"', re.DOTALL)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
#: opening brackets become 2 and closing ones 0, so a running sum minus the count is the depth
_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


class TooDeep(ValueError):
    """JSON nested deeper than the caller's limit; a ``ValueError`` like every other bad JSON."""


def depth(text: str | bytes) -> int:
    """The deepest bracket nesting of ``text`` outside strings (0 for a scalar)."""
    if isinstance(text, str):
        brackets = _NOISE.sub("", text).encode("ascii")
    else:
        brackets = _STRING.sub(b"", text).translate(None, _NOT_BRACKETS)
    return max(map(sub, accumulate(brackets.translate(_STEPS)), count(1)), default=0)


def _bracket_count(text: str | bytes) -> int:
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def check_depth(text: str | bytes, *, max_depth: int) -> None:
    """Raise :class:`TooDeep` when ``text`` nests deeper than ``max_depth``."""
    if _bracket_count(text) > max_depth and depth(text) > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes, *, max_depth: int, constants: bool = True) -> Any:
    """``json.loads`` after :func:`check_depth`; raises ``ValueError`` for bad or deep JSON.

    ``constants=False`` refuses ``NaN`` and ``Infinity``, which the standard decoder accepts
    although they are not JSON.
    """
    check_depth(text, max_depth=max_depth)
    if constants:
        return json.loads(text)
    return json.loads(text, parse_constant=_no_constants)
