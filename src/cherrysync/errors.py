"""The errors that end a command, and the one way an OSError becomes a message.

Every error a user may see derives from :class:`CherrysyncError`, which carries a one-line,
secret-free message and the process exit code; ``cli.main`` is the only place that turns it into
``cherrysync: error: <message>`` and that code. Exit codes follow the README: 1 for "the thing
asked for failed or was refused", 2 for usage and I/O errors.

Exception tree (exit code in brackets)::

    CherrysyncError [2]          a command cannot go on; raised as-is by the command layer
     ├── EnvFileError [2]        a --env-file line is not KEY=value, or sops cannot decrypt
     │                           the file (load/envfile, load/sops)
     ├── SelectionError [2]      a --provider or --tag that selects nothing (selection)
     ├── SourceError [2]         a side of ``diff`` cannot be read: a missing file, no git,
     │                           a bad REV:PATH (sources)
     ├── GitHubError [1]         the Action's pull request comment cannot be posted
     │                           (ci/ghcomment)
     ├── ProvidersFileError [1]  the providers file has errors; carries the diagnostics
     ├── YamlEditError [2]       ``models --add`` cannot edit the file safely (load/yamledit)
     ├── ImportFailure [1]       the imported file would not validate; nothing is written
     └── TargetError [1]         the app's database or backup cannot be used; it is unchanged

A raise site may pass another code (``TargetError(..., code=2)`` for a missing ``--target``).

Not in the tree, on purpose: exceptions that carry *data* or never leave their module.
``check.result.ProbeFailure`` is a check result (a status and a message shown in a report row),
``check.urls.UrlError``, ``secrets.EnvSyntaxError``, ``secrets.UnsetVariableError`` and
``secrets.SecretLookupError`` become diagnostics or check results, ``strict.ModelError`` (data
that does not fit the model) becomes a diagnostic or a note about an app model left out,
``external.ToolError`` becomes an :class:`EnvFileError` or a ``SecretLookupError`` where
``sops`` or ``op`` runs,
``targets.v2.orderkey.OrderKeyError`` guards the order-key grammar inside the v2 target, and
``load.yamldoc._Stop`` is control flow of the YAML reader. A command that needs to stop on one of
them raises a :class:`CherrysyncError` with its own wording.
"""

from __future__ import annotations

import sys
from os import PathLike
from typing import TYPE_CHECKING, TextIO

from cherrysync.escaping import printable

if TYPE_CHECKING:
    from cherrysync.diagnostics import Diagnostic

PREFIX = "cherrysync: error: "


class CherrysyncError(Exception):
    """Ends a command with ``code`` and a one-line message (already free of secrets)."""

    code: int = 2

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class EnvFileError(CherrysyncError):
    """A dotenv line that is not ``KEY=value``; the message names file and line, never the value."""


class ProvidersFileError(CherrysyncError):
    """The providers file cannot be used; ``diagnostics`` say why (the command prints them)."""

    code = 1

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class YamlEditError(CherrysyncError):
    """The file cannot be edited safely; the message says why."""


class ImportFailure(CherrysyncError):
    """The file generated from the app did not validate; nothing should be written."""

    code = 1

    def __init__(self, problems: str) -> None:
        super().__init__(f"the imported file would not validate: {problems}")


class TargetError(CherrysyncError):
    """A clear, secret-free message about the target (not a database, app running, ...).

    The target is unchanged whenever this is raised; usage problems such as a missing file pass
    ``code=2``.
    """

    code = 1


def io_message(path: str | PathLike[str] | None, exc: OSError, doing: str = "read") -> str:
    """``cannot read providers.yaml: No such file or directory``: the wording of every I/O error.

    ``strerror`` is the OS's short reason without the path (which the message already names);
    an OSError raised by Python code may lack it, and then its text stands in.
    """
    where = f" {path}" if path is not None else ""
    return f"cannot {doing}{where}: {exc.strerror or exc}"


def print_error(message: str, stream: TextIO | None = None) -> None:
    """``cherrysync: error: <message>`` on stderr, for errors that do not end the command.

    Messages quote paths, git's and GitHub's words: every control character but the line
    breaks a message is made of is escaped, so none reaches the terminal raw.
    """
    shown = "\n".join(printable(line) for line in message.split("\n"))
    print(PREFIX + shown, file=stream or sys.stderr)
