"""Semantic rules: what the schema cannot say, checked on the typed model.

Each rule is a function yielding findings; :func:`check_semantics` runs them all so one run
reports every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from cherrysync import baseurl
from cherrysync.appfacts import BUILTIN_PROVIDER_IDS, DEEPLINK_UNSAFE, key_splits
from cherrysync.escaping import CONTROL, printable
from cherrysync.load.yamldoc import Path
from cherrysync.model import ID_PATTERN, Provider, ProvidersFile
from cherrysync.secrets import EnvRef, EnvSyntaxError, Reference, is_secret_header, references
from cherrysync.selection import carries

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class Finding:
    """A semantic problem at a path in the document (positions are looked up later)."""

    path: Path
    severity: str
    rule: str
    message: str
    at_key: bool = False
    #: characters into the scalar's text, for problems inside a value (e.g. a bad ``${``)
    offset: int = 0


@dataclass(frozen=True)
class RuleOptions:
    require_env: bool = False
    env: Mapping[str, str] | None = None
    #: with ``require_env``: only providers carrying one of these tags need their variables
    env_tags: frozenset[str] = frozenset()


Rule = Callable[[ProvidersFile, RuleOptions], Iterator[Finding]]


def _p(index: int, *rest: str | int) -> Path:
    return ("providers", index, *rest)


def _id_path(provider: Provider, index: int) -> Path:
    return _p(index, "id") if provider.id is not None else _p(index, "name")


def rule_unique_providers(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for i, provider in enumerate(pf.providers):
        pid = provider.provider_id
        if pid in seen_ids:
            yield Finding(
                _id_path(provider, i),
                "error",
                "duplicate-id",
                f"duplicate provider id '{pid}' (also providers[{seen_ids[pid]}])",
            )
        else:
            seen_ids[pid] = i
        name = provider.name.strip().casefold()
        if name in seen_names:
            yield Finding(
                _p(i, "name"),
                "error",
                "duplicate-name",
                f"duplicate provider name '{provider.name}' (also providers[{seen_names[name]}])",
            )
        else:
            seen_names[name] = i


def rule_provider_id(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        pid = provider.provider_id
        if provider.id is None and not re.match(ID_PATTERN, pid):
            yield Finding(
                _p(i, "name"),
                "error",
                "invalid-id",
                f"cannot derive an id from name '{provider.name}'; set 'id'",
            )
        elif pid in BUILTIN_PROVIDER_IDS:
            how = "" if provider.id is not None else " (derived from the name; set 'id')"
            yield Finding(
                _id_path(provider, i),
                "error",
                "reserved-id",
                f"id '{pid}' is a built-in Cherry Studio provider id{how}; "
                f"a custom provider must not shadow it, e.g. use '{pid}-custom'",
            )


def model_id_problem(model_id: str) -> str | None:
    """Why a model id cannot be used as written, or None; ``models --add`` asks this too.

    ``?`` and ``#`` the app refuses; control characters and whitespace no API's model id has.
    ``gpt2 - gpt-4o`` is the usual way to get whitespace: a ``- gpt-4o`` line indented one space
    deeper than the item above continues that item's plain scalar instead of starting a new one.
    """
    shown = printable(model_id)
    bad = sorted({c for c in model_id if c in "?#"})
    if bad:
        return (
            f"model id '{shown}' contains {', '.join(map(repr, bad))}, "
            "which the app does not allow in model ids"
        )
    if CONTROL.search(model_id):
        return f"model id '{shown}' contains control characters, which no model id has"
    if model_id != model_id.strip():
        return f"model id '{shown}' has leading or trailing whitespace (the app trims it)"
    if any(c.isspace() for c in model_id):
        if re.search(r"\s-\s", model_id):
            return (
                f"model id '{shown}' contains whitespace: a '- id' line indented deeper than "
                "the item above it continues that item; put every '- id' at the same indentation"
            )
        return f"model id '{shown}' contains whitespace, which no model id has"
    return None


def rule_models(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        seen: dict[str, int] = {}
        for j, spec in enumerate(provider.model_specs):
            path = (
                _p(i, "models", j)
                if isinstance(provider.models[j], str)
                else _p(i, "models", j, "id")
            )
            if spec.id in seen:
                yield Finding(
                    path,
                    "error",
                    "duplicate-model",
                    f"duplicate model id '{spec.id}' in provider '{provider.provider_id}' "
                    f"(also models[{seen[spec.id]}])",
                )
            else:
                seen[spec.id] = j
            problem = model_id_problem(spec.id)
            if problem is not None:
                yield Finding(path, "error", "model-id-chars", problem)
            if provider.type == "new-api" and spec.endpoint_type is None:
                yield Finding(
                    path,
                    "error",
                    "new-api-endpoint-type",
                    f"new-api model '{spec.id}' needs 'endpoint_type' "
                    "(openai, openai-response, anthropic, gemini, ...)",
                )


def rule_base_url(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        path = _p(i, "base_url")
        if provider.base_url is None:
            if provider.effective_base_url is None:
                yield Finding(
                    _p(i, "type"),
                    "error",
                    "base-url-required",
                    f"type {provider.type} has no default host; set 'base_url'",
                )
            continue
        try:
            parsed = baseurl.parse_written(provider.base_url)
        except baseurl.UrlError as exc:
            yield Finding(path, "error", exc.rule, exc.message)
            continue
        if parsed is None:
            continue
        for severity, rule, message in baseurl.app_reading(parsed, provider.type):
            yield Finding(path, severity, rule, message)


def rule_azure(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        if provider.type == "azure-openai" and provider.api_version is None:
            yield Finding(
                _p(i, "type"),
                "error",
                "azure-api-version",
                "azure-openai needs 'api_version' (e.g. 2024-10-21, or 'v1' for the Responses API)",
            )


def _secret_values(provider: Provider, index: int) -> Iterator[tuple[Path, str, bool]]:
    """(path, raw value, is-a-key) for every value that may hold a secret."""
    for k, key in enumerate(provider.api_keys):
        path = (
            _p(index, "api_key", k) if isinstance(provider.api_key, list) else _p(index, "api_key")
        )
        yield path, key, True
    for name, value in (provider.headers or {}).items():
        yield _p(index, "headers", name), value, is_secret_header(name)


def _unset(path: Path, refs: Sequence[Reference], env: Mapping[str, str]) -> Iterator[Finding]:
    """``--require-env``: every variable referenced without a default must be set."""
    for ref in refs:
        if isinstance(ref, EnvRef) and ref.name not in env and ref.default is None:
            detail = f": {ref.required_message}" if ref.required_message else ""
            message = f"environment variable {ref.name} is not set{detail}"
            yield Finding(path, "error", "env-unset", message)


def _literal(path: Path, raw: str, refs: Sequence[Reference], is_key: bool) -> Iterator[Finding]:
    """A value that holds no reference although it should: a shell-style or bare variable
    name, a literal secret, characters a literal key may not have."""
    what = f"header '{path[-1]}'" if path[2] == "headers" else str(path[2])
    unbraced = list(_unbraced(path, raw, what, is_key))
    yield from unbraced
    if is_key and not refs and raw and not unbraced:
        yield Finding(
            path,
            "warning",
            "literal-secret",
            f"{what} holds a literal secret; reference it as ${{VAR}} and keep "
            "the value out of Git",
        )
    if path[2] == "api_key" and not refs:
        yield from _key_characters(path, raw)


def rule_secrets(pf: ProvidersFile, options: RuleOptions) -> Iterator[Finding]:
    env = options.env or {}
    for i, provider in enumerate(pf.providers):
        values = list(_secret_values(provider, i))
        if provider.base_url is not None:
            values.append((_p(i, "base_url"), provider.base_url, False))
        require_env = options.require_env and (
            not options.env_tags or carries(provider, options.env_tags)
        )
        for path, raw, is_key in values:
            try:
                refs = references(raw)
            except EnvSyntaxError as exc:
                yield Finding(path, "error", "env-syntax", str(exc), offset=exc.offset)
                continue
            if require_env:
                yield from _unset(path, refs, env)
            yield from _literal(path, raw, refs, is_key)


#: ``$NAME`` outside ``${...}`` (``$$`` and ``${`` are consumed first, so they never match)
_DOLLAR = re.compile(r"\$\$|\$\{|\$([A-Za-z_][A-Za-z0-9_]*)")
#: a whole value that looks like a variable name: OPENAI_API_KEY
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _unbraced(path: Path, raw: str, what: str, is_key: bool) -> Iterator[Finding]:
    """``$OPENAI_API_KEY`` (shell style), or a bare ``OPENAI_API_KEY`` as a key, is a literal
    value here, which is never what was meant: say which reference was."""
    # only the names are shown: the rest of the value may be a literal secret
    names = list(dict.fromkeys(m.group(1) for m in _DOLLAR.finditer(raw) if m.group(1)))
    if names:
        found = ", ".join(f"'${n}'" for n in names)
        meant = ", ".join(f"'${{{n}}}'" for n in names)
        yield Finding(
            path,
            "error",
            "env-unbraced",
            f"{what}: {found} is taken literally (only ${{...}} is a reference); "
            f"did you mean {meant}?",
        )
    elif is_key and _VARIABLE_NAME.fullmatch(raw):
        yield Finding(
            path,
            "warning",
            "env-unbraced",
            f"{what}: '{raw}' looks like a variable name but is taken as the literal key; "
            f"did you mean '${{{raw}}}'?",
        )


def _key_characters(path: Path, key: str) -> Iterator[Finding]:
    if key_splits(key):
        yield Finding(
            path,
            "error",
            "key-chars",
            "api_key contains a comma or whitespace, which the app treats as a key "
            "separator; list several keys as a YAML list instead",
        )
    elif any(c in key for c in "&=+"):
        yield Finding(
            path,
            "warning",
            "key-chars",
            "api_key contains '&', '=' or '+', which broke model fetching in some app releases",
        )


def rule_headers(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        for name in provider.headers or {}:
            if not _HEADER_NAME.match(name):
                yield Finding(
                    _p(i, "headers", name),
                    "error",
                    "header-name",
                    f"'{name}' is not a valid HTTP header name",
                    at_key=True,
                )


def _quoted(field: str, value: str) -> str:
    """A field's value in a message: never a key, and a base URL as every message shows one
    (its password and query may be secrets)."""
    if field == "api_key":
        return "(a secret)"
    return f"'{baseurl.display_url(value) if field == 'base_url' else value}'"


def rule_deeplink_chars(pf: ProvidersFile, _: RuleOptions) -> Iterator[Finding]:
    for i, provider in enumerate(pf.providers):
        fields: list[tuple[str, str | None]] = [
            ("id", provider.id),
            ("name", provider.name),
            ("base_url", provider.base_url),
        ]
        fields += [
            ("api_key", k) for k in provider.api_keys[:1] if isinstance(provider.api_key, str)
        ]
        for name, value in fields:
            bad = sorted({c for c in (value or "") if c in DEEPLINK_UNSAFE})
            if bad:
                shown = _quoted(name, value or "")
                listed = ", ".join(repr(c) for c in bad)
                yield Finding(
                    _p(i, name),
                    "warning",
                    "deeplink-chars",
                    f"{name} {shown} contains {listed}, which a deep link cannot carry "
                    "(the Cherry Studio 1.x handler rewrites or breaks on it)",
                )


RULES: tuple[Rule, ...] = (
    rule_unique_providers,
    rule_provider_id,
    rule_models,
    rule_base_url,
    rule_azure,
    rule_secrets,
    rule_headers,
    rule_deeplink_chars,
)


def check_semantics(pf: ProvidersFile, options: RuleOptions) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(pf, options)]
