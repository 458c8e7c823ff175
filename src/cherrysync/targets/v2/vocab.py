"""The 2.x app's words for what the providers file says (reference §4.5, §4.6, §4.8, §4.14).

Tables only, no logic: provider types to endpoints and presets, the file's model endpoint types
and capabilities to the app's, and the capabilities the app implies from an endpoint type.
"""

from __future__ import annotations

#: The endpoint a provider type chats through (its ``default_chat_endpoint``).
CHAT_ENDPOINT: dict[str, str] = {
    "openai": "openai-chat-completions",
    "openai-response": "openai-responses",
    "anthropic": "anthropic-messages",
    "gemini": "google-generate-content",
    "azure-openai": "openai-chat-completions",
    "ollama": "ollama-chat",
    "new-api": "openai-chat-completions",
}
#: Types whose rows derive from a registry preset, as the app's "duplicate a preset" writes them.
PRESET: dict[str, str] = {"azure-openai": "azure-openai", "ollama": "ollama", "new-api": "new-api"}
#: The text endpoints the app's editor gives a new-api provider, each with the one base URL; the
#: ``new-api`` preset supplies their adapter family (``newapi``).
NEWAPI_ENDPOINTS = (
    "openai-chat-completions",
    "openai-responses",
    "anthropic-messages",
    "google-generate-content",
)
#: The adapter family older cherrysync wrote on preset-less new-api rows (read back by import).
NEWAPI_FAMILY = "newapi"
#: Azure api versions that select the Responses API instead of deployment URLs.
AZURE_RESPONSES_VERSIONS = frozenset({"preview", "v1"})

#: v1-style model endpoint types (the file's ``endpoint_type``) -> v2 endpoint types.
MODEL_ENDPOINT: dict[str, str] = {
    "openai": "openai-chat-completions",
    "openai-response": "openai-responses",
    "anthropic": "anthropic-messages",
    "gemini": "google-generate-content",
    "image-generation": "openai-image-generation",
    "jina-rerank": "jina-rerank",
}
#: The file's capabilities -> the app's. ``web_search`` has none: 2.x moved web search out of
#: the capability enum into provider tools and its model validation rejects unknown values.
CAPABILITY: dict[str, str] = {
    "vision": "image-recognition",
    "function_calling": "function-call",
    "reasoning": "reasoning",
    "embedding": "embedding",
    "rerank": "rerank",
}
#: The capability the app adds for a model's first endpoint type (``endpointImpliedCapability``).
IMPLIED_CAPABILITY: dict[str, str] = {
    "openai-image-generation": "image-generation",
    "openai-image-edit": "image-generation",
    "jina-rerank": "rerank",
    "openai-embeddings": "embedding",
    "openai-audio-transcription": "audio-transcript",
    "openai-audio-translation": "audio-transcript",
    "openai-text-to-speech": "audio-generation",
    "openai-video-generation": "video-generation",
}
REVERSE_ENDPOINT = {v: k for k, v in MODEL_ENDPOINT.items()}
REVERSE_CAPABILITY = {v: k for k, v in CAPABILITY.items()}
