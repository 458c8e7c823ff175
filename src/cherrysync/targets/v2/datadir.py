"""Where the app keeps its data, and whether it is safe to write there (reference §1.2, §4.1,
§4.11): the data folder per OS and relocation, the two database locations, the running app and
a staged restore.

Functions take the platform, environment and home folder as arguments so every OS branch can be
tested on any machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_NAME = "cherrystudio.sqlite"
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
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _boot_config_path(data: Any) -> str | None:
    """``app.user_data_path`` from a v2 BootConfig, nested or as a flat dotted key."""
    if not isinstance(data, dict):
        return None
    flat = data.get("app.user_data_path")
    if isinstance(flat, str) and flat:
        return flat
    app = data.get("app")
    if isinstance(app, dict):
        value = app.get("user_data_path") or app.get("userDataPath")
        if isinstance(value, str) and value:
            return value
    return None


def relocated_data_folders(env: Mapping[str, str], home: Path) -> list[Path]:
    """Data folders the user moved the app to, most specific first.

    v2 keeps ``app.user_data_path`` in a BootConfig JSON file in CHERRY_HOME (``~/.cherrystudio``)
    whose exact name varies between releases, so every JSON file there is inspected for that key.
    v1 keeps ``appDataPath`` (a string or ``[{executablePath, dataPath}]``) in
    ``~/.cherrystudio/config/config.json``; the app carries it over on upgrade.
    """
    cherry_home = Path(env.get("CHERRY_HOME") or home / ".cherrystudio")
    found: list[Path] = []
    for folder in (cherry_home, cherry_home / "config"):
        try:
            candidates = sorted(folder.glob("*.json"))
        except OSError:
            continue
        for candidate in candidates:
            value = _boot_config_path(_read_json(candidate))
            if value:
                found.append(Path(value).expanduser())
    v1 = _read_json(cherry_home / "config" / "config.json")
    app_data = v1.get("appDataPath") if isinstance(v1, dict) else None
    if isinstance(app_data, str) and app_data:
        found.append(Path(app_data).expanduser())
    elif isinstance(app_data, list):
        for item in app_data:
            if isinstance(item, dict) and isinstance(item.get("dataPath"), str):
                found.append(Path(item["dataPath"]).expanduser())
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return unique


def candidate_data_folders(platform: str, env: Mapping[str, str], home: Path) -> list[Path]:
    """Folders ``--target auto`` searches, in order: relocated ones, then the default."""
    folders = relocated_data_folders(env, home)
    default = default_data_folder(platform, env, home)
    return [*folders, default] if default not in folders else folders


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
    """Why writing now is unsafe; ``None`` from the checks means it is safe."""

    message: str


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


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
    return pid if _pid_alive(pid) else None


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
            return Activity(
                f"Cherry Studio is running ({WINDOWS_EXE}); quit it (also from the tray) and "
                "run the command again"
            )
        return None
    pid = singleton_lock_holder(folder)
    if pid is not None:
        return Activity(
            f"Cherry Studio is running (pid {pid}, lock {folder / 'SingletonLock'}); quit it "
            "and run the command again"
        )
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
