"""``user_provider.api_keys`` entries (reference §4.5): the file's keys against the stored ones.

The app may store a key encrypted (upstream PR #19138: ``v1:ss:…`` or ``v1:aes:…`` envelopes; a
sweep at every start encrypts plaintext keys). An envelope cannot be compared with the file's key,
so cherrysync asks its own record (:class:`KeyRecord`, kept by :mod:`.keystate`) whether an
entry still holds the key it last applied there: if so the entry stays exactly as it is, else the
file's key is written as a new plaintext entry for the app to encrypt. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from cherrysync.secrets import Secret

#: A stored key with this prefix is an envelope; anything else is plaintext (as the app reads it).
ENVELOPE_PREFIX = "v1:"
#: How an envelope shows in a plan: never its text, which is not the key anyway.
ENCRYPTED = "(encrypted by Cherry Studio)"


class KeyRecord(Protocol):
    """What cherrysync knows about envelopes: did it last apply ``key`` as this entry?"""

    def holds(self, provider_id: str, entry_id: str, key: str) -> bool: ...


class _NoRecord:
    def holds(self, provider_id: str, entry_id: str, key: str) -> bool:
        return False


#: For callers without a record (pure tests, import): no envelope matches any key.
NO_RECORD: KeyRecord = _NoRecord()


def is_envelope(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ENVELOPE_PREFIX)


def entries(value: Any) -> list[Mapping[str, Any]]:
    """The well-formed entries of a stored ``api_keys`` value, in order."""
    items = value if isinstance(value, list) else []
    return [e for e in items if isinstance(e, Mapping) and isinstance(e.get("key"), str)]


def _file_keys(keys: Sequence[str]) -> list[str]:
    """The file's keys as the app stores them: trimmed, non-empty, each once."""
    return list(dict.fromkeys(k.strip() for k in keys if k.strip()))


def desired_keys(
    provider_id: str, keys: Sequence[str], existing: Any, record: KeyRecord
) -> list[dict[str, Any]]:
    """The ``api_keys`` to store for the file's ``keys``, reusing what may be reused.

    A stored plaintext entry with the same key keeps its id and label; an envelope the record
    says holds the key is kept as it is (id, envelope, label). Other keys get a new entry with a
    random id, as the app's own form gives them (an id derived from the key would be a hash of it
    beside its envelope).
    """
    plain: dict[str, Mapping[str, Any]] = {}
    sealed: list[Mapping[str, Any]] = []
    for entry in entries(existing):
        if is_envelope(entry["key"]):
            sealed.append(entry)
        else:
            plain.setdefault(entry["key"], entry)
    out: list[dict[str, Any]] = []
    for key in _file_keys(keys):
        previous = plain.get(key)
        stored = key
        if previous is None:
            previous = next(
                (e for e in sealed if record.holds(provider_id, str(e.get("id")), key)), None
            )
            if previous is not None:
                sealed.remove(previous)
                stored = previous["key"]
        item: dict[str, Any] = {
            "id": str(previous["id"]) if previous and previous.get("id") else str(uuid.uuid4()),
            "key": stored,
        }
        if previous and isinstance(previous.get("label"), str):
            item["label"] = previous["label"]
        item["isEnabled"] = True
        out.append(item)
    return out


def comparable(value: Any) -> list[Any]:
    """Plan values of stored entries: keys as secrets (masked), envelopes as what they are.

    Entry ids and labels are bookkeeping and do not take part, except that an envelope is
    named by its entry id: two envelopes are the same only if they are the same entry.
    """
    out: list[Any] = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, Mapping):
            continue
        enabled = entry.get("isEnabled", True)
        if is_envelope(entry.get("key")):
            shown: dict[str, Any] = {"entry": str(entry.get("id")), "key": ENCRYPTED}
            out.append(shown if enabled else {**shown, "isEnabled": False})
            continue
        key = Secret(str(entry.get("key", "")))
        out.append(key if enabled else {"key": key, "isEnabled": False})
    return out


def envelope_counts(
    provider_id: str, keys: Sequence[str], existing: Any, record: KeyRecord
) -> tuple[int, int]:
    """(stored envelopes, those the record ties to none of the file's keys)."""
    wanted = _file_keys(keys)
    sealed = [e for e in entries(existing) if is_envelope(e["key"])]
    unknown = [
        e for e in sealed if not any(record.holds(provider_id, str(e.get("id")), k) for k in wanted)
    ]
    return len(sealed), len(unknown)


def readable_keys(value: Any) -> tuple[list[Secret], int]:
    """(plaintext keys, number of envelopes) of a stored value, for ``import``."""
    keys = [Secret(e["key"]) for e in entries(value) if e["key"] and not is_envelope(e["key"])]
    return keys, sum(is_envelope(e["key"]) for e in entries(value))
