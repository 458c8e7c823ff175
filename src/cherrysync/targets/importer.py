"""App providers -> a tidy providers file plus a dotenv file of keys (pure, no I/O).

Values equal to what cherrysync would derive anyway (the group from the id, the name equal to the
id, the official host, ``enabled: true``) are left out, so the file reads like one a person wrote
and ``import(apply(file))`` gives the file back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, default_group
from cherrysync.errors import ImportFailure
from cherrysync.model import DEFAULT_BASE_URLS, ID_PATTERN, MAX_NAME_LENGTH, ModelSpec, slugify
from cherrysync.secrets import is_secret_header
from cherrysync.targets.base import AppProvider
from cherrysync.validate.pipeline import ValidatedFile, validate_text

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
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
    #: variables for keys a dotenv file cannot hold safely (:func:`dotenv_safe`): the same
    unquotable: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Every variable the file references that the dotenv file leaves for the user."""
        return [*self.unreadable, *self.unquotable]


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


def dotenv_safe(value: str) -> bool:
    """Can ``value`` be written as ``NAME='value'`` and mean itself to sh, bash and
    python-dotenv alike? Yes when it holds no ``'``, no ``\\`` and nothing unprintable
    (control characters, line breaks, tabs and other whitespace than the plain space): inside
    single quotes such text is literal to all three, so sourcing the file runs nothing."""
    return value.isprintable() and "'" not in value and "\\" not in value


@dataclass
class _Secrets:
    """Where one import puts what it learns about keys (shared by every provider)."""

    names: _EnvNames
    env: dict[str, str]
    warnings: list[str]
    #: variables the file references for keys the app encrypted: the user fills them in
    unreadable: list[str]
    #: variables for keys no dotenv file can carry safely: the user writes them by hand
    unquotable: list[str]

    def store(self, pid: str, what: str, var: str, value: str) -> None:
        """``var`` holds ``value`` in the dotenv file, or is left for the user to fill in."""
        if dotenv_safe(value):
            self.env[var] = value
            return
        self.unquotable.append(var)
        self.warnings.append(
            f"provider '{pid}': {what} holds a quote, a backslash or an unprintable character, "
            f"which a dotenv file cannot hold safely for both shells and python-dotenv; {var} "
            "is written commented out: fill it in by hand"
        )


def _identity(provider: AppProvider, pid: str, warnings: list[str]) -> dict[str, Any]:
    """Name, id, type and base URL (left out when it is the type's official host)."""
    entry: dict[str, Any] = {"name": provider.name[:MAX_NAME_LENGTH], "id": pid}
    if len(provider.name) > MAX_NAME_LENGTH:
        warnings.append(f"provider '{pid}': name shortened to {MAX_NAME_LENGTH} characters")
    entry["type"] = provider.type
    if provider.base_url and provider.base_url != DEFAULT_BASE_URLS.get(provider.type):
        entry["base_url"] = escape(provider.base_url)
    elif not provider.base_url and provider.type in DEFAULT_BASE_URLS:
        warnings.append(f"provider '{pid}' has no base URL; the file uses the official host")
    return entry


def _key_references(
    provider: AppProvider, pid: str, prefix: str, sink: _Secrets, with_secrets: bool
) -> list[str]:
    """``${PREFIX_API_KEY}``, ``${PREFIX_API_KEY_2}``... for every key, readable or not."""
    if provider.encrypted_keys:
        sink.warnings.append(
            f"provider '{pid}': {provider.encrypted_keys} key(s) are encrypted by Cherry Studio "
            "and cannot be read"
            + (" (the file references them; fill them in the dotenv file)" if with_secrets else "")
        )
    total = len(provider.api_keys) + provider.encrypted_keys
    if not with_secrets:
        return []
    refs = []
    for n in range(1, total + 1):
        var = f"{prefix}_API_KEY" + (f"_{n}" if n > 1 else "")
        if n <= len(provider.api_keys):
            sink.store(pid, f"key {n}", var, provider.api_keys[n - 1].reveal())
        else:
            sink.unreadable.append(var)
        refs.append(f"${{{var}}}")
    return refs


def _headers(
    provider: AppProvider, pid: str, prefix: str, sink: _Secrets, with_secrets: bool
) -> dict[str, str]:
    """Headers as written; secret-looking ones become references (or go, without secrets)."""
    headers: dict[str, str] = {}
    for name, value in provider.headers.items():
        if not is_secret_header(name):
            headers[name] = escape(value)
        elif with_secrets:
            var = f"{prefix}_HEADER_" + re.sub(r"[^A-Za-z0-9]+", "_", name).upper()
            sink.store(pid, f"header {name}", var, value)
            headers[name] = f"${{{var}}}"
    return headers


def _models(provider: AppProvider, pid: str, warnings: list[str]) -> list[str | dict[str, Any]]:
    """Model entries; a new-api model without an endpoint type gets openai (with a warning)."""
    models = []
    for spec in provider.models:
        if provider.type == "new-api" and spec.endpoint_type is None:
            warnings.append(
                f"provider '{pid}': model '{spec.id}' has no endpoint type; using openai"
            )
            spec = replace(spec, endpoint_type="openai")
        models.append(_model_entry(spec, pid))
    return models


