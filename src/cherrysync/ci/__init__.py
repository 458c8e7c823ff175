"""What the GitHub Action runs besides the CLI: the pull request comment (``comment: true``).

Run as ``python -m cherrysync.ci.prcomment``; not a ``cherrysync`` command, since it only makes
sense inside a GitHub Actions job (it reads the runner's environment and event).
"""
