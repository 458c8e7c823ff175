"""A small dotenv reader for ``--env-file`` (``KEY=value``, quotes, ``export``, comments)."""

from __future__ import annotations

import re
from pathlib import Path

from cherrysync.errors import EnvFileError

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def _unquote(raw: str, where: str) -> str:
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        while quote == '"' and end > 0 and raw[end - 1] == "\\":
            end = raw.find(quote, end + 1)
        if end < 0:
            raise EnvFileError(f"{where}: unterminated {quote} quote")
        rest = raw[end + 1 :].strip()
        if rest and not rest.startswith("#"):
            raise EnvFileError(f"{where}: unexpected text after the closing quote")
        body = raw[1:end]
        if quote == '"':
            body = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)
        return body
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def parse_env_text(text: str, name: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise EnvFileError(f"{name}:{number}: expected KEY=value")
        values[match.group(1)] = _unquote(match.group(2), f"{name}:{number}")
    return values


def read_env_file(path: str | Path) -> dict[str, str]:
    """Read a dotenv file; raises :class:`EnvFileError` or ``OSError``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EnvFileError(f"{file}: not valid UTF-8") from exc
    return parse_env_text(text, str(file))
