"""``--target auto``: the app's relocation rules (reference §1.2) on every OS's layout."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cherrysync.cli import main
from cherrysync.targets.base import TargetError
from cherrysync.targets.open import open_target
from cherrysync.targets.v2.datadir import Located, locate_data_folders
from cherrysync.targets.v2.target import DatabaseTarget
from v2fixtures import build_data_folder, write_file

LAYOUTS = [
    ("linux", {}, Path(".config/CherryStudio"), "Linux"),
    ("linux", {"XDG_CONFIG_HOME": "{home}/xdg"}, Path("xdg/CherryStudio"), "Linux"),
    ("darwin", {}, Path("Library/Application Support/CherryStudio"), "macOS"),
    (
        "win32",
        {"APPDATA": "{home}/AppData/Roaming"},
        Path("AppData/Roaming/CherryStudio"),
        "Windows",
    ),
]


def _env(env: dict[str, str], home: Path) -> dict[str, str]:
    return {k: v.format(home=home) for k, v in env.items()}


def _boot_config(home: Path, value: object, name: str = "boot-config.json") -> None:
    folder = home / ".cherrystudio"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps({"app.user_data_path": value, "app.other": 1}))


def _v1_config(home: Path, value: object) -> None:
    folder = home / ".cherrystudio" / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"appDataPath": value}))


@pytest.mark.parametrize(("platform", "env", "default", "os_name"), LAYOUTS)
def test_defaults_per_os(
    tmp_path: Path, platform: str, env: dict[str, str], default: Path, os_name: str
) -> None:
    located = locate_data_folders(platform, _env(env, tmp_path), tmp_path)
    assert [loc.folder for loc in located] == [tmp_path / default]
    assert located[0].rule.startswith(f"the default data folder on {os_name}")


@pytest.mark.parametrize(("platform", "env", "default", "os_name"), LAYOUTS)
def test_boot_config_map_entries_that_exist(
    tmp_path: Path, platform: str, env: dict[str, str], default: Path, os_name: str
) -> None:
    moved = tmp_path / "D" / "CherryData"
    moved.mkdir(parents=True)
    exe = {
        "win32": "C:\\Program Files\\Cherry Studio\\Cherry Studio.exe",
        "darwin": "/Applications/Cherry Studio.app/Contents/MacOS/Cherry Studio",
        "linux": "/opt/apps/cherry-studio.appimage",
    }[platform]
    _boot_config(tmp_path, {exe: str(moved), "/gone/cherry-studio": str(tmp_path / "gone")})
    located = locate_data_folders(platform, _env(env, tmp_path), tmp_path)
    assert located == [
        Located(moved, f"app.user_data_path in ~/.cherrystudio/boot-config.json (for {exe})")
    ]
    second = tmp_path / "portable" / "data"
    second.mkdir(parents=True)
    _boot_config(tmp_path, {exe: str(moved), "E:\\cherry-studio-portable.exe": str(second)})
    assert [loc.folder for loc in locate_data_folders(platform, {}, tmp_path)] == [moved, second]


def test_rules_fall_through_in_order(tmp_path: Path) -> None:
    default = tmp_path / ".config" / "CherryStudio"
    _boot_config(tmp_path, {"/opt/a": str(tmp_path / "missing")})
    v1 = tmp_path / "v1data"
    _v1_config(tmp_path, str(v1))
    assert [loc.folder for loc in locate_data_folders("linux", {}, tmp_path)] == [default]
    v1.mkdir()
    located = locate_data_folders("linux", {}, tmp_path)
    assert located == [Located(v1, "appDataPath in ~/.cherrystudio/config/config.json")]
    listed = [{"executablePath": "/opt/x", "dataPath": str(v1)}, {"dataPath": str(tmp_path)}]
    _v1_config(tmp_path, listed)
    rules = [loc.rule for loc in locate_data_folders("linux", {}, tmp_path)]
    assert rules == [
        "appDataPath in ~/.cherrystudio/config/config.json (for /opt/x)",
        "appDataPath in ~/.cherrystudio/config/config.json (for any executable)",
    ]
    (tmp_path / "missing").mkdir()
    assert [loc.folder for loc in locate_data_folders("linux", {}, tmp_path)] == [
        tmp_path / "missing"
    ]


def test_older_shapes_other_homes_and_junk(tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    moved.mkdir()
    _boot_config(tmp_path, str(moved))
    assert locate_data_folders("linux", {}, tmp_path)[0].folder == moved
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "boot-config.json").write_text(json.dumps({"app": {"user_data_path": str(moved)}}))
    assert locate_data_folders("linux", {"CHERRY_HOME": str(other)}, tmp_path)[0].folder == moved
    default = [tmp_path / ".config" / "CherryStudio"]
    for junk in ("{", "[" * 100_000, json.dumps({"app.user_data_path": 5}), " " * (2 << 20)):
        (tmp_path / ".cherrystudio" / "boot-config.json").write_text(junk)
        assert [loc.folder for loc in locate_data_folders("linux", {}, tmp_path)] == default
    _boot_config(tmp_path, {"/opt/a": str(moved)}, name="another.json")
    assert [loc.folder for loc in locate_data_folders("linux", {}, tmp_path)] == default


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, v2_env: dict[str, str]) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("CHERRY_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    return tmp_path


def test_auto_opens_what_the_rules_find(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TargetError, match=r"no Cherry Studio data found: .*does not exist"):
        open_target("auto")
    default = home / ".config" / "CherryStudio"
    default.mkdir(parents=True)
    with pytest.raises(TargetError, match=r"holds neither a Cherry Studio 2\.x database"):
        open_target("auto")
    db = build_data_folder(default)
    target = open_target("auto")
    assert isinstance(target, DatabaseTarget) and target.path == db
    moved = build_data_folder(home / "D" / "Cherry")
    _boot_config(home, {"/opt/cherry/cherry-studio": str(home / "D" / "Cherry")})
    target = open_target("auto")
    assert isinstance(target, DatabaseTarget) and target.path == moved
    file = str(write_file(home))
    assert main(["plan", file, "--target", "auto", "-v"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Found Cherry Studio 2.x database at {moved}")
    assert out[1] == (
        "  located by app.user_data_path in ~/.cherrystudio/boot-config.json "
        "(for /opt/cherry/cherry-studio)"
    )
    assert main(["plan", file, "--target", "auto", "-q"]) == 0
    assert "Found" not in capsys.readouterr().out
    build_data_folder(home / "E" / "Cherry")
    _boot_config(home, {"/opt/a": str(home / "D" / "Cherry"), "/opt/b": str(home / "E" / "Cherry")})
    with pytest.raises(TargetError, match=r"several folders: .*D/Cherry .*/opt/a.*E/Cherry"):
        open_target("auto")


def test_auto_finds_a_live_1x_installation(home: Path) -> None:
    from leveldb_support import plyvel_or_skip

    plyvel_or_skip()
    from cherrysync.samples.v1localstorage import build_profile

    build_profile(home / ".config" / "CherryStudio")
    target = open_target("auto")
    assert target.found.what == "Cherry Studio 1.x installation"
    assert target.found.refusal is not None
    assert [p.name for p in target.read_custom_providers()] == ["Home vLLM (GPU) ✓"]
