"""Where the app keeps its data, and whether it is safe to write there (reference §1.2, §4.1,
§4.11): the data folder per OS and relocation, the two database locations, the running app and
a staged restore.

Functions take the platform, environment and home folder as arguments so every OS branch can be
tested on any machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH
from cherrysync.fileio import pid_running, read_regular_file

DB_NAME = "cherrystudio.sqlite"
BOOT_CONFIG = "boot-config.json"
MAX_CONFIG_BYTES = 1 << 20
APP_FOLDER = "CherryStudio"
WINDOWS_EXE = "Cherry Studio.exe"
RESTORE_JOURNAL = "restore-journal.json"
#: Restore states in which the app will swap the database at its next start.
PENDING_RESTORE_STATES = frozenset({"staged", "promoting"})


def default_data_folder(platform: str, env: Mapping[str, str], home: Path) -> Path:
    """The app's default ``{userData}`` on ``platform`` (``sys.platform`` values)."""
    if platform == "win32":
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / APP_FOLDER
    if platform == "darwin":
        return home / "Library" / "Application Support" / APP_FOLDER
    config = env.get("XDG_CONFIG_HOME")
    return (Path(config) if config else home / ".config") / APP_FOLDER


def _read_json(path: Path) -> Any:
    """A small JSON settings file, or None when absent, unreadable, too large or too deep."""
    try:
        raw = read_regular_file(path, MAX_CONFIG_BYTES)
        if len(raw) > MAX_CONFIG_BYTES:
            return None
        return boundedjson.loads(raw.decode("utf-8"), max_depth=APP_JSON_DEPTH)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Located:
    """A data folder and the rule that named it (shown with ``-v``)."""

    folder: Path
    rule: str


def _shown(path: Path, home: Path) -> str:
    try:
        return f"~/{path.relative_to(home).as_posix()}"
    except ValueError:
        return str(path)


def _boot_config_entries(path: Path, home: Path) -> list[Located]:
    """v2: ``"app.user_data_path"`` maps an executable path to a data folder (reference §1.2).

    Older shapes (one string, or a nested ``app`` object) are read too.
    """
    data = _read_json(path)
    if not isinstance(data, dict):
        return []
    value = data.get("app.user_data_path")
    app = data.get("app")
    if value is None and isinstance(app, dict):
        value = app.get("user_data_path") or app.get("userDataPath")
    rule = f"app.user_data_path in {_shown(path, home)}"
    if isinstance(value, str) and value:
        return [Located(Path(value).expanduser(), rule)]
    if not isinstance(value, dict):
        return []
    return [
        Located(Path(folder).expanduser(), f"{rule} (for {exe})")
        for exe, folder in value.items()
        if isinstance(folder, str) and folder
    ]


def _v1_config_entries(path: Path, home: Path) -> list[Located]:
    """v1: ``appDataPath``, a string or ``[{executablePath, dataPath}]``."""
    data = _read_json(path)
    value = data.get("appDataPath") if isinstance(data, dict) else None
    rule = f"appDataPath in {_shown(path, home)}"
    if isinstance(value, str) and value:
        return [Located(Path(value).expanduser(), rule)]
    if not isinstance(value, list):
        return []
    return [
        Located(
            Path(item["dataPath"]).expanduser(),
            f"{rule} (for {item.get('executablePath') or 'any executable'})",
        )
        for item in value
        if isinstance(item, dict) and isinstance(item.get("dataPath"), str) and item["dataPath"]
    ]


def _usable(folder: Path) -> bool:
    """The app uses a relocated folder only if it exists and is readable and writable."""
    return folder.is_dir() and os.access(folder, os.R_OK | os.W_OK)


