"""The typed providers file: the single source of truth for every later stage.

No I/O here. Values that may hold ``${VAR}`` references (keys, base URLs, header values) are kept
as written; :mod:`cherrysync.resolve` turns them into real values when a command needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Self, get_args

from cherrysync.strict import Limits, doc, parse
from cherrysync.strict import ModelError as ModelError  # what from_data raises

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


class Record:
    """Base of the model's classes: frozen, slotted, keyword-only dataclasses, built from parsed
    YAML by :meth:`from_data` after strict checking (:mod:`cherrysync.strict`). Calling a class
    directly checks nothing: that is for code building values it already trusts."""

    __slots__ = ()

    @classmethod
    def from_data(cls, data: Any) -> Self:
        """``data`` (parsed YAML or JSON) as this class; :class:`ModelError` if it does not fit."""
        return parse(cls, data)


#: a string of at least one character (an empty ``name:`` is a mistake, not a value)
Text = Annotated[str, Limits(min_length=1)]
#: a provider id or a tag
Slug = Annotated[str, Limits(pattern=ID_PATTERN)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSpec(Record):
    """A model offered by a provider; only ``id`` is required."""

    id: Text = field(
        metadata=doc("Model ID sent to the API (for azure-openai: the deployment name).")
    )
    name: Text | None = field(
        default=None, metadata=doc("Display name in the app; defaults to the id.")
    )
    group: Text | None = field(
        default=None,
        metadata=doc("Display group; derived from the id the way the app derives it when omitted."),
    )
    capabilities: list[Capability] | None = field(
        default=None,
        metadata=doc("Capabilities forced on in the app: " + ", ".join(CAPABILITIES) + "."),
    )
    endpoint_type: EndpointType | None = field(
        default=None, metadata=doc("Wire format for this model; required for new-api providers.")
    )
    description: Text | None = field(default=None, metadata=doc("Free text shown in the app."))

    def __post_init__(self) -> None:
        if self.capabilities == []:  # forces nothing on, exactly like leaving the key out
            object.__setattr__(self, "capabilities", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOptions(Record):
    """Per-provider options for ``cherrysync check``."""

    skip: bool = field(default=False, metadata=doc("Never live-check this provider."))
    probe: bool = field(
        default=False,
        metadata=doc("Send the smallest real (billable) request per model, as --probe does."),
    )
    allow_unlisted: bool = field(
        default=False,
        metadata=doc("A configured model missing from the listing is a warning, not an error."),
    )
    verify: bool = field(
        default=True,
        metadata=doc("Verify the endpoint's TLS certificate; false only for private test hosts."),
    )
    ca_bundle: Text | None = field(
        default=None,
        metadata=doc("Path to a PEM CA bundle for a private endpoint (relative to the file)."),
    )
    timeout: Annotated[float, Limits(gt=0)] | None = field(
        default=None, metadata=doc("Seconds per request for this provider (overrides --timeout).")
    )
    min_balance: Annotated[float, Limits(ge=0)] | None = field(
        default=None,
        metadata=doc(
            "Read each key's balance (no tokens spent) and fail it as low_balance below this "
            "amount, in the provider's own currency (relays: their display unit)."
        ),
    )
    balance: BalanceApiName | None = field(
        default=None,
        metadata=doc(
            "Which balance API to read, for relays and mirrors; official hosts and new-api "
            "providers are recognised without it: " + ", ".join(BALANCE_API_NAMES) + "."
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider(Record):
    """A custom provider as it should appear in Cherry Studio."""

    name: Annotated[str, Limits(min_length=1, max_length=MAX_NAME_LENGTH)] = field(
        metadata=doc("Display name (at most 32 characters, as the app's form allows).")
    )
    id: Slug | None = field(
        default=None,
        metadata=doc(
            "Stable provider id; the app references models as `<id>::<model>`. "
            "Defaults to a slug of the name."
        ),
    )
    type: ProviderType = field(metadata=doc("Wire protocol: " + ", ".join(PROVIDER_TYPES) + "."))
    base_url: Text | None = field(
        default=None,
        metadata=doc(
            "API base URL (may use ${VAR}). Defaults to the official host for openai, "
            "openai-response, anthropic, gemini and ollama; required for azure-openai and new-api."
        ),
    )
    api_key: str | Annotated[list[str], Limits(min_length=1)] | None = field(
        default=None,
        metadata=doc(
            "One key or a list of keys the app rotates; use ${VAR} references rather than "
            "literal keys. Omit for keyless local servers."
        ),
    )
    api_version: Text | None = field(
        default=None, metadata=doc("API version; required for azure-openai.")
    )
    enabled: bool = field(default=True, metadata=doc("Whether the provider is enabled in the app."))
    headers: dict[str, str] | None = field(
        default=None,
        metadata=doc("Extra HTTP headers sent with every request (values may use ${VAR})."),
    )
    notes: Text | None = field(default=None, metadata=doc("Markdown notes shown in the app."))
    models: list[str | ModelSpec] = field(
        default_factory=list,
        metadata=doc(
            "Model IDs, or objects {id, name, group, capabilities, endpoint_type, description}."
        ),
    )
    check: CheckOptions | None = field(default=None, metadata=doc("Options for the live check."))
    tags: list[Slug] | None = field(
        default=None,
        metadata=doc(
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


@dataclass(frozen=True, slots=True, kw_only=True)
class ProvidersFile(Record):
    """A providers file, format version 1."""

    version: Literal[1] = field(metadata=doc("Format version; always 1."))
    providers: list[Provider] = field(
        default_factory=list, metadata=doc("The providers cherrysync manages.")
    )

    def provider(self, key: str) -> Provider | None:
        """Find a provider by id or name."""
        for provider in self.providers:
            if key in (provider.provider_id, provider.name):
                return provider
        return None
