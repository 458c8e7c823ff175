"""App providers -> a tidy providers file plus a dotenv file of keys (pure, no I/O).

Values equal to what cherrysync would derive anyway (the group from the id, the name equal to the
id, the official host, ``enabled: true``) are left out, so the file reads like one a person wrote
and ``import(apply(file))`` gives the file back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group
from cherrysync.errors import ImportFailure
from cherrysync.model import DEFAULT_BASE_URLS, ID_PATTERN, MAX_NAME_LENGTH, ModelSpec, slugify
from cherrysync.targets.base import AppProvider
from cherrysync.validate.pipeline import ValidatedFile, validate_text

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SECRET_HEADER = re.compile(r"(auth|key|token|secret|cookie)", re.IGNORECASE)
HEADER = (
    "# yaml-language-server: $schema=https://cherrysync.dev/schema/providers.schema.json\n"
    "# Imported by cherrysync from {source}.{keys}\n"
)


@dataclass
class ImportResult:
    """The providers file text, the dotenv entries it references, and what was skipped."""

    text: str
    env: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    count: int = 0
    #: variables the file references for keys the app encrypted: the user fills them in
    unreadable: list[str] = field(default_factory=list)


def escape(value: str) -> str:
    """A literal for a field that may hold ``${VAR}`` references (``$`` -> ``$$``)."""
    return value.replace("$", "$$")


class _EnvNames:
    """``<PROVIDER_ID>_API_KEY``, ``_2``...; unique across providers."""

    def __init__(self) -> None:
        self.prefixes: set[str] = set()

    def prefix(self, provider_id: str, name: str) -> str:
        """From the id; from the name when the id is one of the app's random UUIDs."""
        readable = _UUID.match(provider_id) and re.search(r"[A-Za-z0-9]", name)
        source = name if readable else provider_id
        base = re.sub(r"[^A-Za-z0-9]+", "_", source).strip("_").upper()
        base = base or re.sub(r"[^A-Za-z0-9]+", "_", provider_id).strip("_").upper() or "PROVIDER"
        if base[0].isdigit():
            base = "PROVIDER_" + base
        candidate, n = base, 2
        while candidate in self.prefixes:
            candidate, n = f"{base}_{n}", n + 1
        self.prefixes.add(candidate)
        return candidate


def _model_entry(spec: ModelSpec, provider_id: str) -> str | dict[str, Any]:
    entry: dict[str, Any] = {"id": spec.id}
    if spec.name is not None and spec.name != spec.id:
        entry["name"] = spec.name
    if spec.group is not None and spec.group != default_group(spec.id, provider_id):
        entry["group"] = spec.group
    if spec.capabilities is not None:
        entry["capabilities"] = list(spec.capabilities)
    if spec.endpoint_type is not None:
        entry["endpoint_type"] = spec.endpoint_type
    if spec.description is not None:
        entry["description"] = spec.description
    return spec.id if len(entry) == 1 else entry


def _fix_id(provider: AppProvider, warnings: list[str]) -> str | None:
    pid = provider.id
    if pid in BUILTIN_PROVIDER_IDS:
        warnings.append(
            f"provider '{pid}' uses a built-in provider id, which a providers file cannot "
            "manage; skipped"
        )
        return None
    if re.match(ID_PATTERN, pid):
        return pid
    fixed = slugify(pid) or slugify(provider.name) or "provider"
    warnings.append(
        f"provider id '{pid}' is not a valid providers-file id; imported as '{fixed}', so "
        "applying the file adds a new provider next to the old one"
    )
    return fixed


