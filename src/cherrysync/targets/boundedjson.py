"""JSON from the app's files, decoded only when its nesting is within a limit.

Python's decoder recurses once per nesting level, so a hostile backup with a million ``[`` would
otherwise end in a ``RecursionError``. :func:`check_depth` measures the deepest nesting first,
without recursion: strings are dropped by one regular expression, the brackets left are summed
as +1/-1 and the running maximum is the depth. It costs a fraction of decoding the same text.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate
from typing import Any

#: Deeper than anything the app writes (its Redux state nests about 10 levels), far below the
#: interpreter's recursion limit.
MAX_DEPTH = 256

#: Everything that is not a structural bracket: complete strings, stray quotes, other text.
_NOISE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+|"')
_STEPS = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})


class TooDeep(ValueError):
    """JSON nested deeper than :data:`MAX_DEPTH`; a ``ValueError`` like every other bad JSON."""


def depth(text: str) -> int:
    """The deepest bracket nesting of ``text`` outside strings (0 for a scalar)."""
    steps = _NOISE.sub("", text).translate(_STEPS).encode("latin-1")
    return max(accumulate(array("b", steps)), default=0)


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise :class:`TooDeep` when ``text`` nests deeper than ``limit``."""
    if text.count("[") + text.count("{") > limit and depth(text) > limit:
        raise TooDeep(f"nested deeper than {limit} levels")


def loads(text: str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` after :func:`check_depth`; raises ``ValueError`` for bad or deep JSON."""
    check_depth(text, limit)
    return json.loads(text)
