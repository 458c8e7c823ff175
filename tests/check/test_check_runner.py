"""The runner's count of expected results agrees with what a real run reports."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from check_support import provider
from cherrysync.check.runner import Runner, Settings, expected_results, skip_reason
from cherrysync.resolve import ResolvedProvider, resolve_providers
from cherrysync.validate.pipeline import validate_text
from emulators import OpenAIEmulator

KEYS = {"K1": "sk-runner-first-0123456789", "K2": "sk-runner-second-0123456789"}


def resolved(entries: list[dict[str, Any]], env: dict[str, str]) -> list[ResolvedProvider]:
    """Providers as the runner receives them; resolution problems are left to the runner."""
    validated = validate_text(json.dumps({"version": 1, "providers": entries}), "p.yaml")
    assert validated.model is not None, validated.diagnostics
    providers, _ = resolve_providers(validated.model, env)
    return providers


@pytest.mark.parametrize("include_disabled", [False, True])
def test_expected_results_count_what_a_run_reports(include_disabled: bool) -> None:
    with OpenAIEmulator(list(KEYS.values()), ["gpt-4o", "gpt-4o-mini"]) as emu:
        providers = resolved(
            [
                provider("two-keys", "openai", emu.url, ["gpt-4o", "gpt-4o-mini"], "K1", "K2"),
                provider("no-key", "openai", emu.url, ["gpt-4o"]),
                provider(
                    "off", "openai", emu.url, ["gpt-4o", "gpt-x", "gpt-y"], "K1", enabled=False
                ),
                provider("skipped", "openai", emu.url, ["gpt-4o"], "K1", check={"skip": True}),
                provider("bad-url", "openai", "${BAD_URL}", ["gpt-4o"], "K1"),
            ],
            {**KEYS, "BAD_URL": "ftp://not-http"},
        )
        settings = Settings(timeout=2, retries=0, include_disabled=include_disabled)
        results = asyncio.run(Runner(settings).run(providers))
    off = [r for r in results if r.provider == "off"]
    assert len(off) == (4 if include_disabled else 1)
    assert [r.status for r in results if r.provider == "bad-url"] == ["wrong_base_url"]
    assert expected_results(providers, settings) == len(results)
    assert len(results) == 2 * 3 + 2 + len(off) + 1 + 1


def test_skip_reason_names_why() -> None:
    providers = resolved(
        [
            provider("off", "openai", "http://127.0.0.1:9/v1/", ["m"], enabled=False),
            provider("skipped", "openai", "http://127.0.0.1:9/v1/", ["m"], check={"skip": True}),
        ],
        {},
    )
    assert [skip_reason(p, Settings()) for p in providers] == [
        "provider is disabled (enabled: false); name it with --provider to check",
        "check.skip is set",
    ]
    assert skip_reason(providers[0], Settings(include_disabled=True)) is None
