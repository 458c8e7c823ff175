"""Opening the app's database and finding out which schema it has (reference §4.2, §4.3, §4.10).

The schema drifts between releases, so cherrysync writes only columns it knows and finds present,
and stops when a newer app added a required column it cannot fill.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from cherrysync.errors import io_message
from cherrysync.fileio import open_regular_file
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.migrations import LATEST_KNOWN, schema_label

SQLITE_HEADER = b"SQLite format 3\x00"

KNOWN_PROVIDER_COLUMNS = frozenset(
    {
        "provider_id",
        "preset_provider_id",
        "name",
        "logo_key",
        "endpoint_configs",
        "default_chat_endpoint",
        "api_keys",
        "auth_config",
        "api_features",
        "provider_settings",
        "is_enabled",
        "order_key",
        "created_at",
        "updated_at",
    }
)
REQUIRED_PROVIDER_COLUMNS = KNOWN_PROVIDER_COLUMNS - {"api_features", "logo_key"}
#: What plans read from ``user_model``; each must exist, or reading would fail.
MODEL_READ_COLUMNS = (
    "id",
    "provider_id",
    "model_id",
    "preset_model_id",
    "name",
    "description",
    "group",
    "capabilities",
    "endpoint_types",
    "order_key",
)
#: Every ``user_model`` column cherrysync knows: the ones plans read and the rest.
KNOWN_MODEL_COLUMNS = frozenset(
    {
        *MODEL_READ_COLUMNS,
        "input_modalities",
        "output_modalities",
        "input_modalities_explicit",
        "context_window",
        "max_input_tokens",
        "max_output_tokens",
        "supports_streaming",
        "reasoning",
        "parameters",
        "pricing",
        "is_enabled",
        "is_hidden",
        "is_deprecated",
        "notes",
        "created_at",
        "updated_at",
        "reasoning_effort_override",
        "reasoning_params_override",
        "preferred_endpoint_type",
    }
)
#: Columns a database must have before cherrysync writes models into it.
REQUIRED_MODEL_COLUMNS = frozenset(
    {*MODEL_READ_COLUMNS, "supports_streaming", "created_at", "updated_at"}
)
#: Tables cherrysync writes its rows into. The app defines no trigger on them (its triggers
#: keep full-text search indexes of other tables, reference §4.11), so any trigger here is
#: foreign: it would run inside cherrysync's write transaction and see every key written.
WRITTEN_TABLES = ("user_provider", "user_model")

#: Columns only the pre-release (alpha/beta) provider table has.
PRERELEASE_PROVIDER_COLUMNS = frozenset({"id", "sort_order", "base_urls", "api_compatibility"})


@dataclass
class SchemaInfo:
    """What the database holds: tables, usable columns, and its place in the migration chain."""

    tables: frozenset[str]
    provider_columns: frozenset[str]
    model_columns: frozenset[str]
    last_migration: int
    notes: list[str] = field(default_factory=list)
    #: the database file, for messages about its content
    path: Path | None = None
    #: triggers on :data:`WRITTEN_TABLES` that are not the app's: (trigger, table)
    foreign_triggers: list[tuple[str, str]] = field(default_factory=list)

    def trigger_blockers(self) -> list[str]:
        """Why apply must not write while foreign triggers exist (one line per trigger)."""
        return [
            f"trigger {name[:80]!r} on {table} is not part of Cherry Studio's schema: it would "
            "run inside cherrysync's write and see the keys written; nothing is written while it "
            'exists (see its SQL with: sqlite3 DATABASE "SELECT sql FROM sqlite_master WHERE '
            "type = 'trigger'\", and drop it if you did not create it)"
            for name, table in self.foreign_triggers
        ]

    @property
    def schema(self) -> str:
        """e.g. "schema through migration 0027" (never a guessed release)."""
        return schema_label(self.last_migration)


#: What to do about a damaged database, whichever way the damage showed.
_RECOVER = "start Cherry Studio to let it recover, or restore a backup, then run the command again"


def describe_error(path: Path, exc: sqlite3.Error | UnicodeDecodeError | ValueError) -> TargetError:
    """A clear message for a SQLite failure, naming the file and what to do.

    Damaged files also surface as undecodable text or as values of the wrong kind.
    """
    if not isinstance(exc, sqlite3.Error):
        what = "text" if isinstance(exc, UnicodeDecodeError) else "values"
        return TargetError(f"{path} is damaged (unreadable {what}); {_RECOVER}")
    text = str(exc).lower()
    if "not a database" in text or "encrypted" in text:
        return TargetError(
            f"{path} is not a SQLite database; point --target at the app's data "
            "folder or its cherrystudio.sqlite"
        )
    if "malformed" in text or "corrupt" in text or "damaged" in text:
        return TargetError(f"{path} is corrupt ({exc}); {_RECOVER}")
    if "locked" in text or "busy" in text:
        return TargetError(
            f"{path} is locked by another program (is Cherry Studio or a sync tool "
            "using it?); close it and run the command again"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return TargetError(
            f"{path} cannot be written (read-only file or folder); fix the "
            "permissions or copy the data folder somewhere writable"
        )
    return TargetError(f"cannot use database {path}: {exc}")


def check_header(path: Path) -> None:
    """Fail early and clearly for files that are not SQLite at all (SQLite would say it late)."""
    try:
        with open_regular_file(path) as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise TargetError(io_message(path, exc)) from exc
    if header != SQLITE_HEADER:
        raise TargetError(
            f"{path} is not a SQLite database; point --target at the app's data folder or its "
            "cherrystudio.sqlite"
        )


def _decode_text(raw: bytes) -> str:
    """UTF-8 text, or a SQLite error: invalid bytes in a text column mean a damaged file."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise sqlite3.DataError("text that is not valid UTF-8 (database damaged?)") from None


