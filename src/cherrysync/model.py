"""The typed providers file: the single source of truth for every later stage.

No I/O here. Values that may hold ``${VAR}`` references (keys, base URLs, header values) are kept
as written; :mod:`cherrysync.resolve` turns them into real values when a command needs them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ProviderType = Literal[
    "openai", "openai-response", "anthropic", "gemini", "azure-openai", "ollama", "new-api"
]
PROVIDER_TYPES: tuple[str, ...] = get_args(ProviderType)
Capability = Literal["vision", "reasoning", "embedding", "function_calling", "web_search", "rerank"]
CAPABILITIES: tuple[str, ...] = get_args(Capability)
EndpointType = Literal[
    "openai", "openai-response", "anthropic", "gemini", "image-generation", "jina-rerank"
]
ENDPOINT_TYPES: tuple[str, ...] = get_args(EndpointType)
#: Token-free balance APIs ``check`` can read (provider-apis.md §6); check/balance/ has one
#: module per family behind these names.
BalanceApiName = Literal[
    "openrouter", "deepseek", "moonshot", "siliconflow", "one-api", "new-api", "vercel"
]
BALANCE_API_NAMES: tuple[str, ...] = get_args(BalanceApiName)

#: Official hosts, used when ``base_url`` is omitted.
DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com",
    "openai-response": "https://api.openai.com",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "ollama": "http://localhost:11434",
}

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
MAX_NAME_LENGTH = 32


def slugify(name: str) -> str:
    """Default provider id: lower-case, runs of other characters become ``-``."""
    slug = re.sub(r"[^a-z0-9._]+", "-", name.strip().lower())
    return slug.strip("-._")


def _drop_extensions(data: Any) -> Any:
    """``x-`` keys are free-form notes and anchors: the model never sees them."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    return data


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        json_schema_extra={"patternProperties": {"^x-": {}}},
    )

    @model_validator(mode="before")
    @classmethod
    def _strip_extensions(cls, data: Any) -> Any:
        return _drop_extensions(data)


class ModelSpec(_Strict):
    """A model offered by a provider; only ``id`` is required."""

    id: str = Field(
        min_length=1,
        description="Model ID sent to the API (for azure-openai: the deployment name).",
    )
    name: str | None = Field(
        default=None, min_length=1, description="Display name in the app; defaults to the id."
    )
    group: str | None = Field(
        default=None,
        min_length=1,
        description="Display group; derived from the id the way the app derives it when omitted.",
    )
    capabilities: list[Capability] | None = Field(
        default=None,
        description="Capabilities forced on in the app: " + ", ".join(CAPABILITIES) + ".",
    )
    endpoint_type: EndpointType | None = Field(
        default=None,
        description="Wire format for this model; required for new-api providers.",
    )
    description: str | None = Field(
        default=None, min_length=1, description="Free text shown in the app."
    )

    @field_validator("capabilities")
    @classmethod
    def _no_empty_capabilities(cls, value: list[str] | None) -> list[str] | None:
        """``[]`` forces nothing on, exactly like leaving the key out."""
        return value or None


class CheckOptions(_Strict):
    """Per-provider options for ``cherrysync check``."""

    skip: bool = Field(default=False, description="Never live-check this provider.")
    probe: bool = Field(
        default=False,
        description="Send the smallest real (billable) request per model, as --probe does.",
    )
    allow_unlisted: bool = Field(
        default=False,
        description="A configured model missing from the listing is a warning, not an error.",
    )
    verify: bool = Field(
        default=True,
        description="Verify the endpoint's TLS certificate; false only for private test hosts.",
    )
    ca_bundle: str | None = Field(
        default=None,
        min_length=1,
        description="Path to a PEM CA bundle for a private endpoint (relative to the file).",
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds per request for this provider (overrides --timeout).",
    )
    min_balance: float | None = Field(
        default=None,
        ge=0,
        description=(
            "Read each key's balance (no tokens spent) and fail it as low_balance below this "
            "amount, in the provider's own currency (relays: their display unit)."
        ),
    )
    balance: BalanceApiName | None = Field(
        default=None,
        description=(
            "Which balance API to read, for relays and mirrors; official hosts and new-api "
            "providers are recognised without it: " + ", ".join(BALANCE_API_NAMES) + "."
        ),
    )


