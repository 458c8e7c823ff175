"""The cyclic garbage collector during a run: paused while a command starts, and never again
over what start-up built.

A cold run allocates a large heap that lives until exit (modules, classes, compiled patterns,
the parsed file) and frees what it discards by reference counting. The collector would scan that
heap again and again while it grows, and once more at exit, freeing next to nothing: about an
eighth of a cold ``check`` or ``validate``, measured. So :func:`paused` wraps a whole command
(``cli.main``), and :func:`resume` marks where a long phase begins whose requests make cyclic
garbage of their own (``check``'s run): from there the start-up heap is frozen (ignored by every
collection) and collection resumes. At exit the heap is frozen as it stands, so the
interpreter's last collection does not walk it either.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: ``paused``: inside :func:`paused`; ``enabled``: the collector's state before it;
#: ``froze``: :func:`resume` froze the heap; ``exit_hook``: the exit freeze is registered
_state = {"paused": False, "enabled": True, "froze": False, "exit_hook": False}


@contextmanager
def paused() -> Iterator[None]:
    """No collections until :func:`resume`; the collector is left as it was found afterwards
    (the tests run commands in their own process)."""
    enabled = gc.isenabled()
    gc.disable()
    _state.update(paused=True, enabled=enabled, froze=False)
    if not _state["exit_hook"]:
        atexit.register(gc.freeze)
        _state["exit_hook"] = True
    try:
        yield
    finally:
        if _state["froze"]:
            gc.unfreeze()
        _state.update(paused=False, froze=False)
        if enabled:
            gc.enable()


def resume() -> None:
    """Start-up is over and a long phase begins: freeze what exists, collect from here on."""
    if _state["paused"] and _state["enabled"] and not _state["froze"]:
        gc.freeze()
        _state["froze"] = True
        gc.enable()
