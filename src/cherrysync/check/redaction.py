"""Server text made safe to show: secrets out first, control characters next, length last.

Every string a server controls (error messages, types and codes, request ids, model ids, the
host of a redirect) passes through a :class:`Redactor` holding the provider's secrets before it
is shortened: cutting first can leave part of a key that no redaction recognises any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cherrysync.escaping import cut, printable
from cherrysync.secrets import Secret, redact

#: Key fragments providers echo back: ``sk-abc***wxyz``, ``sk-...m31Q``, ``API Key = …``,
#: and hex digests of keys.
_ECHOED_KEY = re.compile(r"(\S*\*{3}\S*|\S+\.\.\.\S+|(?i:api key\s*=\s*)\S+|\b[0-9a-fA-F]{32,}\b)")
#: A provider detail in a message; whole messages and other fields pass their own limits.
MAX_MESSAGE = 240
#: Runs of this many characters of a secret are redacted wherever they appear.
FRAGMENT = 8
_REDACTED = "[redacted]"


def _fold(text: str) -> str:
    """Lower case, character by character (``str.lower`` can change the length)."""
    if text.isascii():  # the common case, and one C call
        return text.lower()
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


class Redactor:
    """Cleans server text for one provider, whose secrets are the only ones it can echo."""

    __slots__ = ("_fragments", "_secrets")

    def __init__(self, secrets: Iterable[Secret | str] = ()) -> None:
        values = {s.reveal() if isinstance(s, Secret) else s for s in secrets}
        self._secrets = tuple(v for v in values if len(v) >= 4)
        folded = [_fold(v) for v in self._secrets]  # a host name echoes a key in lower case
        self._fragments = frozenset(
            f[i : i + FRAGMENT] for f in folded for i in range(len(f) - FRAGMENT + 1)
        )

    def __call__(self, text: str, limit: int = MAX_MESSAGE) -> str:
        """A provider's message: whitespace collapsed and echoed key fragments removed too."""
        text = " ".join(redact(text, self._secrets).split())
        return self.value(_ECHOED_KEY.sub(_REDACTED, text[: 4 * limit]), limit)

    def value(self, text: str, limit: int) -> str:
        """Any server string (a model id, a header): secrets masked, control characters
        escaped, then at most ``limit`` characters long.

        Whole secrets are masked on the full text (linear); everything after runs on a bounded
        prefix, since a cut can no longer split a secret that is already masked.
        """
        text = printable(redact(text, self._secrets)[: 4 * limit])
        return cut(self._without_fragments(text), limit)

    def _without_fragments(self, text: str) -> str:
        """Runs of :data:`FRAGMENT` or more characters of a secret (a partial echo, a key split
        by control characters) replaced, so no output shows that much of a key."""
        if not self._fragments or len(text) < FRAGMENT:
            return text
        folded = _fold(text)
        covered = [False] * len(text)
        for start in range(len(text) - FRAGMENT + 1):
            if folded[start : start + FRAGMENT] in self._fragments:
                covered[start : start + FRAGMENT] = [True] * FRAGMENT
        if not any(covered):
            return text
        out: list[str] = []
        for i, char in enumerate(text):
            if not covered[i]:
                out.append(char)
            elif i == 0 or not covered[i - 1]:
                out.append(_REDACTED)
        return "".join(out)


def scrub(message: str) -> str:
    """A provider message cleaned without knowing any secret (echoed fragments only)."""
    return Redactor()(message)
