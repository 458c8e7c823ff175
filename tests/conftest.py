"""Shared test helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from cherrysync.strict import converter, field_specs
from v2fixtures import ENV as V2_ENV
from v2fixtures import build_data_folder

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


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The worst umask a user can have (nothing masked), for tests of files that must be private."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def v2_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The variables the v2 providers file (v2fixtures.FILE) reads, set for this test only.

    A test module that runs the CLI on that file throughout opts in with
    ``pytestmark = pytest.mark.usefixtures("v2_env")``.
    """
    for name, value in V2_ENV.items():
        monkeypatch.setenv(name, value)
    return V2_ENV


@pytest.fixture
def v2_folder(tmp_path: Path, v2_env: dict[str, str]) -> Path:
    """A current 2.x data folder (``tmp_path/CherryStudio``), with :func:`v2_env` set."""
    folder = tmp_path / "CherryStudio"
    build_data_folder(folder)
    return folder


# CI runs a fixed, reproducible set of examples; locally each run explores new ones.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    settings.load_profile("ci")
