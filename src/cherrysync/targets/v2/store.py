"""Reading and writing ``user_provider`` / ``user_model`` rows with plain SQL.

Reads decode JSON columns into Python values; writes encode them as compact JSON, name every
column (physical column order differs between databases) and touch only columns present.

Every JSON value is decoded through :mod:`~cherrysync.boundedjson` and within a size
limit: a database is input like any other file, and a hostile one could hold a value nested a
million levels deep (a ``RecursionError`` in Python's decoder) or hundreds of megabytes. Such a
value is refused with the table, column and row it sits in, never its text (it may hold keys).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cherrysync import boundedjson
from cherrysync.appfacts import APP_JSON_DEPTH
from cherrysync.targets.base import TargetError
from cherrysync.targets.v2.dbschema import MODEL_READ_COLUMNS, SchemaInfo
from cherrysync.targets.v2.rows import JSON_COLUMNS, Row

#: Far above anything the app stores in one JSON column (a provider's keys, a model's pricing).
MAX_JSON_BYTES = 4 << 20

#: Preferences that hold a model id as the app's defaults; such a model must not be deleted.
DEFAULT_MODEL_PREFERENCES = (
    "chat.default_model_id",
    "topic.naming.model_id",
    "feature.quick_assistant.model_id",
    "feature.translate.model_id",
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def encode(column: str, value: Any) -> Any:
    """SQL value for a column: compact JSON for JSON columns, 0/1 for booleans."""
    if column in JSON_COLUMNS and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return int(value)
    return value


@dataclass
class DbState:
    """Provider rows by id (in display order) and model rows by provider, then model id."""

    providers: dict[str, Row]
    models: dict[str, dict[str, Row]]


class UnreadableValue(TargetError):
    """A JSON value cherrysync will not decode: too large or too deeply nested."""


def decode_json(text: str, where: str, table: str, column: str, row: object) -> Any:
    """A JSON column's value; text that is not JSON stays text (it then differs from what the
    file wants). Raises :class:`UnreadableValue` naming the database (``where``), table, column
    and row, never the value.
    """
    if len(text) > MAX_JSON_BYTES:  # characters: at least as many bytes
        reason = f"is larger than {MAX_JSON_BYTES >> 20} MiB"
    else:
        try:
            return boundedjson.loads(text, max_depth=APP_JSON_DEPTH)
        except boundedjson.TooDeep:
            reason = f"is nested deeper than {APP_JSON_DEPTH} levels"
        except ValueError:
            return text
    label = str(row)[:80] if isinstance(row, str | int) else "?"
    raise UnreadableValue(
        f"{where}: {table}.{column} of row {label!r} {reason}; cherrysync does not read such "
        "values (Cherry Studio never writes them: restore a backup, or remove the row in the app)"
    )


def _where(info: SchemaInfo) -> str:
    return str(info.path) if info.path is not None else "the database"


def _rows(
    conn: sqlite3.Connection, info: SchemaInfo, table: str, columns: Sequence[str], key: str
) -> Iterator[Row]:
    """Rows as dicts with JSON columns decoded (a tight loop: this reads every model);
    ``key`` names the column that identifies a row in errors."""
    json_at = [i for i, c in enumerate(columns) if c in JSON_COLUMNS]
    key_at = columns.index(key)
    order = "order_key, rowid" if table == "user_provider" else "provider_id, order_key"
    sql = f"SELECT {', '.join(map(_quote, columns))} FROM {table} ORDER BY {order}"
    where = _where(info)
    for values in conn.execute(sql):
        row = list(values)
        for i in json_at:
            value = row[i]
            if isinstance(value, str):
                row[i] = decode_json(value, where, table, columns[i], row[key_at])
        yield dict(zip(columns, row, strict=True))


def read_state(conn: sqlite3.Connection, info: SchemaInfo) -> DbState:
    pcols = sorted(info.provider_columns)
    rows = _rows(conn, info, "user_provider", pcols, "provider_id")
    providers = {str(row["provider_id"]): row for row in rows}
    models: dict[str, dict[str, Row]] = {}
    for row in _rows(conn, info, "user_model", MODEL_READ_COLUMNS, "id"):
        models.setdefault(str(row["provider_id"]), {})[str(row["model_id"])] = row
    return DbState(providers, models)


def model_references(
    conn: sqlite3.Connection, info: SchemaInfo, model_ids: Iterable[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(blocking, informational) references per model row id.

    Blocking: a knowledge base's embedding model (the foreign key does not allow the delete)
    and the app's default-model preferences. Informational: assistants whose model goes NULL.
    """
    wanted = set(model_ids)
    blocking: dict[str, list[str]] = {}
    info_refs: dict[str, list[str]] = {}
    if not wanted:
        return blocking, info_refs
    if "knowledge_base" in info.tables:
        names = {r[1] for r in conn.execute('PRAGMA table_info("knowledge_base")')}
        label = "name" if "name" in names else "id"
        if "embedding_model_id" in names:
            sql = f"SELECT id, {_quote(label)}, embedding_model_id FROM knowledge_base"
            for kb_id, kb_name, model in conn.execute(sql):
                if model in wanted:
                    blocking.setdefault(model, []).append(
                        f"knowledge base '{kb_name}' ({kb_id}) uses it as its embedding model"
                    )
    if "preference" in info.tables:
        marks = ", ".join("?" for _ in DEFAULT_MODEL_PREFERENCES)
        sql = f'SELECT scope, "key", value FROM preference WHERE "key" IN ({marks})'
        for scope, key, value in conn.execute(sql, DEFAULT_MODEL_PREFERENCES):
            text = value if isinstance(value, str) else "null"
            model = decode_json(text, _where(info), "preference", "value", key)
            if model in wanted:
                blocking.setdefault(model, []).append(
                    f"preference {key} (scope {scope}) has it as the default model"
                )
    if "assistant" in info.tables:
        names = {r[1] for r in conn.execute('PRAGMA table_info("assistant")')}
        if "model_id" in names:
            label = "name" if "name" in names else "id"
            sql = f"SELECT {_quote(label)}, model_id FROM assistant WHERE model_id IS NOT NULL"
            for name, model in conn.execute(sql):
                if model in wanted:
                    info_refs.setdefault(model, []).append(f"assistant '{name}'")
    return blocking, info_refs


