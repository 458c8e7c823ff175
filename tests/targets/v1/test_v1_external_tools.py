"""Cross-checks with other implementations: Node (the app's runtime) and Info-ZIP.

Skipped when the tool is missing. Node parses the patched ``data.json`` as the app's restore does
and checks the deep-link decoding in JavaScript; Info-ZIP writes a backup with its own extra
fields and tests the zip cherrysync writes.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cherrysync.samples.v1backup import data_json, js
from cherrysync.targets.deeplink import PREFIX, build
from cherrysync.targets.v1.target import BackupTarget
from v1fixtures import resolved

NODE = shutil.which("node")
ZIP, UNZIP = shutil.which("zip"), shutil.which("unzip")

RESTORE_JS = r"""
const fs = require('fs');
const [oldPath, newPath] = process.argv.slice(2);
const oldDoc = JSON.parse(fs.readFileSync(oldPath, 'utf8'));
const newDoc = JSON.parse(fs.readFileSync(newPath, 'utf8'));
const key = 'persist:cherry-studio';
const oldState = JSON.parse(oldDoc.localStorage[key]);
const newState = JSON.parse(newDoc.localStorage[key]);
const problems = [];
for (const [name, text] of Object.entries(oldState)) {
  if (name !== 'llm' && newState[name] !== text) problems.push('slice ' + name);
}
const llm = newState.llm;
if (JSON.stringify(JSON.parse(llm)) !== llm) problems.push('llm is not JSON.stringify output');
const oldLlm = JSON.parse(oldState.llm), newLlm = JSON.parse(llm);
for (const k of Object.keys(oldLlm)) {
  const same = JSON.stringify(oldLlm[k]) === JSON.stringify(newLlm[k]);
  if (k !== 'providers' && !same) problems.push('llm.' + k);
}
const sameDb = JSON.stringify(oldDoc.indexedDB) === JSON.stringify(newDoc.indexedDB);
if (!sameDb) problems.push('indexedDB');
console.log(JSON.stringify({problems, ids: newLlm.providers.map(p => p.id)}));
"""

HANDLER_JS = r"""
// The 1.x handler (main process), then the settings page it navigates to (renderer):
// swap +/ in the query, parse it, swap back, decode, mangle ' and (), parse, re-serialise,
// paste into a single-quoted script string run in the window, read the query there, parse.
const vm = require('vm');
const url = new URL(process.argv[2]);
const search = url.search.replaceAll('+', '_').replaceAll('/', '-');
const data = new URLSearchParams(search).get('data').replaceAll('_', '+').replaceAll('-', '/');
let text = Buffer.from(data, 'base64').toString('utf-8');
text = text.replaceAll("'", '"').replaceAll('(', '').replaceAll(')', '');
const serialised = JSON.stringify(JSON.parse(text));
const query = encodeURIComponent(serialised);
const script = `window.navigate('/settings/provider?addProviderData=${query}')`;
let target = null;
vm.runInNewContext(script, {window: {navigate: (to) => { target = to; }}});
const received = new URLSearchParams(target.slice(target.indexOf('?'))).get('addProviderData');
console.log(JSON.stringify(JSON.parse(received)));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_restores_the_patched_backup(tmp_path: Path) -> None:
    from cherrysync.samples.v1backup import write_backup

    backup = write_backup(tmp_path / "b.zip")
    BackupTarget(backup).apply(resolved(), prune=False)
    for name, path in (("old", backup), ("new", tmp_path / "b.cherrysync.zip")):
        with zipfile.ZipFile(path) as zf:
            (tmp_path / f"{name}.json").write_bytes(zf.read("data.json"))
    script = tmp_path / "restore.js"
    script.write_text(RESTORE_JS)
    result = subprocess.run(
        [str(NODE), str(script), str(tmp_path / "old.json"), str(tmp_path / "new.json")],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert report["ids"][:2] == ["relay", "azure-eu"]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_decodes_the_deep_links(tmp_path: Path) -> None:
    env = {"RELAY_KEY": "sk->>>???~~~+/=&", "RELAY_KEY_2": "x", "AZ_KEY": "a" * 61}
    for provider in resolved(env=env):
        link = build(provider)
        assert link.url is not None
        result = _node_handler(tmp_path, link.url)
        assert result.returncode == 0, result.stderr
        decoded = json.loads(result.stdout)
        assert decoded == {
            "id": provider.id,
            "baseUrl": provider.base_url,
            "apiKey": provider.api_keys[0].reveal(),
            "name": provider.spec.name,
            "type": provider.spec.type,
        }


def _node_handler(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "handler.js"
    script.write_text(HANDLER_JS)
    return subprocess.run([str(NODE), str(script), url], capture_output=True, text=True)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_parentheses_arrive_exactly_and_a_quote_cannot(tmp_path: Path) -> None:
    from cherrysync.targets.deeplink import encode

    payload = {
        "id": "acme-eu",
        "baseUrl": "https://relay.example.com/(eu)/",
        "apiKey": "sk-(1)",
        "name": "ACME (EU) ((x))",
        "type": "openai",
    }
    result = _node_handler(tmp_path, encode(payload))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == payload
    # a quote cannot travel: raw it becomes '"' (broken JSON); escaped it breaks the script
    for name in ("Bob's", r"Bob\u0027s"):
        text = '{"id":"bob","baseUrl":"https://x.example/","apiKey":"k","name":"' + name + '"}'
        data = base64.b64encode(text.encode()).decode()
        broken = _node_handler(tmp_path, PREFIX + data.replace("+", "_").replace("/", "-"))
        assert broken.returncode != 0 and "SyntaxError" in broken.stderr
    assert build(_relay(name="Bob's")).url is None


def _relay(**spec: str) -> Any:
    provider = next(p for p in resolved() if p.id == "relay")
    return dataclasses.replace(provider, spec=dataclasses.replace(provider.spec, **spec))


@pytest.mark.skipif(ZIP is None or UNZIP is None, reason="Info-ZIP is not installed")
def test_info_zip_backup_round_trips(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "Data" / "Files").mkdir(parents=True)
    (tree / "Data" / "Files" / "a.txt").write_text("hello " * 1000)
    (tree / "Data" / "Files" / "b.bin").write_bytes(bytes(range(256)) * 64)
    (tree / "data.json").write_text(js(data_json()), encoding="utf-8")
    backup = tmp_path / "info.zip"
    subprocess.run(
        [str(ZIP), "-q", "-r", "-1", str(backup), "data.json", "Data"], cwd=tree, check=True
    )
    BackupTarget(backup).apply(resolved(), prune=False)
    out = tmp_path / "info.cherrysync.zip"
    tested = subprocess.run([str(UNZIP), "-t", str(out)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    with zipfile.ZipFile(backup) as a, zipfile.ZipFile(out) as b:
        for old in a.infolist():
            new = b.getinfo(old.filename)
            if old.filename != "data.json":
                assert (new.extra, new.external_attr, new.CRC) == (
                    old.extra,
                    old.external_attr,
                    old.CRC,
                )
