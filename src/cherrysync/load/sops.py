"""``--env-file`` files encrypted with sops: detect them, decrypt them with ``sops -d``.

sops keeps a dotenv file's names in clear text and appends its metadata as ``sops_version=``,
``sops_mac=``, ... lines; that is how such a file is recognised. Decryption runs the ``sops``
program (no shell, a deadline, bounded output; its stderr is never shown, since a failing run
may quote the file) and hands the decrypted text to the ordinary dotenv reader. Commands that
only need to know which variables are set (``validate --require-env``) read the names without
decrypting anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cherrysync.errors import EnvFileError
from cherrysync.external import DEFAULT_TIMEOUT, ToolError, find_tool, run_tool
from cherrysync.load.envfile import MAX_BYTES, parse_env_text, read_env_text

_METADATA = re.compile(r"^\s*sops_(?:version|mac)=", re.MULTILINE)
SOPS_HINT = "install sops (https://github.com/getsops/sops/releases)"
SOPS_TIMEOUT = DEFAULT_TIMEOUT


def is_sops_dotenv(text: str) -> bool:
    """True when the dotenv text carries sops metadata (``sops_version=`` or ``sops_mac=``)."""
    return _METADATA.search(text) is not None


def decrypt_dotenv(path: str | Path) -> str:
    """The decrypted dotenv text; :class:`EnvFileError` naming the file and what to do."""
    argv_tail = ["--decrypt", "--input-type", "dotenv", "--output-type", "dotenv", str(path)]
    try:
        sops = find_tool("sops", SOPS_HINT)
        run = run_tool(
            [sops, *argv_tail], what=f"sops --decrypt {path}", limit=MAX_BYTES, timeout=SOPS_TIMEOUT
        )
    except ToolError as exc:
        raise EnvFileError(f"{path}: is encrypted with sops, but {exc.message}") from None
    if run.returncode != 0:
        raise EnvFileError(
            f"{path}: sops could not decrypt it (exit status {run.returncode}); run "
            f"'sops --decrypt {path} >/dev/null' to see why (a missing key, an expired "
            "cloud login, a file edited by hand)"
        )
    try:
        return run.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise EnvFileError(f"{path}: sops printed text that is not UTF-8") from None


def read_env_source(
    path: str | Path,
    *,
    decrypt: bool = True,
    environ: Mapping[str, str] | None = None,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A dotenv file, decrypted by sops when it is a sops file, read as :mod:`.envfile` reads one
    (``environ`` and ``inherited`` as in :func:`~cherrysync.load.envfile.parse_env_text`).

    With ``decrypt=False`` a sops file yields its variable names with empty values: enough to
    know which variables are set, without a key or a secret. ``OSError`` propagates.
    """
    text = read_env_text(path)
    if not is_sops_dotenv(text):
        return parse_env_text(text, str(path), environ=environ, inherited=inherited)
    if not decrypt:
        names = parse_env_text(text, str(path))
        return {name: "" for name in names if not name.startswith("sops_")}
    plain = decrypt_dotenv(path)
    return parse_env_text(plain, str(path), environ=environ, inherited=inherited)
