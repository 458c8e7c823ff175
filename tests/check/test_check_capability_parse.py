"""Reading model metadata: the §7.12 mapping, unknown stays unknown, hostile JSON never raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cherrysync.check.capabilities import ModelInfo, flags, mismatch
from cherrysync.check.capabilities import parse as read

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "architecture", "supported_parameters", "reasoning", "supported_endpoint_types",
        "capabilities", "mode", "context_length", "meta", "top_provider", "type",
        "max_input_tokens", "supportedGenerationMethods", "thinking", "model_info", "details",
        "max_context_length", "modalities", "chat_template_caps", "supports_vision",
    ]
)  # fmt: skip
PARSERS = [
    read.openai_entry,
    read.anthropic_entry,
    read.gemini_entry,
    read.ollama,
    read.lmstudio_v1,
    read.lmstudio_v0,
    read.litellm,
    read.llamacpp_props,
]


@given(st.dictionaries(KEYS | st.text(max_size=8), JSON, max_size=8))
def test_no_reader_raises_on_hostile_json(entry: dict[str, Any]) -> None:
    for parse in PARSERS:
        info = parse(entry)
        assert info.capabilities <= info.known
        assert info.context_window is None or info.context_window > 0


@pytest.mark.parametrize(
    ("parse", "entry", "has", "lacks", "window"),
    [
        (
            read.openai_entry,
            {
                "architecture": {
                    "input_modalities": ["text", "image"],
                    "output_modalities": ["text"],
                },
                "supported_parameters": ["tools", "web_search_options"],
                "context_length": None,
                "top_provider": {"context_length": 64000},
            },
            {"vision", "function_calling", "web_search"},
            {"embedding", "rerank", "reasoning"},
            64000,
        ),
        (read.openai_entry, {"id": "gpt-4o", "owned_by": "openai"}, set(), set(), None),
        (read.openai_entry, {"max_model_len": 32768}, set(), set(), 32768),
        (read.openai_entry, {"meta": None, "context_window": 131072}, set(), set(), 131072),
        (read.openai_entry, {"meta": {"n_ctx_train": 4096}}, set(), set(), 4096),
        (
            read.openai_entry,
            {"mode": "embedding", "max_input_tokens": 8191},
            {"embedding"},
            {"rerank"},
            8191,
        ),
        (
            read.anthropic_entry,
            {"capabilities": {"image_input": {"supported": True}}},
            {"vision"},
            set(),
            None,
        ),
        (read.anthropic_entry, {"id": "claude-3-haiku"}, set(), set(), None),
        (
            read.gemini_entry,
            {"supportedGenerationMethods": ["generateContent"], "thinking": False},
            set(),
            {"embedding", "reasoning"},
            None,
        ),
        (
            read.ollama,
            {
                "capabilities": ["completion", "tools"],
                "model_info": {"general.architecture": "qwen3", "qwen3.context_length": 40960},
            },
            {"function_calling"},
            {"vision", "reasoning", "embedding"},
            40960,
        ),
        (read.ollama, {"details": {"family": "llama"}}, set(), set(), None),
        (
            read.lmstudio_v1,
            {"type": "embedding", "max_context_length": 2048},
            {"embedding"},
            set(),
            2048,
        ),
        (
            read.lmstudio_v1,
            {
                "type": "llm",
                "capabilities": {
                    "vision": False,
                    "trained_for_tool_use": True,
                    "reasoning": {"allowed_options": ["on"]},
                },
            },
            {"function_calling", "reasoning"},
            {"vision", "embedding"},
            None,
        ),
        (read.lmstudio_v0, {"type": "embeddings"}, {"embedding"}, {"vision"}, None),
        (
            read.litellm,
            {"supports_vision": None, "supports_reasoning": True, "mode": "chat"},
            {"reasoning"},
            {"embedding", "rerank"},
            None,
        ),
        (read.llamacpp_props, {"modalities": {"vision": False}}, set(), {"vision"}, None),
        (
            read.llamacpp_props,
            {"chat_template_caps": {"supports_tools": True}},
            {"function_calling"},
            set(),
            None,
        ),
    ],
)
def test_each_source_maps_onto_the_files_capabilities(
    parse: Any, entry: dict[str, Any], has: set[str], lacks: set[str], window: int | None
) -> None:
    info = parse(entry)
    assert (set(info.capabilities), set(info.lacks), info.context_window) == (has, lacks, window)


def test_a_context_window_must_be_a_positive_whole_number() -> None:
    for bad in (True, -1, 0, 1.5, "128000", float("nan"), 1 << 41):
        assert read.openai_entry({"context_length": bad}).context_window is None
    assert read.openai_entry({"context_length": 128000.0}).context_window == 128000


def test_merge_lets_the_second_source_decide_what_both_speak_about() -> None:
    listing = flags(embedding=False, vision=True)
    native = ModelInfo(frozenset({"embedding"}), frozenset({"embedding"}), 8192)
    merged = listing.merge(native)
    assert merged.capabilities == {"vision", "embedding"} and merged.lacks == set()
    assert merged.context_window == 8192


def test_mismatch_names_both_directions_in_the_files_order() -> None:
    info = flags(vision=True, embedding=True, function_calling=False, reasoning=False)
    assert mismatch(["reasoning", "web_search"], info) == (
        "the endpoint reports vision, embedding, which the file omits; "
        "the file declares reasoning, which the endpoint says it lacks"
    )
    assert mismatch(["vision", "embedding", "web_search"], info) is None  # web_search: unknown
    assert mismatch(None, ModelInfo()) is None
