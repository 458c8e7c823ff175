""" "Did you mean" for the spellings people bring from other tools, and for case-only mistakes.

A providers file is often written from memory of another tool's config: LiteLLM's ``api_base``,
the app's own ``apiHost``/``apiKey``, OpenAI SDKs' ``baseURL``, aider's ``api_key_env``. Edit
distance alone points ``api_base`` at ``api_key``; this table points each at the field that
means the same here. The structure checker asks :func:`key_hint` and :func:`value_hint`.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

#: spellings from other tools -> our field(s), first one that exists where the key was found
#: (``model_id`` in a provider means its ``models``; in a model, its ``id``)
FOREIGN_KEYS: dict[str, str | tuple[str, ...]] = {
    "api_base": "base_url",
    "apibase": "base_url",
    "apihost": "base_url",
    "api_host": "base_url",
    "api_url": "base_url",
    "baseurl": "base_url",
    "base_uri": "base_url",
    "endpoint": "base_url",
    "host": "base_url",
    "url": "base_url",
    "apikey": "api_key",
    "api_keys": "api_key",
    "key": "api_key",
    "token": "api_key",
    "api_key_env": "api_key",
    "api_key_env_var": "api_key",
    "key_env": "api_key",
    "apiversion": "api_version",
    "models_list": "models",
    "model_list": "models",
    "model_ids": "models",
    "modelid": ("models", "id"),
    "model_id": ("models", "id"),
    "model": ("models", "id"),
    "modelname": ("models", "id"),
    "display_name": "name",
    "displayname": "name",
    "label": "name",
    "provider_type": "type",
    "providertype": "type",
    "kind": "type",
    "extra_headers": "headers",
    "default_headers": "headers",
    "extraheaders": "headers",
    "disabled": "enabled",
    "enable": "enabled",
    "isenabled": "enabled",
    "description": "notes",
    "endpointtype": "endpoint_type",
    "endpoint_types": "endpoint_type",
    "supported_endpoint_types": "endpoint_type",
    "provider": "providers",
}
_VARIABLE = re.compile(r"\$?\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\}?")  # OPENAI_API_KEY, never a key


def _normal(key: str) -> str:
    """``baseURL``, ``base-url`` and ``Base_Url`` all read ``baseurl``."""
    return key.replace("-", "").replace("_", "").lower()


def key_hint(key: str, known: list[str], value: Any = None) -> str | None:
    """The field ``key`` most likely means, worded as the end of an "unknown key" message."""
    mapped = FOREIGN_KEYS.get(key) or FOREIGN_KEYS.get(_normal(key)) or ()
    candidates = [mapped] if isinstance(mapped, str) else list(mapped)
    candidates += [k for k in known if _normal(k) == _normal(key)]
    target = next((c for c in candidates if c in known), None)
    if target is None:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else None
    if target == "api_key" and "env" in key.lower():
        match = _VARIABLE.fullmatch(value) if isinstance(value, str) else None
        name = match.group(1) if match else "VAR"
        return f"did you mean 'api_key: ${{{name}}}'? (a reference names the variable)"
    if target == "enabled" and _normal(key) == "disabled":
        return "did you mean 'enabled: false'?"
    return f"did you mean '{target}'?"


def value_hint(value: Any, options: list[str]) -> str | None:
    """The option ``value`` means: the same word in other case first, then the closest one."""
    if not isinstance(value, str):
        return None
    same_case = [o for o in options if o.lower() == value.lower()]
    if same_case:
        return f"did you mean '{same_case[0]}'? (values are case-sensitive)"
    close = difflib.get_close_matches(value, options, n=1)
    return f"did you mean '{close[0]}'?" if close else None
