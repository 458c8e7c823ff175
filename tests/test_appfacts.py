"""Facts about the app that several stages share: the reserved provider ids."""

from __future__ import annotations

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS

#: reference §2.3: the late-1.x built-in list
LATE_V1 = """
cherryin silicon aihubmix ocoolai deepseek ppio alayanew qiniu dmxapi burncloud tokenflux 302ai
cephalon lanyun ph8 openrouter ollama ovms new-api lmstudio anthropic openai azure-openai gemini
vertexai github copilot zhipu yi moonshot baichuan dashscope stepfun doubao infini minimax groq
together fireworks nvidia grok hyperbolic mistral jina perplexity modelscope xirang hunyuan
tencent-cloud-ti baidu-cloud gpustack voyageai aws-bedrock poe aionly longcat huggingface sophnet
gateway cerebras mimo minimax-global zai
""".split()
#: reference §2.3: 2.x registry presets not in the 1.x list, and what the 2.x seeders add
V2_ONLY = ["radeon-cloud", "claude-code", "openai-codex", "grok-cli", "opencode", "tokenhub"]
SEEDED = ["cherryai", "local-embedding"]


def test_every_id_the_app_seeds_is_reserved() -> None:
    missing = sorted({*LATE_V1, *V2_ONLY, *SEEDED} - BUILTIN_PROVIDER_IDS)
    assert missing == []
    assert len(LATE_V1) == 63
