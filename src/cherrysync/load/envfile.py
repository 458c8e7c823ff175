"""Dotenv files for ``--env-file``, read the way python-dotenv reads them.

Most ``.env`` files are written for python-dotenv, so its parser decides what a line means
(quotes, escapes, multi-line values, ``export``, comments, ``${VAR}`` expansion). cherrysync's
rules sit on top:

- errors, not warnings: a line python-dotenv skips, or a ``KEY`` without ``=`` (most often a
  pasted key), stops the command with ``file:line`` and never the line's text;
- single-quoted values are literal: no ``${VAR}`` expansion there (python-dotenv expands even
  inside single quotes; shells and docker compose do not), so any value round-trips as
  ``'...'`` with ``\\`` and ``\\'`` escaped;
- bounded input: at most 1 MiB, and no run of more than 256 blanks (python-dotenv's comment
  stripping is quadratic in such a run).

python-dotenv is imported only here, and only when a file is read: ``validate`` without
``--env-file`` never loads it.
"""

from __future__ import annotations

import io
import re
from collections import ChainMap
from collections.abc import Mapping
from pathlib import Path

from cherrysync.errors import EnvFileError
from cherrysync.fileio import read_regular_file

MAX_BYTES = 1 << 20
MAX_BLANK_RUN = 256

_BLANK_RUN = re.compile(rf"[^\S\r\n]{{{MAX_BLANK_RUN + 1},}}")
_NEWLINE = re.compile(r"\r\n|\n|\r")
# how python-dotenv reads up to a value: the opening quote tells how the value was written
_VALUE_START = re.compile(
    r"\s*(?:export[^\S\r\n]+)?(?:'[^']+'|[^=#\s]+)[^\S\r\n]*=[^\S\r\n]*(['\"]?)"
)
_QUOTED = {"'": re.compile(r"'(?:\\.|[^'\\])*'", re.S), '"': re.compile(r'"(?:\\.|[^"\\])*"', re.S)}


def _newlines(text: str, end: int) -> int:
    return len(_NEWLINE.findall(text, 0, end))


def _problem(original: str) -> str:
    """Why python-dotenv could not parse ``original`` (the text of one statement)."""
    start = _VALUE_START.match(original)
    quote = start.group(1) if start else ""
    if not start or not quote:
        return "expected KEY=value"
    if _QUOTED[quote].match(original, start.end() - 1):
        return "unexpected text after the closing quote"
    return f"unterminated {quote} quote"


def _expand(value: str, lookup: Mapping[str, str]) -> str:
    from dotenv.variables import parse_variables

    return "".join(atom.resolve(lookup) for atom in parse_variables(value))


def parse_env_text(
    text: str,
    name: str,
    *,
    environ: Mapping[str, str] | None = None,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The variables of dotenv ``text`` (``name`` is the file name used in errors).

    ``${VAR}`` looks first in ``environ`` (the process environment, which wins), then at the
    lines above, then in ``inherited`` (earlier ``--env-file`` files); unset means empty, and
    ``${VAR:-default}`` gives ``default``, as in python-dotenv.
    """
    from dotenv.parser import parse_stream

    text = text.removeprefix("\ufeff")
    blanks = _BLANK_RUN.search(text)
    if blanks:
        line = _newlines(text, blanks.start()) + 1
        raise EnvFileError(f"{name}:{line}: more than {MAX_BLANK_RUN} blanks in a row")
    values: dict[str, str] = {}
    lookup = ChainMap(dict(environ or {}), values, dict(inherited or {}))
    line = 1  # python-dotenv's own line numbers count from before the blank lines it skips
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        lead = len(original) - len(original.lstrip())
        where = f"{name}:{line + _newlines(original, lead)}"
        line += _newlines(original, len(original))
        if binding.error:
            raise EnvFileError(f"{where}: {_problem(original)}")
        if binding.key is None:  # a blank line or a comment
            continue
        if binding.value is None:
            raise EnvFileError(f"{where}: expected KEY=value")
        start = _VALUE_START.match(original)
        literal = start is not None and start.group(1) == "'"
        values[binding.key] = binding.value if literal else _expand(binding.value, lookup)
    return values


def read_env_text(path: str | Path) -> str:
    """The text of a dotenv file, bounded and decoded (also what :mod:`.sops` inspects).

    Raises :class:`EnvFileError` for a file cherrysync will not read, ``OSError`` for I/O and
    for a FIFO, a device or a folder (``<(command)`` included: use a sops file for secrets).
    """
    file = Path(path)
    data = read_regular_file(file, MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise EnvFileError(f"{file}: larger than {MAX_BYTES >> 20} MiB; is it a dotenv file?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EnvFileError(f"{file}:{line}: not valid UTF-8") from None


def read_env_file(
    path: str | Path,
    *,
    environ: Mapping[str, str] | None = None,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Read a dotenv file (see :func:`parse_env_text`).

    Raises :class:`EnvFileError` for a file cherrysync will not read, ``OSError`` for I/O.
    """
    text = read_env_text(path)
    return parse_env_text(text, str(path), environ=environ, inherited=inherited)
