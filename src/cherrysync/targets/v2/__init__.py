"""Cherry Studio 2.x: ``plan`` / ``apply`` straight into the app's SQLite database.

Modules by responsibility: :mod:`.vocab` (the app's words, tables), :mod:`.rows` (the app
model, pure), :mod:`.apikeys` (key entries, plaintext or encrypted by the app), :mod:`.orderkey`
(fractional keys), :mod:`.datadir` (data folder, running app, staged restore),
:mod:`.migrations` (naming a schema by its migration chain), :mod:`.dbschema` (opening and
introspection), :mod:`.keystate` (cherrysync's record of the keys it applied), :mod:`.store`
(SQL), :mod:`.changes` (plan -> writes), :mod:`.target`.

Empty on purpose: ``from cherrysync.targets.v2 import datadir`` (every target's opening asks it
where the app keeps its data) must not load sqlite3 and the whole writer.
"""
