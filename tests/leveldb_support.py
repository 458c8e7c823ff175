"""plyvel for the tests: the test extra installs it wherever a wheel exists, and there it must
import (so CI never skips the LevelDB tests); elsewhere those tests are skipped."""

from __future__ import annotations

import importlib
import platform
import sys
from types import ModuleType

import pytest

HAS_WHEEL = (
    sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info < (3, 13)
)


def plyvel_or_skip() -> ModuleType:
    if HAS_WHEEL:
        return importlib.import_module("plyvel")
    return pytest.importorskip("plyvel", reason="plyvel has no wheel for this platform")
