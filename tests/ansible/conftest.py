"""The collection, built and installed once per session for every test of tests/ansible."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_support import install_collection


@pytest.fixture(scope="session")
def collections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collections path holding ansible_collections/cherrysync/cherrysync from ansible/."""
    return install_collection(tmp_path_factory.mktemp("galaxy"))