def provider_entry(
    provider: AppProvider,
    pid: str,
    *,
    secrets: bool,
    names: _EnvNames,
    env: dict[str, str],
    warnings: list[str],
    unreadable: list[str] | None = None,
) -> dict[str, Any]:
    """One provider as plain YAML data; keys (and secret-looking headers) become references.

    A key the app encrypted gets a reference too, listed in ``unreadable`` with no value: a
    plan then stops at the unset variable instead of dropping the key from the app.
    """
    unreadable = [] if unreadable is None else unreadable
    entry: dict[str, Any] = {"name": provider.name[:MAX_NAME_LENGTH], "id": pid}
    if len(provider.name) > MAX_NAME_LENGTH:
        warnings.append(f"provider '{pid}': name shortened to {MAX_NAME_LENGTH} characters")
    entry["type"] = provider.type
    if provider.base_url and provider.base_url != DEFAULT_BASE_URLS.get(provider.type):
        entry["base_url"] = escape(provider.base_url)
    elif not provider.base_url and provider.type in DEFAULT_BASE_URLS:
        warnings.append(f"provider '{pid}' has no base URL; the file uses the official host")
    prefix = names.prefix(pid, provider.name)
    if provider.encrypted_keys:
        warnings.append(
            f"provider '{pid}': {provider.encrypted_keys} key(s) are encrypted by Cherry Studio "
            "and cannot be read"
            + (" (the file references them; fill them in the dotenv file)" if secrets else "")
        )
    total = len(provider.api_keys) + provider.encrypted_keys
    if total and secrets:
        refs = []
        for n in range(1, total + 1):
            var = f"{prefix}_API_KEY" + (f"_{n}" if n > 1 else "")
            if n <= len(provider.api_keys):
                env[var] = provider.api_keys[n - 1].reveal()
            else:
                unreadable.append(var)
            refs.append(f"${{{var}}}")
        entry["api_key"] = refs[0] if len(refs) == 1 else refs
    if provider.api_version is not None:
        entry["api_version"] = provider.api_version
    if not provider.enabled:
        entry["enabled"] = False
    headers: dict[str, str] = {}
    for name, value in provider.headers.items():
        if _SECRET_HEADER.search(name):
            if secrets:
                var = f"{prefix}_HEADER_" + re.sub(r"[^A-Za-z0-9]+", "_", name).upper()
                env[var] = value
                headers[name] = f"${{{var}}}"
        else:
            headers[name] = escape(value)
    if headers:
        entry["headers"] = headers
    if provider.notes is not None:
        entry["notes"] = provider.notes
    models = []
    for spec in provider.models:
        if provider.type == "new-api" and spec.endpoint_type is None:
            warnings.append(
                f"provider '{pid}': model '{spec.id}' has no endpoint type; using openai"
            )
            spec = spec.model_copy(update={"endpoint_type": "openai"})
        models.append(_model_entry(spec, pid))
    if models:
        entry["models"] = models
    return entry


def render_yaml(data: dict[str, Any], header: str = "") -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    buffer = StringIO()
    yaml.dump(data, buffer)
    return header + buffer.getvalue()


def render_env(env: dict[str, str], file_name: str, unreadable: Iterable[str] = ()) -> str:
    """Dotenv text that :mod:`cherrysync.load.envfile` reads back to the same values.

    ``unreadable`` variables (keys the app encrypted) are commented out, so they stay unset
    until the user writes the key in.
    """
    lines = [f"# API keys referenced by {file_name} (cherrysync import). Keep out of Git."]
    for name, value in env.items():
        # single quotes are never expanded; inside them only \\ and \' are escapes
        quoted = value.replace("\\", "\\\\").replace("'", "\\'")
        lines.append(f"{name}='{quoted}'")
    for name in unreadable:
        lines.append(f"# {name}=  (encrypted by Cherry Studio, cannot be read: write the key here)")
    return "\n".join(lines) + "\n"


def _errors(result: ValidatedFile) -> list[str]:
    return [f"{d.rule}: {d.message}" for d in result.diagnostics if d.severity == "error"]


def build_import(
    providers: Iterable[AppProvider],
    *,
    secrets: bool = True,
    source: str = "the app",
    env_name: str = ".env",
) -> ImportResult:
    """The providers file for ``providers``; each one that would not validate is skipped."""
    names, env, warnings, unreadable = _EnvNames(), dict[str, str](), list[str](), list[str]()
    entries: list[dict[str, Any]] = []
    seen_names: set[str] = set()
    for provider in providers:
        pid = _fix_id(provider, warnings)
        if pid is None or pid in {e["id"] for e in entries}:
            if pid is not None:
                warnings.append(f"provider id '{pid}' appears twice; kept the first")
            continue
        local_env: dict[str, str] = {}
        local_unreadable: list[str] = []
        entry = provider_entry(
            provider,
            pid,
            secrets=secrets,
            names=names,
            env=local_env,
            warnings=warnings,
            unreadable=local_unreadable,
        )
        name, n = entry["name"], 2
        while name.strip().casefold() in seen_names:
            name = f"{entry['name'][: MAX_NAME_LENGTH - 3]} {n}"
            n += 1
        if name != entry["name"]:
            warnings.append(f"provider '{pid}': name '{entry['name']}' is taken; using '{name}'")
            entry["name"] = name
        problems = _errors(validate_text(render_yaml({"version": 1, "providers": [entry]}), pid))
        if problems:
            warnings.append(f"provider '{pid}' skipped: {'; '.join(problems)}")
            continue
        seen_names.add(name.strip().casefold())
        entries.append(entry)
        env.update(local_env)
        unreadable.extend(local_unreadable)
    keys = f" Keys are in {env_name}." if env or unreadable else ""
    text = render_yaml(
        {"version": 1, "providers": entries}, HEADER.format(source=source, keys=keys)
    )
    problems = _errors(validate_text(text, "imported providers file"))
    if problems:
        raise ImportFailure("; ".join(problems))
    return ImportResult(text, env, warnings, len(entries), unreadable)
