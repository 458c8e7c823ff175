"""Assertions on real databases: snapshots of every row and the invariants after an apply."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from cherrysync.targets.v2 import orderkey

TABLE_KEYS = {
    "__drizzle_migrations": "id",
    "user_provider": "provider_id",
    "user_model": "id",
    "assistant": "id",
    "knowledge_base": "id",
    "pin": "id",
    "preference": "scope || '/' || \"key\"",
}


def snapshot(db: Path) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Every row of every table, keyed by primary key, values as stored (type included)."""
    conn = sqlite3.connect(db)
    try:
        out: dict[str, dict[str, tuple[Any, ...]]] = {}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            if table == "sqlite_sequence":
                continue
            key = TABLE_KEYS.get(table, "rowid")
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            sel = ", ".join(f'quote("{c}")' for c in cols)
            rows = conn.execute(f'SELECT {key}, {sel} FROM "{table}"').fetchall()
            out[table] = {str(r[0]): tuple(r[1:]) for r in rows}
        return out
    finally:
        conn.close()


def unmanaged(snap: dict[str, dict[str, tuple[Any, ...]]], managed: set[str]) -> dict[str, Any]:
    """The snapshot without rows of managed providers (and their models)."""
    out = dict(snap)
    out["user_provider"] = {k: v for k, v in snap["user_provider"].items() if k not in managed}
    out["user_model"] = {
        k: v for k, v in snap["user_model"].items() if k.split("::", 1)[0] not in managed
    }
    return out


def check_invariants(db: Path) -> None:
    """What must hold after every apply: integrity, foreign keys, the CHECK, valid order keys."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        bad = conn.execute(
            "SELECT id FROM user_model WHERE preset_model_id IS NULL AND "
            "(name IS NULL OR capabilities IS NULL OR supports_streaming IS NULL)"
        ).fetchall()
        assert bad == []
        for table, scope in (("user_provider", "''"), ("user_model", "provider_id")):
            rows = conn.execute(f"SELECT {scope}, order_key FROM {table}").fetchall()
            seen: set[tuple[str, str]] = set()
            for scope_value, key in rows:
                assert orderkey.is_valid(key), (table, key)
                assert (scope_value, key) not in seen, (table, scope_value, key)
                seen.add((scope_value, key))
        for table, cols in (
            ("user_provider", ["endpoint_configs", "api_keys", "auth_config", "provider_settings"]),
            ("user_model", ["capabilities", "endpoint_types"]),
        ):
            for col in cols:
                for (value,) in conn.execute(f'SELECT "{col}" FROM {table}'):
                    if value is not None:
                        json.loads(value)
    finally:
        conn.close()


def rows(db: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def execute(db: Path, sql: str, *params: Any) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(sql, params)
    finally:
        conn.close()
