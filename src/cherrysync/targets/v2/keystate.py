"""cherrysync's private record of the keys it last applied to a database (reference §4.5).

Once the app encrypts stored keys, the database no longer says which key an entry holds; this
record does, so re-applying the same file stays a no-op and a changed key is still applied.

- **Where.** Beside the database: ``Data/cherrystudio.cherrysync-keys.json``. It follows the
  database wherever the data folder moves and is replaced with it when the app restores its
  ``Data/`` folder, and it sits where cherrysync already writes its backups.
- **What.** Fingerprints only: HMAC-SHA256 of (provider id, key-entry id, key) under a random
  32-byte salt of this file, per key-entry ``id``. Never a key, never a plain hash of one.
- **How.** Mode 0600 from creation, replaced atomically; unreadable or damaged files count as
  empty (keys then show as changed and the next apply writes a fresh record).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH
from cherrysync.fileio import read_regular_file, write_atomic
from cherrysync.targets.v2.apikeys import is_envelope

SUFFIX = ".cherrysync-keys.json"
FORMAT = "cherrysync key record"
VERSION = 1
MAX_BYTES = 4 << 20
SALT_BYTES = 32


def state_path(database: Path) -> Path:
    """``.../Data/cherrystudio.sqlite`` -> ``.../Data/cherrystudio.cherrysync-keys.json``."""
    return database.with_name(database.stem + SUFFIX)


def _is_fingerprint(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def _parse(raw: bytes) -> tuple[bytes, dict[str, dict[str, str]]]:
    """The salt and the records of a state file; ValueError when it is not one."""
    data = boundedjson.loads(raw.decode("utf-8"), max_depth=APP_JSON_DEPTH)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a cherrysync key record")
    if data.get("version") != VERSION:
        raise ValueError(f"unknown version {data.get('version')!r}")
    try:
        salt = base64.b64decode(str(data.get("salt")), validate=True)
    except binascii.Error:
        raise ValueError("damaged salt") from None
    providers = data.get("providers")
    if len(salt) != SALT_BYTES or not isinstance(providers, dict):
        raise ValueError("damaged salt or records")
    records: dict[str, dict[str, str]] = {}
    for pid, entries in providers.items():
        if not isinstance(entries, dict) or not all(map(_is_fingerprint, entries.values())):
            raise ValueError(f"damaged records for provider {pid!r}")
        records[str(pid)] = {str(k): str(v) for k, v in entries.items()}
    return salt, records


@dataclass
class KeyState:
    """The record of one database; :meth:`holds` answers :class:`~.apikeys.KeyRecord`."""

    path: Path
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(SALT_BYTES), repr=False)
    providers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: why an existing file could not be used (it is then treated as empty)
    problem: str | None = None
    _saved: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path) -> KeyState:
        """The record at ``path``; empty (with a ``problem``) when it cannot be used."""
        if not path.exists() and not path.is_symlink():
            return cls(path)
        try:
            if path.is_symlink():
                raise ValueError("not a regular file")
            raw = read_regular_file(path, MAX_BYTES)
            if len(raw) > MAX_BYTES:
                raise ValueError("larger than 4 MiB")
            salt, providers = _parse(raw)
        except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSON errors included
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return cls(path, problem=reason.split("\n", 1)[0][:200])
        state = cls(path, salt, providers)
        state._saved = state.text()
        return state

    def fingerprint(self, provider_id: str, entry_id: str, key: str) -> str:
        message = json.dumps([provider_id, entry_id, key], ensure_ascii=False).encode("utf-8")
        return hmac.new(self.salt, message, hashlib.sha256).hexdigest()

    def holds(self, provider_id: str, entry_id: str, key: str) -> bool:
        """Did cherrysync last apply ``key`` as entry ``entry_id`` of ``provider_id``?"""
        recorded = self.providers.get(provider_id, {}).get(entry_id)
        return recorded is not None and hmac.compare_digest(
            recorded, self.fingerprint(provider_id, entry_id, key)
        )

    def record(
        self, provider_id: str, entries: Iterable[Mapping[str, Any]], keys: Sequence[str]
    ) -> None:
        """Remember the entries now stored for a provider: plaintext ones by their key, kept
        envelopes by the file key they were recognised as holding."""
        records: dict[str, str] = {}
        for entry in entries:
            entry_id, stored = str(entry.get("id")), entry.get("key")
            if not isinstance(stored, str):
                continue
            if not is_envelope(stored):
                records[entry_id] = self.fingerprint(provider_id, entry_id, stored)
                continue
            held = next((k for k in keys if self.holds(provider_id, entry_id, k)), None)
            if held is not None:
                records[entry_id] = self.fingerprint(provider_id, entry_id, held)
        if records:
            self.providers[provider_id] = records
        else:
            self.providers.pop(provider_id, None)

    def forget(self, provider_id: str) -> None:
        self.providers.pop(provider_id, None)

    def text(self) -> str:
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "salt": base64.b64encode(self.salt).decode("ascii"),
                    "providers": self.providers,
                },
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )

    def save(self) -> bool:
        """Write the record (0600 from creation, atomically) if it changed; True if written."""
        text = self.text()
        if text == self._saved:
            return False
        # a rename that replaces a symlink planted in its place, never follows it
        write_atomic(self.path, text, 0o600, follow_symlinks=False)
        self._saved, self.problem = text, None
        return True