class Provider(_Strict):
    """A custom provider as it should appear in Cherry Studio."""

    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description="Display name (at most 32 characters, as the app's form allows).",
    )
    id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description=(
            "Stable provider id; the app references models as `<id>::<model>`. "
            "Defaults to a slug of the name."
        ),
    )
    type: ProviderType = Field(
        description="Wire protocol: " + ", ".join(PROVIDER_TYPES) + ".",
    )
    base_url: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "API base URL (may use ${VAR}). Defaults to the official host for openai, "
            "openai-response, anthropic, gemini and ollama; required for azure-openai and new-api."
        ),
    )
    api_key: str | Annotated[list[str], Field(min_length=1)] | None = Field(
        default=None,
        description=(
            "One key or a list of keys the app rotates; use ${VAR} references rather than "
            "literal keys. Omit for keyless local servers."
        ),
    )
    api_version: str | None = Field(
        default=None, min_length=1, description="API version; required for azure-openai."
    )
    enabled: bool = Field(default=True, description="Whether the provider is enabled in the app.")
    headers: dict[str, str] | None = Field(
        default=None,
        description="Extra HTTP headers sent with every request (values may use ${VAR}).",
    )
    notes: str | None = Field(
        default=None, min_length=1, description="Markdown notes shown in the app."
    )
    models: list[str | ModelSpec] = Field(
        default_factory=list,
        description=(
            "Model IDs, or objects {id, name, group, capabilities, endpoint_type, description}."
        ),
    )
    check: CheckOptions | None = Field(default=None, description="Options for the live check.")
    tags: list[Annotated[str, Field(pattern=ID_PATTERN)]] | None = Field(
        default=None,
        description=(
            "Labels such as work or gpu; `--tag` selects the providers carrying one of them. "
            "Never written to the app."
        ),
    )

    @property
    def provider_id(self) -> str:
        """The effective id: ``id`` or the slug of ``name``."""
        return self.id if self.id is not None else slugify(self.name)

    @property
    def api_keys(self) -> list[str]:
        """Keys as written (possibly ``${VAR}`` references), always as a list."""
        if self.api_key is None:
            return []
        return [self.api_key] if isinstance(self.api_key, str) else list(self.api_key)

    @property
    def effective_base_url(self) -> str | None:
        """``base_url`` as written, or the type's official host."""
        return self.base_url if self.base_url is not None else DEFAULT_BASE_URLS.get(self.type)

    @property
    def model_specs(self) -> list[ModelSpec]:
        """Every model as a :class:`ModelSpec` (bare strings become ``{id: ...}``)."""
        return [ModelSpec(id=m) if isinstance(m, str) else m for m in self.models]

    @property
    def check_options(self) -> CheckOptions:
        return self.check if self.check is not None else CheckOptions()


class ProvidersFile(_Strict):
    """A providers file, format version 1."""

    model_config = ConfigDict(
        title="cherrysync providers file",
        json_schema_extra={
            "patternProperties": {"^x-": {}},
            "$id": "https://cherrysync.dev/schema/providers.schema.json",
        },
    )

    version: Literal[1] = Field(description="Format version; always 1.")
    providers: list[Provider] = Field(
        default_factory=list, description="The providers cherrysync manages."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):  # True == 1 in Python, but not in JSON Schema
            raise ValueError("version must be the integer 1")
        return value

    def provider(self, key: str) -> Provider | None:
        """Find a provider by id or name."""
        for provider in self.providers:
            if key in (provider.provider_id, provider.name):
                return provider
        return None