@dataclass
class WriteSet:
    """Every row change of one apply, computed with the plan so apply writes what was shown."""

    insert_providers: list[Row] = field(default_factory=list)
    update_providers: list[tuple[str, Row]] = field(default_factory=list)
    insert_models: list[Row] = field(default_factory=list)
    update_models: list[tuple[str, Row]] = field(default_factory=list)
    delete_models: list[str] = field(default_factory=list)
    delete_providers: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.insert_providers
            or self.update_providers
            or self.insert_models
            or self.update_models
            or self.delete_models
            or self.delete_providers
        )


def _insert(
    conn: sqlite3.Connection, table: str, columns: frozenset[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        names = tuple(c for c in row if c in columns)
        groups.setdefault(names, []).append([row[c] for c in names])
    for names, values in groups.items():
        encoded = [i for i, c in enumerate(names) if c in JSON_COLUMNS]
        for value in values:
            for i in encoded:
                value[i] = encode(names[i], value[i])
        sql = (
            f"INSERT INTO {table} ({', '.join(map(_quote, names))}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        conn.executemany(sql, values)


def _update(
    conn: sqlite3.Connection,
    table: str,
    key: str,
    columns: frozenset[str],
    updates: Sequence[tuple[str, Mapping[str, Any]]],
) -> None:
    for row_id, row in updates:
        names = [c for c in row if c in columns]
        if not names:
            continue
        sql = (
            f"UPDATE {table} SET {', '.join(f'{_quote(c)} = ?' for c in names)} "
            f"WHERE {_quote(key)} = ?"
        )
        conn.execute(sql, [*(encode(c, row[c]) for c in names), row_id])


def write(conn: sqlite3.Connection, info: SchemaInfo, changes: WriteSet) -> None:
    """Run every statement of ``changes`` inside the caller's open transaction."""
    removed = list(changes.delete_models)
    if changes.delete_providers:
        marks = ", ".join("?" for _ in changes.delete_providers)
        removed += [
            str(r[0])
            for r in conn.execute(
                f"SELECT id FROM user_model WHERE provider_id IN ({marks})",
                changes.delete_providers,
            )
        ]
    if "pin" in info.tables and removed:
        conn.executemany(
            "DELETE FROM pin WHERE entity_type = 'model' AND entity_id = ?",
            [(m,) for m in removed],
        )
    conn.executemany("DELETE FROM user_model WHERE id = ?", [(m,) for m in changes.delete_models])
    conn.executemany(
        "DELETE FROM user_provider WHERE provider_id = ?",
        [(p,) for p in changes.delete_providers],
    )
    _insert(conn, "user_provider", info.provider_columns, changes.insert_providers)
    _update(conn, "user_provider", "provider_id", info.provider_columns, changes.update_providers)
    _insert(conn, "user_model", info.model_columns, changes.insert_models)
    _update(conn, "user_model", "id", info.model_columns, changes.update_models)
