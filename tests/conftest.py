"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from cherrysync.strict import converter, field_specs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def fresh_converters() -> None:
    """strict.py builds each type's converter once and caches it; a test using this builds them
    anew, so mutation testing (mutmut forks test runs after the cache is warm) also runs the
    builders with each mutant in place."""
    converter.cache_clear()
    field_specs.cache_clear()


# CI runs a fixed, reproducible set of examples; locally each run explores new ones.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    settings.load_profile("ci")