def connect(path: Path, *, readonly: bool, busy_timeout_ms: int) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with foreign keys on."""
    check_header(path)
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "?mode=rw")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None)
        conn.text_factory = _decode_text
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    except sqlite3.Error as exc:
        raise describe_error(path, exc) from exc
    return conn


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, bool, bool]]:
    """(name, required-without-default, primary key) per column."""
    rows = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    return [(str(r[1]), bool(r[3]) and r[4] is None, bool(r[5])) for r in rows]


def _check_table(
    path: Path,
    conn: sqlite3.Connection,
    table: str,
    known: frozenset[str],
    required: frozenset[str],
    notes: list[str],
    schema: str,
) -> frozenset[str]:
    columns = _columns(conn, table)
    names = frozenset(c[0] for c in columns)
    missing = sorted(required - names)
    if missing:
        raise TargetError(
            f"{path}: table {table} lacks {', '.join(missing)}; this Cherry Studio schema "
            f"({schema}) is not supported (start a current 2.x release once so it migrates the "
            "database)"
        )
    for name, required_no_default, primary in columns:
        if name in known:
            continue
        if required_no_default and not primary:
            raise TargetError(
                f"{path} was written by a newer Cherry Studio ({schema}): {table}.{name} is "
                "required and unknown to cherrysync; update cherrysync before applying (nothing "
                "was changed)"
            )
        notes.append(f"{table}.{name} is unknown to cherrysync; new rows get its default")
    return names


def _last_migration(path: Path, conn: sqlite3.Connection, tables: frozenset[str]) -> int:
    """``created_at`` of the newest applied migration; a database without one is unfinished."""
    if "__drizzle_migrations" not in tables:
        raise TargetError(
            f"{path} has no migration history (__drizzle_migrations); start Cherry Studio "
            "once so it finishes setting up the database"
        )
    last = conn.execute("SELECT MAX(created_at) FROM __drizzle_migrations").fetchone()[0]
    if last is None:
        raise TargetError(
            f"{path} has an empty migration history; start Cherry Studio once so it finishes "
            "setting up the database"
        )
    return int(last)


def _foreign_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Triggers on the tables cherrysync writes (names compared as SQLite does: any case)."""
    rows = conn.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()
    written = {t.lower(): t for t in WRITTEN_TABLES}
    return [
        (str(name), written[str(table).lower()])
        for name, table in rows
        if str(table).lower() in written
    ]


def introspect(path: Path, conn: sqlite3.Connection) -> SchemaInfo:
    """Read the tables, columns and migration history, refusing schemas cherrysync cannot write."""
    try:
        tables = frozenset(
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        if "user_provider" not in tables or "user_model" not in tables:
            raise TargetError(
                f"{path} is not a Cherry Studio 2.x database (no user_provider/user_model "
                "tables); for Cherry Studio 1.x use a backup zip as --target"
            )
        provider_names = frozenset(c[0] for c in _columns(conn, "user_provider"))
        if provider_names & PRERELEASE_PROVIDER_COLUMNS or "order_key" not in provider_names:
            raise TargetError(
                f"{path} has the pre-release (alpha/beta) 2.0 schema; start a released Cherry "
                "Studio 2.x once so it migrates the database, then run the command again"
            )
        last = _last_migration(path, conn, tables)
        schema = schema_label(last)
        notes: list[str] = []
        provider_columns = _check_table(
            path,
            conn,
            "user_provider",
            KNOWN_PROVIDER_COLUMNS,
            REQUIRED_PROVIDER_COLUMNS,
            notes,
            schema,
        )
        model_columns = _check_table(
            path, conn, "user_model", KNOWN_MODEL_COLUMNS, REQUIRED_MODEL_COLUMNS, notes, schema
        )
        triggers = _foreign_triggers(conn)
    except (sqlite3.Error, UnicodeDecodeError, ValueError) as exc:
        raise describe_error(path, exc) from exc
    if last > LATEST_KNOWN:
        notes.append(f"the database has a {schema}; only columns cherrysync knows are written")
    return SchemaInfo(tables, provider_columns, model_columns, last, notes, path, triggers)
