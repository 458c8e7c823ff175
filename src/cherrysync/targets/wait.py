"""``apply --wait``: let the user quit Cherry Studio instead of starting over.

While the app runs, a direct write is unsafe (reference §4.11), so apply waits for the app's
single-instance lock to go (or, on Windows, its process) and then re-plans. A staged restore is
different: it completes only at the app's next start, so waiting cannot help and it still blocks.
Nothing is written while waiting; Ctrl-C ends the wait with everything untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.datadir import Activity

#: How often the lock or process is looked at again.
POLL_SECONDS = 0.25


@runtime_checkable
class Watchable(Protocol):
    """A target that can tell whether writing is unsafe right now (the 2.x database)."""

    description: str
    waits_for_app: bool

    def activity(self) -> tuple[Activity | None, Activity | None]: ...


def will_wait(target: object) -> None:
    """Tell a watchable target that apply will wait for the app, so its plan need not warn."""
    if isinstance(target, Watchable):
        target.waits_for_app = True


def _pending(target: Watchable, restore: Activity | None) -> None:
    if restore is not None:
        raise TargetError(f"{target.description} was not changed: {restore.message}")


def wait_until_closed(
    target: object,
    seconds: float,
    say: Callable[[str], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Block until the app has quit; True if it was running (so the caller re-plans).

    Targets that no app holds open (zips) return False at once. Raises :class:`TargetError`
    on timeout (exit 1), on a staged restore, and on Ctrl-C (exit 130).
    """
    if not isinstance(target, Watchable):
        return False
    watched = target
    running, restore = watched.activity()
    _pending(watched, restore)
    if running is None:
        return False
    deadline = clock() + seconds
    try:
        say(f"{running.state or running.message}; waiting up to {seconds:g} s for it to quit")
        while running is not None:
            left = deadline - clock()
            if left <= 0:
                raise TargetError(
                    f"{watched.description} was not changed: {running.message} (waited "
                    f"{seconds:g} s)"
                )
            sleep(min(POLL_SECONDS, left))
            running, restore = watched.activity()
            _pending(watched, restore)
    except KeyboardInterrupt:
        raise TargetError(
            "interrupted while waiting for Cherry Studio to quit; nothing was written", code=130
        ) from None
    return True