def locate_data_folders(platform: str, env: Mapping[str, str], home: Path) -> list[Located]:
    """The data folders the app may use, by the first rule that names a usable one.

    1. the v2 BootConfig ``~/.cherrystudio/boot-config.json``: every entry of its
       ``app.user_data_path`` map (one per executable);
    2. the v1 ``~/.cherrystudio/config/config.json``: ``appDataPath``;
    3. the default for the OS.

    ``CHERRY_HOME`` replaces ``~/.cherrystudio``. Several results mean several executables
    keep their data apart, and only the user knows which one they run.
    """
    cherry_home = Path(env.get("CHERRY_HOME") or home / ".cherrystudio")
    for entries in (
        _boot_config_entries(cherry_home / BOOT_CONFIG, home),
        _v1_config_entries(cherry_home / "config" / "config.json", home),
    ):
        found: dict[Path, Located] = {}
        for entry in entries:
            if _usable(entry.folder):
                found.setdefault(Path(os.path.abspath(entry.folder)), entry)
        if found:
            return list(found.values())
    default = default_data_folder(platform, env, home)
    os_name = {"win32": "Windows", "darwin": "macOS"}.get(platform, "Linux")
    return [Located(default, f"the default data folder on {os_name} ({_shown(default, home)})")]


def v1_store(folder: Path) -> Path | None:
    """The 1.x ``localStorage`` LevelDB of a data folder, if it has one."""
    store = folder / "Local Storage" / "leveldb"
    return store if (store / "CURRENT").is_file() else None


def database_files(folder: Path) -> list[Path]:
    """The database files present in a data folder: ``Data/`` (current) then the root (2.0)."""
    return [p for p in (folder / "Data" / DB_NAME, folder / DB_NAME) if p.is_file()]


def data_folder_of(db_path: Path) -> Path:
    """The ``{userData}`` folder that holds ``db_path`` (either database location)."""
    parent = db_path.parent
    return parent.parent if parent.name == "Data" else parent


# ------------------------------------------------------------------------- safety checks


@dataclass(frozen=True)
class Activity:
    """Why writing now is unsafe; ``None`` from the checks means it is safe.

    ``state`` says what is going on ("Cherry Studio is running (pid 42, ...)"), ``message``
    adds what to do about it.
    """

    message: str
    state: str = ""


def singleton_lock_holder(folder: Path, hostname: str | None = None) -> int | None:
    """The pid holding Electron's ``SingletonLock`` in ``folder`` if it is live on this host."""
    lock = folder / "SingletonLock"
    try:
        target = os.readlink(lock)
    except OSError:
        return None
    host, _, pid_text = target.rpartition("-")
    if host != (hostname or socket.gethostname()) or not pid_text.isdigit():
        return None  # a lock from another host or a stale link: the app is not running here
    pid = int(pid_text)
    return pid if pid_running(pid) else None


def windows_app_running() -> bool:
    """Is a ``Cherry Studio.exe`` process running? (Windows has no lock file to look at.)"""
    try:
        out = subprocess.run(
            ["tasklist", "/FI", f"IMAGENAME eq {WINDOWS_EXE}", "/NH", "/FO", "CSV"],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return WINDOWS_EXE.lower() in out.lower()


def app_running(
    folder: Path,
    platform: str = sys.platform,
    process_check: Callable[[], bool] = windows_app_running,
) -> Activity | None:
    """Refuse while the app runs: its single-instance lock, or a process check on Windows."""
    if platform == "win32":
        if process_check():
            state = f"Cherry Studio is running ({WINDOWS_EXE})"
            return Activity(
                f"{state}; quit it (also from the tray) and run the command again", state
            )
        return None
    pid = singleton_lock_holder(folder)
    if pid is not None:
        state = f"Cherry Studio is running (pid {pid}, lock {folder / 'SingletonLock'})"
        return Activity(f"{state}; quit it and run the command again", state)
    return None


def pending_restore(folder: Path) -> Activity | None:
    """A staged restore swaps the database at the next start, discarding any write now."""
    for journal in (folder / "Data" / RESTORE_JOURNAL, folder / RESTORE_JOURNAL):
        if not journal.exists():
            continue
        data = _read_json(journal)
        state = data.get("state") if isinstance(data, dict) else None
        if state is None or state in PENDING_RESTORE_STATES:
            shown = state if isinstance(state, str) else "unreadable"
            return Activity(
                f"a backup restore is pending ({journal}, state {shown}); start Cherry Studio "
                "once to finish it, quit it, then run the command again"
            )
    return None
