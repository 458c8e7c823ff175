"""Read each endpoint's model metadata into :class:`ModelInfo` (provider-apis.md §7, §7.12).

Every reader takes untrusted JSON: a field of the wrong type is simply not reported (unknown),
never an error, since metadata only ever adds warnings to a check that already passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cherrysync.check.capabilities import ModelInfo, flags

#: Fields that hold a model's input window, in the order they are trusted: OpenRouter and
#: Together, Mistral and LM Studio, Groq, vLLM, LiteLLM and Anthropic.
_CONTEXT_FIELDS = (
    "context_length",
    "max_context_length",
    "context_window",
    "max_model_len",
    "max_input_tokens",
)
_MAX_CONTEXT = 1 << 40


def _strings(value: Any) -> set[str] | None:
    if not isinstance(value, list):
        return None
    return {item for item in value if isinstance(item, str)}


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _positive(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or not 0 < value < _MAX_CONTEXT or int(value) != value:
        return None
    return int(value)


def _supported(value: Any) -> bool | None:
    """Anthropic's ``{"supported": bool}`` leaves."""
    return _bool(value.get("supported")) if isinstance(value, dict) else None


def _context(entry: dict[str, Any]) -> int | None:
    for name in _CONTEXT_FIELDS:
        found = _positive(entry.get(name))
        if found is not None:
            return found
    for holder, name in (("meta", "n_ctx_train"), ("top_provider", "context_length")):
        inner = entry.get(holder)  # llama.cpp's meta (null while loading); OpenRouter
        if isinstance(inner, dict) and _positive(inner.get(name)) is not None:
            return _positive(inner.get(name))
    return None


def _mode(mode: Any) -> ModelInfo:
    """LiteLLM's ``mode``: ``embedding`` (a rerank mode is unconfirmed but harmless)."""
    if not isinstance(mode, str):
        return ModelInfo()
    return flags(embedding=mode == "embedding", rerank=mode == "rerank")


def openai_entry(entry: dict[str, Any]) -> ModelInfo:
    """An OpenAI-style list entry, recognised by its fields: OpenRouter's ``architecture`` and
    ``supported_parameters`` (also llama.cpp's newer ``architecture``), new-api's
    ``supported_endpoint_types``, Mistral's ``capabilities``, LiteLLM's ``mode``, and the
    context fields of OpenRouter, Mistral, Groq, vLLM, LiteLLM and llama.cpp."""
    info = ModelInfo(context_window=_context(entry))
    arch = entry.get("architecture")
    if isinstance(arch, dict):
        inputs = _strings(arch.get("input_modalities"))
        outputs = _strings(arch.get("output_modalities"))
        if inputs is not None:
            info = info.merge(flags(vision="image" in inputs))
        if outputs is not None:
            info = info.merge(flags(embedding="embeddings" in outputs, rerank="rerank" in outputs))
    params = _strings(entry.get("supported_parameters"))
    if params is not None:
        info = info.merge(
            flags(
                function_calling="tools" in params,
                reasoning=bool(params & {"reasoning", "include_reasoning"}),
                web_search="web_search_options" in params,
            )
        )
    if isinstance(entry.get("reasoning"), dict):  # OpenRouter omits it for other models
        info = info.merge(flags(reasoning=True))
    endpoints = _strings(entry.get("supported_endpoint_types"))
    if endpoints is not None:
        info = info.merge(
            flags(embedding="embeddings" in endpoints, rerank="jina-rerank" in endpoints)
        )
    caps = entry.get("capabilities")
    if isinstance(caps, dict) and "completion_chat" in caps:  # Mistral
        info = info.merge(
            flags(
                vision=_bool(caps.get("vision")),
                function_calling=_bool(caps.get("function_calling")),
                reasoning=_bool(caps.get("reasoning")),
            )
        )
    return info.merge(_mode(entry.get("mode")))


def anthropic_entry(entry: dict[str, Any]) -> ModelInfo:
    """``capabilities.image_input`` / ``.thinking`` (newer records only) and the window."""
    info = ModelInfo(context_window=_positive(entry.get("max_input_tokens")))
    caps = entry.get("capabilities")
    if isinstance(caps, dict):
        info = info.merge(
            flags(
                vision=_supported(caps.get("image_input")),
                reasoning=_supported(caps.get("thinking")),
            )
        )
    return info


