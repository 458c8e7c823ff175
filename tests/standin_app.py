"""A running Cherry Studio as far as cherrysync can tell, as a real process (for ``--wait``).

While it runs it holds Electron's single-instance lock, a ``SingletonLock`` symlink to
``<hostname>-<pid>`` in the data folder; on quit it may first adopt a provider in the database
(as the app does when the user edits one), then drops the lock. It quits ``seconds`` after it
started, or, with ``until_wait``, ``seconds`` after a ``cherrysync apply … --wait`` for its
folder appeared in ``/proc`` (so the apply starts while the app runs, whatever the start-up
time of the program that runs it, e.g. ``ansible-playbook``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP = """
import os, socket, sqlite3, sys, time
from cherrysync.samples.v2db import insert, provider
folder, seconds, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
lock = os.path.join(folder, "SingletonLock")
os.symlink(f"{socket.gethostname()}-{os.getpid()}", lock)
print("running", flush=True)


def waiting_apply():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                args = handle.read().split(b"\\0")
        except OSError:
            continue
        if b"apply" in args and b"--wait" in args and folder.encode() in args:
            return int(pid)
    return None


apply_pid = None
if mode == "until-wait":
    give_up = time.monotonic() + 120
    while (apply_pid := waiting_apply()) is None and time.monotonic() < give_up:
        time.sleep(0.05)
    print(f"apply started: {apply_pid}", flush=True)
time.sleep(seconds)
if mode == "adopt":
    conn = sqlite3.connect(os.path.join(folder, "Data", "cherrystudio.sqlite"))
    insert(conn, "user_provider", provider("off", "Made in the app", "a9"))
    conn.commit()
    conn.close()
if apply_pid is not None:
    print(f"quit while the apply ran: {os.path.exists(f'/proc/{apply_pid}')}", flush=True)
os.unlink(lock)
"""


@contextmanager
def running_app(
    folder: Path, seconds: float, *, adopt: bool = False, until_wait: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """The stand-in app, already holding the lock; killed afterwards if it still runs."""
    mode = "adopt" if adopt else "until-wait" if until_wait else "-"
    proc = subprocess.Popen(
        [sys.executable, "-c", APP, str(folder), str(seconds), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "running\n"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
