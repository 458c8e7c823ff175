"""The app's files nest within :data:`~cherrysync.appfacts.APP_JSON_DEPTH`, or a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cherrysync.samples.v1backup import data_json, js, persist_state, write_backup
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1.target import BackupTarget


def test_deep_backups_are_clear_errors(tmp_path: Path) -> None:
    doc = data_json(indexedDB={"topics": "PLACEHOLDER"})
    text = js(doc).replace('"PLACEHOLDER"', "[" * 50_000 + "]" * 50_000)
    write_backup(tmp_path / "top.zip", raw_data_json=text.encode())
    with pytest.raises(TargetError, match="nested deeper than 256 levels"):
        BackupTarget(tmp_path / "top.zip").plan([], prune=False)
    persist = persist_state()
    llm = json.loads(persist["llm"]) | {"x": "PLACEHOLDER"}
    persist["llm"] = js(llm).replace('"PLACEHOLDER"', "[" * 10_000 + "]" * 10_000)
    write_backup(tmp_path / "llm.zip", data_json(persist))
    with pytest.raises(TargetError, match=r"'llm' slice .*deeper than 256"):
        BackupTarget(tmp_path / "llm.zip").plan([], prune=False)
