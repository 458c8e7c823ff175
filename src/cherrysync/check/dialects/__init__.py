"""One module per wire dialect, all behind :class:`cherrysync.check.dialects.base.Dialect`."""

from __future__ import annotations

from cherrysync.check.dialects.base import Dialect, Listing
from cherrysync.check.http import Session
from cherrysync.check.urls import Endpoint


def make_dialect(endpoint: Endpoint, session: Session, extra_headers: dict[str, str]) -> Dialect:
    """The dialect for a normalised endpoint (``endpoint.kind``)."""
    from cherrysync.check.dialects.anthropic import AnthropicDialect
    from cherrysync.check.dialects.azure import AzureDialect
    from cherrysync.check.dialects.gemini import GeminiDialect
    from cherrysync.check.dialects.ollama import OllamaDialect
    from cherrysync.check.dialects.openai import OpenAIDialect

    classes: dict[str, type[Dialect]] = {
        "openai": OpenAIDialect,
        "anthropic": AnthropicDialect,
        "gemini": GeminiDialect,
        "azure": AzureDialect,
        "ollama": OllamaDialect,
    }
    return classes[endpoint.kind](endpoint, session, extra_headers)


__all__ = ["Dialect", "Listing", "make_dialect"]