def provider_entry(
    provider: AppProvider, pid: str, *, secrets: bool, sink: _Secrets
) -> dict[str, Any]:
    """One provider as plain YAML data; keys (and secret-looking headers) become references,
    their values kept in ``sink``.

    A key the app encrypted gets a reference too, listed in ``sink.unreadable`` with no value:
    a plan then stops at the unset variable instead of dropping the key from the app. So does a
    key no dotenv file can hold safely (:func:`dotenv_safe`), listed in ``sink.unquotable``.
    """
    warnings = sink.warnings
    entry = _identity(provider, pid, warnings)
    prefix = sink.names.prefix(pid, provider.name)
    refs = _key_references(provider, pid, prefix, sink, secrets)
    optional: dict[str, Any] = {
        "api_key": refs[0] if len(refs) == 1 else refs,
        "api_version": provider.api_version,
        "enabled": None if provider.enabled else False,
        "headers": _headers(provider, pid, prefix, sink, secrets),
        "notes": provider.notes,
        "models": _models(provider, pid, warnings),
    }
    # left out when empty or default; an empty notes string is kept, as the app shows it
    entry.update((k, v) for k, v in optional.items() if v is not None and v != [] and v != {})
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


def render_env(
    env: dict[str, str],
    file_name: str,
    unreadable: Iterable[str] = (),
    unquotable: Iterable[str] = (),
) -> str:
    """Dotenv text that sh, bash (``set -a; . ./.env``) and :mod:`cherrysync.load.envfile`
    all read back to exactly the same values, with nothing expanded or run.

    Every value is single-quoted with nothing to escape (:func:`dotenv_safe`; anything else is
    a ``ValueError``: callers list such keys in ``unquotable``). ``unreadable`` (keys the app
    encrypted) and ``unquotable`` variables are commented out, so they stay unset until the
    user writes the key in.
    """
    shown = "".join(c if c.isprintable() else "?" for c in file_name)
    lines = [f"# API keys referenced by {shown} (cherrysync import). Keep out of Git."]
    for name, value in env.items():
        if not dotenv_safe(value):
            raise ValueError(f"{name}: not a value a dotenv file can hold safely")
        lines.append(f"{name}='{value}'")
    for name in unreadable:
        lines.append(f"# {name}=  (encrypted by Cherry Studio, cannot be read: write the key here)")
    for name in unquotable:
        lines.append(f"# {name}=  (holds characters this file cannot quote safely: write it here)")
    return "\n".join(lines) + "\n"


def _errors(result: ValidatedFile) -> list[str]:
    return [f"{d.rule}: {d.message}" for d in result.diagnostics if d.severity == "error"]


def _unique_name(name: str, pid: str, seen: set[str], warnings: list[str]) -> str:
    """``name``, or ``name 2``, ``name 3``... when another imported provider has it."""
    unique, n = name, 2
    while unique.strip().casefold() in seen:
        unique = f"{name[: MAX_NAME_LENGTH - 3]} {n}"
        n += 1
    if unique != name:
        warnings.append(f"provider '{pid}': name '{name}' is taken; using '{unique}'")
    return unique


def build_import(
    providers: Iterable[AppProvider],
    *,
    secrets: bool = True,
    source: str = "the app",
    env_name: str = ".env",
) -> ImportResult:
    """The providers file for ``providers``; each one that would not validate is skipped."""
    names, env, warnings = _EnvNames(), dict[str, str](), list[str]()
    unreadable, unquotable = list[str](), list[str]()
    entries: list[dict[str, Any]] = []
    seen_names: set[str] = set()
    for provider in providers:
        pid = _fix_id(provider, warnings)
        if pid is None or pid in {e["id"] for e in entries}:
            if pid is not None:
                warnings.append(f"provider id '{pid}' appears twice; kept the first")
            continue
        sink = _Secrets(names, {}, warnings, [], [])  # kept only if the entry validates
        entry = provider_entry(provider, pid, secrets=secrets, sink=sink)
        name = entry["name"] = _unique_name(entry["name"], pid, seen_names, warnings)
        problems = _errors(validate_text(render_yaml({"version": 1, "providers": [entry]}), pid))
        if problems:
            warnings.append(f"provider '{pid}' skipped: {'; '.join(problems)}")
            continue
        seen_names.add(name.strip().casefold())
        entries.append(entry)
        env.update(sink.env)
        unreadable.extend(sink.unreadable)
        unquotable.extend(sink.unquotable)
    keys = f" Keys are in {env_name}." if env or unreadable or unquotable else ""
    text = render_yaml(
        {"version": 1, "providers": entries}, HEADER.format(source=source, keys=keys)
    )
    problems = _errors(validate_text(text, "imported providers file"))
    if problems:
        raise ImportFailure("; ".join(problems))
    return ImportResult(text, env, warnings, len(entries), unreadable, unquotable)
