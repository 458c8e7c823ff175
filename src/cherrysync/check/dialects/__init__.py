"""One module per wire dialect, all behind :class:`cherrysync.check.dialects.base.Dialect`.

:data:`DIALECTS` is the one list of them, by ``Endpoint.kind``; the runner reads their class
data (:attr:`Dialect.free_probe`, ...) from it without building one.
"""

from __future__ import annotations

from cherrysync.check.dialects.anthropic import AnthropicDialect
from cherrysync.check.dialects.azure import AzureDialect
from cherrysync.check.dialects.base import Dialect, Listing
from cherrysync.check.dialects.gemini import GeminiDialect
from cherrysync.check.dialects.ollama import OllamaDialect
from cherrysync.check.dialects.openai import OpenAIDialect
from cherrysync.check.http import Session
from cherrysync.check.urls import Endpoint

DIALECTS: dict[str, type[Dialect]] = {
    cls.kind: cls
    for cls in (OpenAIDialect, AnthropicDialect, GeminiDialect, AzureDialect, OllamaDialect)
}


def make_dialect(endpoint: Endpoint, session: Session, extra_headers: dict[str, str]) -> Dialect:
    """The dialect for a normalised endpoint (``endpoint.kind``)."""
    return DIALECTS[endpoint.kind](endpoint, session, extra_headers)


__all__ = ["DIALECTS", "Dialect", "Listing", "make_dialect"]
