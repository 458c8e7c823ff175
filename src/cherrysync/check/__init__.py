"""Live checks of keys, base URLs and model IDs (``cherrysync check`` / ``cherrysync models``).

The HTTP modules import httpx, so only command ``run`` functions import them. ``result`` and
``formats`` stay free of it: the parser takes the ``check --format`` choices from ``formats``.
"""

import sys

# httpx's __init__ imports its command-line client (``httpx._main``) whenever click and pygments
# happen to be installed, only to give up at rich when that is not: ~15 ms of every check's
# start-up for a script cherrysync never runs. A None entry, set here before any module of this
# package imports httpx, makes that import fail at once.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
