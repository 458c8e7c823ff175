"""Turn a validated providers file into concrete values for commands that use them.

Check, plan, apply and export need real keys and URLs; validate never does. An unset variable
without a default is an error naming the variable and its position; the literal ``${...}`` text is
never passed on as a value.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path as FilePath

from cherrysync import baseurl
from cherrysync.diagnostics import Diagnostic, Severity
from cherrysync.load.yamldoc import Path, Position, YamlDocument
from cherrysync.model import ModelSpec, Provider, ProvidersFile
from cherrysync.secrets import (
    EnvRef,
    EnvSyntaxError,
    Secret,
    SecretLookupError,
    StoreReader,
    UnsetVariableError,
    interpolate,
    references,
)

#: printable ASCII without spaces or commas: what the app's key rotation and HTTP both accept
_KEY_CHARS = re.compile(r"[!-+\--~]+")
#: a header value: printable ASCII and tabs/spaces inside
_HEADER_VALUE = re.compile(r"[\t -~]*")


@dataclass(frozen=True)
class ResolvedProvider:
    """A provider with its references substituted. Keys and header values stay secret."""

    spec: Provider
    index: int
    id: str
    base_url: str | None
    api_keys: tuple[Secret, ...]
    headers: dict[str, Secret] = field(default_factory=dict)

    @cached_property
    def models(self) -> list[ModelSpec]:
        """Built once: plan and apply walk them several times (10,000 models cost 0.1 s each)."""
        return self.spec.model_specs

    def secrets(self) -> list[Secret]:
        """Every secret this provider carries, for redaction of anything printed."""
        return [*self.api_keys, *self.headers.values()]


def _anchor_ca_bundle(spec: Provider, file: str, main: str) -> Provider:
    """``check.ca_bundle`` as an absolute path: a relative one is relative to the file that set
    it (an overlay's to the overlay), wherever the command runs from."""
    bundle = spec.check_options.ca_bundle
    if bundle is None:
        return spec
    file = file or main
    path = FilePath(bundle).expanduser()
    if path.is_absolute():
        return spec
    anchored = str((FilePath(file).parent / path).resolve())
    check = replace(spec.check_options, ca_bundle=anchored)
    return replace(spec, check=check)


class _Resolver:
    def __init__(
        self,
        filename: str,
        document: YamlDocument | None,
        env: Mapping[str, str],
        read_store: StoreReader | None = None,
    ):
        self.filename = filename
        self.document = document
        self.env = env
        self.read_store = read_store
        self.diagnostics: list[Diagnostic] = []

    def value(self, text: str, path: Path) -> str | None:
        try:
            return interpolate(text, self.env, self.read_store)
        except UnsetVariableError as exc:
            self.report(path, "error", "env-unset", str(exc))
        except EnvSyntaxError as exc:
            self.report(path, "error", "env-syntax", str(exc))
        except SecretLookupError as exc:
            self.report(path, "error", "secret-read", str(exc))
        return None

    def empty(self, raw: str, resolved: str | None, path: Path, consequence: str) -> bool:
        """Report a value that came out empty because a ``${VAR}`` without a default is set
        to an empty string (a key that silently vanished); True when reported."""
        if resolved != "":
            return False
        names = [
            r.name
            for r in references(raw)
            if isinstance(r, EnvRef) and r.default is None and self.env.get(r.name) == ""
        ]
        if not names:
            return False
        listed = ", ".join(names)
        self.report(
            path,
            "error",
            "env-empty",
            f"{listed} is set but empty, so {consequence}; set it, or write "
            f"${{{names[0]}:-}} where an empty value is meant",
        )
        return True

    def position(self, path: Path) -> Position:
        return self.document.position(path) if self.document else Position(1, 1, 1)

    def report(self, path: Path, severity: Severity, rule: str, message: str) -> None:
        pos = self.position(path)
        self.diagnostics.append(
            Diagnostic(pos.file or self.filename, pos.line, pos.column, severity, rule, message)
        )

    def provider(self, index: int, spec: Provider) -> ResolvedProvider:
        base = ("providers", index)
        spec = _anchor_ca_bundle(spec, self.position((*base, "check")).file, self.filename)
        base_url = spec.effective_base_url
        if spec.base_url is not None:
            base_url = self.value(spec.base_url, (*base, "base_url"))
            if self.empty(spec.base_url, base_url, (*base, "base_url"), "base_url would be empty"):
                base_url = None
            elif base_url is not None and base_url != spec.base_url:
                # a value from the environment gets the checks validate gave the literal text
                try:
                    baseurl.parse(base_url, f"{spec.base_url} (as set in the environment)")
                except baseurl.UrlError as exc:
                    self.report((*base, "base_url"), "error", exc.rule, exc.message)
                    base_url = None
        keys: list[Secret] = []
        for k, raw in enumerate(spec.api_keys):
            path: Path = (
                (*base, "api_key", k) if isinstance(spec.api_key, list) else (*base, "api_key")
            )
            resolved = self.value(raw, path)
            if self.empty(raw, resolved, path, "the provider would have no key"):
                continue
            if resolved and not _KEY_CHARS.fullmatch(resolved):
                source = f"the key from {raw}" if raw != resolved else "the key"
                self.report(
                    path,
                    "error",
                    "key-chars",
                    f"{source} contains whitespace, a comma, a control or non-ASCII "
                    "character; the app splits or rejects such keys",
                )
                continue
            if resolved and Secret(resolved) in keys:
                self.report(
                    path,
                    "warning",
                    "duplicate-key-value",
                    f"api_key[{k}] has the same value as an earlier key; it is used once",
                )
            elif resolved:
                keys.append(Secret(resolved))
        headers: dict[str, Secret] = {}
        for name, raw in (spec.headers or {}).items():
            resolved = self.value(raw, (*base, "headers", name))
            if resolved is not None and not _HEADER_VALUE.fullmatch(resolved):
                self.report(
                    (*base, "headers", name),
                    "error",
                    "header-value",
                    f"header {name} has a line break, control or non-ASCII character, which "
                    "HTTP headers cannot carry",
                )
                continue
            if resolved is not None:
                headers[name] = Secret(resolved)
        return ResolvedProvider(spec, index, spec.provider_id, base_url, tuple(keys), headers)


def resolve_providers(
    providers_file: ProvidersFile,
    env: Mapping[str, str],
    *,
    filename: str = "providers.yaml",
    document: YamlDocument | None = None,
    only: Collection[str] | None = None,
    read_store: StoreReader | None = None,
) -> tuple[list[ResolvedProvider], list[Diagnostic]]:
    """Resolve every provider (or those ``only`` names by id or name).

    Diagnostics list each unset variable and unreadable secret at its position; a provider left
    out by ``only`` needs none of its variables or secrets, so checking one provider never
    requires every team's keys. ``read_store`` reads keychain and 1Password references.
    """
    resolver = _Resolver(filename, document, env, read_store)
    resolved = [
        resolver.provider(i, p)
        for i, p in enumerate(providers_file.providers)
        if only is None or p.provider_id in only or p.name in only
    ]
    return resolved, resolver.diagnostics
