"""Allow ``python -m cherrysync``."""

from cherrysync.cli import main

raise SystemExit(main())
