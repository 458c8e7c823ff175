"""One module per command; shared plumbing lives in :mod:`cherrysync.commands.common`."""

from __future__ import annotations


class CommandError(Exception):
    """Ends a command with an exit code and a one-line message (already free of secrets)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
