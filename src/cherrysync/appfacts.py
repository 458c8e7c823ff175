"""Facts about the Cherry Studio app that several stages share (no I/O)."""

from __future__ import annotations

#: Every provider id the app seeds (reference §2.3), the one list ``validate``, ``plan``,
#: ``apply`` and ``import`` use: the built-in providers of late 1.x, the 2.x registry presets
#: (``packages/provider-registry/data/providers.json``, 2.0.8) and the ids the 2.x seeders add
#: (the managed ``cherryai``, ``local-embedding``). A floor: newer apps add more, which is why
#: the 2.x target also refuses any row that is its own preset.
BUILTIN_PROVIDER_IDS: frozenset[str] = frozenset(
    """
    cherryin silicon aihubmix ocoolai deepseek ppio alayanew qiniu dmxapi burncloud tokenflux
    302ai cephalon lanyun ph8 openrouter ollama ovms new-api lmstudio anthropic openai
    azure-openai gemini vertexai github copilot zhipu yi moonshot baichuan dashscope stepfun
    doubao infini minimax groq together fireworks nvidia grok hyperbolic mistral jina
    perplexity modelscope xirang hunyuan tencent-cloud-ti baidu-cloud gpustack voyageai
    aws-bedrock poe aionly longcat huggingface sophnet gateway cerebras mimo minimax-global zai
    radeon-cloud claude-code openai-codex grok-cli opencode tokenhub
    cherryai local-embedding
    """.split()
)

#: Endpoint paths the app appends itself; a base URL ending in one is a mistake.
ENDPOINT_SUFFIXES: tuple[str, ...] = (
    "chat/completions",
    "completions",
    "responses",
    "messages",
    "embeddings",
    "models",
    "generateContent",
    "streamGenerateContent",
    "images/generations",
    "images/edits",
    "predict",
    "api/chat",
    "api/generate",
    "api/tags",
)

#: Characters no deep link can carry. The 1.x handler turns every ``'`` of the decoded text into
#: ``"``; written as ``\u0027`` it survives that, but the handler then re-serialises the JSON and
#: pastes it into a single-quoted JavaScript string (``encodeURIComponent`` keeps ``'``), which
#: breaks. ``(`` and ``)``, which the handler deletes, travel as JSON escapes (``\u0028``).
DEEPLINK_UNSAFE = "'"
#: Characters a deep link writes as JSON escapes so the 1.x handler's stripping misses them.
DEEPLINK_ESCAPED = {"(": "\\u0028", ")": "\\u0029"}

_GROUP_FLAT_PROVIDERS = frozenset({"aihubmix", "silicon", "ocoolai", "o3", "dmxapi"})


def default_group(model_id: str, provider_id: str | None = None) -> str:
    """The app's ``getDefaultGroupName``: the display group it derives from a model id."""
    text = model_id.lower()
    if provider_id and provider_id.lower() in _GROUP_FLAT_PROVIDERS:
        primary, secondary = ["/", " ", "-", "_", ":"], []
    else:
        primary, secondary = ["/", " ", ":"], ["-", "_"]
    for delimiter in primary:
        if delimiter in text:
            return text.split(delimiter, 1)[0]
    for delimiter in secondary:
        if delimiter in text:
            pieces = text.split(delimiter)
            return "-".join(pieces[:2])
    return text


#: Deepest JSON nesting read from the app's files and database values: deeper than anything the
#: app writes (its Redux state nests about 10 levels), far below the interpreter's recursion limit.
APP_JSON_DEPTH = 256


def key_splits(key: str) -> bool:
    """The app splits a key list on commas (ASCII or full-width) and whitespace, so a key that
    holds one is read as several keys."""
    return any(c in ",，" or c.isspace() for c in key)
