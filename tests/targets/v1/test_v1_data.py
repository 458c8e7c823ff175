"""``data.json`` splicing: only the ``llm`` slice's text changes, whatever the layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cherrysync.samples.v1backup import PERSIST_KEY, data_json, persist_state, write_backup
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1.backupdata import js_json, parse_backup
from cherrysync.targets.v1.target import BackupTarget
from v1fixtures import spliced_file


@pytest.mark.parametrize("indent", [None, 2, "\t"])
def test_patch_touches_only_the_llm_slice(indent: Any) -> None:
    doc = data_json()
    text = json.dumps(doc, indent=indent, ensure_ascii=indent is None).encode()
    data = parse_backup(text)
    new_providers = [{"id": "x", "models": []}, *data.providers]
    patched = spliced_file(data, text, new_providers)
    # outside the persist string: identical bytes
    start, end = data.persist_span
    assert patched[:start] == text[:start]
    assert patched[len(patched) - (len(text) - end) :] == text[end:]
    # inside: every slice but llm keeps its exact string, llm only changes providers
    old = json.loads(json.loads(text)["localStorage"][PERSIST_KEY])
    new = json.loads(json.loads(patched)["localStorage"][PERSIST_KEY])
    assert list(new) == list(old)
    assert {k: v for k, v in new.items() if k != "llm"} == {
        k: v for k, v in old.items() if k != "llm"
    }
    llm_old, llm_new = json.loads(old["llm"]), json.loads(new["llm"])
    assert llm_new.pop("providers") == new_providers
    llm_old.pop("providers")
    assert llm_new == llm_old


def test_js_json_matches_json_stringify() -> None:
    assert js_json('a\u2028"\\\n\x01é🍒') == '"a\u2028\\"\\\\\\n\\u0001é🍒"'
    assert js_json("lone \ud800 surrogate") == '"lone \\ud800 surrogate"'
    assert js_json({"a": [1, 2.5, None, True]}) == '{"a":[1,2.5,null,true]}'


def test_duplicate_keys_follow_json_parse(tmp_path: Path) -> None:
    persist = json.dumps(persist_state(), separators=(",", ":"))
    text = (
        '{"time":1,"version":5,"localStorage":{"persist:cherry-studio":"{}",'
        f'"persist:cherry-studio":{json.dumps(persist)}}},"indexedDB":{{}}}}'
    )
    data = parse_backup(text)
    assert any(p.get("id") == "openai" for p in data.providers)
    assert json.loads(spliced_file(data, text.encode(), []))["localStorage"][PERSIST_KEY] != "{}"


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cherrysync.targets.v1 import backupzip as v1zip
    from v1fixtures import resolved

    backup = write_backup(tmp_path / "b.zip")

    def broken(self: Any, comment: bytes = b"") -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(v1zip.ZipStreamWriter, "close", broken)
    with pytest.raises(TargetError, match="No space left"):
        BackupTarget(backup).apply(resolved(), prune=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]


def test_output_folder_must_exist(tmp_path: Path) -> None:
    from v1fixtures import resolved

    backup = write_backup(tmp_path / "b.zip")
    with pytest.raises(TargetError, match="does not exist") as info:
        BackupTarget(backup, out=tmp_path / "nope" / "x.zip").apply(resolved(), prune=False)
    assert info.value.code == 2
