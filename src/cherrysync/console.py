"""Terminal conventions: colour only on a TTY and never with NO_COLOR; verbosity levels."""

from __future__ import annotations

import os
from typing import TextIO

QUIET, NORMAL, VERBOSE = -1, 0, 1


def use_colour(stream: TextIO) -> bool:
    """https://no-color.org: any non-empty NO_COLOR disables colour; pipes never get it."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")
