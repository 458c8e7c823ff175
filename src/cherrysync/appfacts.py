"""Facts about the Cherry Studio app that several stages share (no I/O)."""

from __future__ import annotations

#: Built-in provider ids of late 1.x, plus the managed `cherryai`. A floor: the list grows.
BUILTIN_PROVIDER_IDS: frozenset[str] = frozenset(
    """
    cherryin silicon aihubmix ocoolai deepseek ppio alayanew qiniu dmxapi burncloud tokenflux
    302ai cephalon lanyun ph8 openrouter ollama ovms new-api lmstudio anthropic openai
    azure-openai gemini vertexai github copilot zhipu yi moonshot baichuan dashscope stepfun
    doubao infini minimax groq together fireworks nvidia grok hyperbolic mistral jina
    perplexity modelscope xirang hunyuan tencent-cloud-ti baidu-cloud gpustack voyageai
    aws-bedrock poe aionly longcat huggingface sophnet gateway cerebras mimo minimax-global zai
    cherryai
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

#: Characters the 1.x deep-link handler corrupts: it deletes parentheses, rewrites quotes.
DEEPLINK_UNSAFE = "'()"

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
