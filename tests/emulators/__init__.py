"""Loopback HTTP emulators of the provider APIs (provider-apis.md §5), with fault injection.

Each emulator is a real HTTP server on 127.0.0.1 (optionally TLS with a trustme CA) that records
every request, so tests can assert what reached which host.
"""

from emulators.anthropic import AnthropicEmulator
from emulators.azure import AzureEmulator
from emulators.balance import (
    DeepSeekEmulator,
    MoonshotEmulator,
    OpenRouterEmulator,
    SiliconFlowEmulator,
    VercelEmulator,
)
from emulators.gemini import GeminiEmulator
from emulators.llamacpp import LlamaCppEmulator
from emulators.local import LMStudioEmulator, OllamaEmulator, VLLMEmulator
from emulators.openai import LiteLLMEmulator, NewAPIEmulator, OpenAIEmulator
from emulators.relay import RelayEmulator, Token
from emulators.server import Emulator, Recorder, Reply, Request

__all__ = [
    "AnthropicEmulator",
    "AzureEmulator",
    "DeepSeekEmulator",
    "Emulator",
    "GeminiEmulator",
    "LMStudioEmulator",
    "LiteLLMEmulator",
    "LlamaCppEmulator",
    "MoonshotEmulator",
    "NewAPIEmulator",
    "OllamaEmulator",
    "OpenAIEmulator",
    "OpenRouterEmulator",
    "Recorder",
    "RelayEmulator",
    "Reply",
    "Request",
    "SiliconFlowEmulator",
    "Token",
    "VLLMEmulator",
    "VercelEmulator",
]
