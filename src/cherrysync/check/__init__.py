"""Live checks of keys, base URLs and model IDs (``cherrysync check`` / ``cherrysync models``).

Everything here imports httpx, so only command ``run`` functions import this package.
"""
