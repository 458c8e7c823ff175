"""Cherry Studio 2.x: ``plan`` / ``apply`` straight into the app's SQLite database.

Modules by responsibility: :mod:`.rows` (the app model, pure), :mod:`.orderkey` (fractional
keys), :mod:`.datadir` (data folder, running app, staged restore), :mod:`.dbschema` (opening
and introspection), :mod:`.store` (SQL), :mod:`.changes` (plan -> writes), :mod:`.target`.
"""

from cherrysync.targets.v2.target import DatabaseTarget

__all__ = ["DatabaseTarget"]
