"""One module per command; shared plumbing lives in :mod:`cherrysync.commands.common`.

Each module offers ``HELP``, ``add_arguments(parser)`` and ``run(args)``. ``run`` only copies the
argparse namespace into the command's frozen options dataclass and calls the command's function
(``validate(options)``, ``check(options)``, ...), which returns the exit code; tests call those
functions directly. Heavy imports (httpx, sqlite3) stay inside the functions, because ``cli``
imports every module to build the parser.
"""
