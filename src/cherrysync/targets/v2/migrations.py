"""The app's migration chain (reference §4.10): how cherrysync names a database's schema.

A schema is named by the last migration applied to it ("schema through migration 0015"), never
by a guessed release: 2.0.x releases already carry migrations that release notes place in 2.1.x,
so a release label would be wrong for some databases either way. Pure: no I/O.
"""

from __future__ import annotations

from bisect import bisect_right

#: ``created_at`` of each migration in ``__drizzle_migrations``, by index: the ``when`` of
#: ``migrations/sqlite-drizzle/meta/_journal.json`` (0000_orange_jasper_sitwell ...
#: 0027_nebulous_northstar).
JOURNAL: tuple[int, ...] = (
    1785247785125,
    1785308910164,
    1785476603915,
    1785514531244,
    1785735707223,
    1785848624191,
    1786013632736,
    1786425204352,
    1786608214102,
    1787037314810,
    1787057424225,
    1787109711737,
    1787286408660,
    1787345194710,
    1787384459769,
    1787387094750,
    1787514273959,
    1787715649955,
    1787913871613,
    1788241355850,
    1788247231321,
    1788332276777,
    1789544579690,
    1789565251208,
    1789636472109,
    1790186132435,
    1790242863366,
    1790460395398,
)
#: The newest migration cherrysync was built against.
LATEST_KNOWN = JOURNAL[-1]


def number(index: int) -> str:
    """``15`` -> ``0015``, as the app's migration tags start."""
    return f"{index:04d}"


def schema_label(last: int) -> str:
    """The schema of a database whose newest applied migration has ``created_at`` ``last``."""
    if last in JOURNAL:
        return f"schema through migration {number(JOURNAL.index(last))}"
    if last > LATEST_KNOWN:
        return (
            f"schema past migration {number(len(JOURNAL) - 1)}, the newest cherrysync knows "
            "(a newer Cherry Studio)"
        )
    before = bisect_right(JOURNAL, last) - 1
    if before < 0:
        return f"schema older than migration {number(0)} (a pre-release)"
    return f"schema through a migration after {number(before)} that cherrysync does not know"