def gemini_entry(entry: dict[str, Any]) -> ModelInfo:
    """``supportedGenerationMethods`` tells embedding models; ``thinking`` (recent) reasoning."""
    info = ModelInfo(context_window=_positive(entry.get("inputTokenLimit")))
    methods = _strings(entry.get("supportedGenerationMethods"))
    if methods is not None:
        info = info.merge(flags(embedding=bool(methods & {"embedContent", "batchEmbedContents"})))
    return info.merge(flags(reasoning=_bool(entry.get("thinking"))))


def ollama(body: dict[str, Any]) -> ModelInfo:
    """``/api/show`` (or a newer ``/api/tags`` entry): ``capabilities`` and the trained window."""
    context = None
    model_info = body.get("model_info")
    if isinstance(model_info, dict):
        arch = model_info.get("general.architecture")
        if isinstance(arch, str):
            context = _positive(model_info.get(f"{arch}.context_length"))
    details = body.get("details")
    if context is None and isinstance(details, dict):
        context = _positive(details.get("context_length"))
    info = ModelInfo(context_window=context)
    caps = _strings(body.get("capabilities"))
    if caps is None:
        return info  # older builds: unknown, not "nothing"
    return info.merge(
        flags(
            vision="vision" in caps,
            function_calling="tools" in caps,
            reasoning="thinking" in caps,
            embedding="embedding" in caps,
        )
    )


def lmstudio_v1(entry: dict[str, Any]) -> ModelInfo:
    """``/api/v1/models`` (0.4+): ``type`` and ``capabilities`` {vision, trained_for_tool_use,
    reasoning?}; reasoning counts only where it is present."""
    info = ModelInfo(context_window=_positive(entry.get("max_context_length")))
    kind = entry.get("type")
    if kind in ("llm", "embedding"):
        info = info.merge(flags(embedding=kind == "embedding"))
    caps = entry.get("capabilities")
    if isinstance(caps, dict):
        info = info.merge(
            flags(
                vision=_bool(caps.get("vision")),
                function_calling=_bool(caps.get("trained_for_tool_use")),
                reasoning=True if isinstance(caps.get("reasoning"), dict) else None,
            )
        )
    return info


def lmstudio_v0(entry: dict[str, Any]) -> ModelInfo:
    """``/api/v0/models`` (0.3.6+): ``type`` llm / vlm / embeddings, ``capabilities`` list."""
    info = ModelInfo(context_window=_positive(entry.get("max_context_length")))
    kind = entry.get("type")
    if kind in ("llm", "vlm", "embeddings"):
        info = info.merge(flags(vision=kind == "vlm", embedding=kind == "embeddings"))
    caps = _strings(entry.get("capabilities"))
    if caps is not None:
        info = info.merge(flags(function_calling="tool_use" in caps))
    return info


def litellm(model_info: dict[str, Any]) -> ModelInfo:
    """``/model/info`` ``model_info``: ``supports_*`` booleans (null = unknown) and ``mode``."""
    info = flags(
        vision=_bool(model_info.get("supports_vision")),
        function_calling=_bool(model_info.get("supports_function_calling")),
        reasoning=_bool(model_info.get("supports_reasoning")),
        web_search=_bool(model_info.get("supports_web_search")),
    )
    window = ModelInfo(context_window=_positive(model_info.get("max_input_tokens")))
    return window.merge(info).merge(_mode(model_info.get("mode")))


def llamacpp_props(props: dict[str, Any]) -> ModelInfo:
    """``/props``: ``modalities.vision`` and the chat template's tool support."""
    modalities = props.get("modalities")
    caps = props.get("chat_template_caps")
    tools = None
    if isinstance(caps, dict):
        tools = _bool(caps.get("supports_tool_calls"))
        tools = tools if tools is not None else _bool(caps.get("supports_tools"))
    vision = _bool(modalities.get("vision")) if isinstance(modalities, dict) else None
    return flags(vision=vision, function_calling=tools)


def by_id(
    items: Iterable[Any],
    parse: Callable[[dict[str, Any]], ModelInfo],
    id_field: str = "id",
    prefix: str = "",
) -> dict[str, ModelInfo]:
    """``{id: info}`` for the entries that report anything (``prefix`` dropped from IDs)."""
    found: dict[str, ModelInfo] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get(id_field), str):
            info = parse(item)
            if not info.empty:
                found[item[id_field].removeprefix(prefix)] = info
    return found
