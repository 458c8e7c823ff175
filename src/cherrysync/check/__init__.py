"""Live checks of keys, base URLs and model IDs (``cherrysync check`` / ``cherrysync models``).

The HTTP modules import httpx, so only command ``run`` functions import them. ``result`` and
``formats`` stay free of it: the parser takes the ``check --format`` choices from ``formats``.
"""
