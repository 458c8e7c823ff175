"""Real Cherry Studio 2.x databases, built from the app's schema (for the demo and the tests).

Two variants: 2.0.x (``user_provider.api_features``, migrations up to 0011) and 2.1.x (no
``api_features``, ``user_model.input_modalities_explicit``, migrations up to 0027). Each holds
preset providers, a user's own custom provider, models, assistants, pins, a knowledge base and
preferences that reference models, and the migration history.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cherrysync.targets.v2 import orderkey

MIGRATIONS_20 = [
    ("0000_orange_jasper_sitwell", 1785247785125),
    ("0005_middle", 1786000000000),
    ("0011_rare_vertigo", 1787109711737),
]
MIGRATIONS_21 = [
    *MIGRATIONS_20,
    ("0012_sink_endpoint_dialect", 1787286408660),
    ("0027_nebulous_northstar", 1790460395398),
]

USER_PROVIDER_ID = "2f6c9a1e-0b7d-4e1a-9c55-3d1f0e8a7b21"
T0 = 1785300000000


def schema_sql(variant: str) -> str:
    api_features = "api_features text," if variant == "2.0" else ""
    explicit = "input_modalities_explicit integer DEFAULT 0 NOT NULL," if variant == "2.1" else ""
    return f"""
CREATE TABLE __drizzle_migrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric
);
CREATE TABLE user_provider (
  provider_id text PRIMARY KEY NOT NULL,
  preset_provider_id text,
  name text NOT NULL,
  logo_key text,
  endpoint_configs text,
  default_chat_endpoint text,
  api_keys text DEFAULT '[]',
  auth_config text,
  {api_features}
  provider_settings text,
  is_enabled integer DEFAULT 0 NOT NULL,
  order_key text NOT NULL,
  created_at integer NOT NULL,
  updated_at integer NOT NULL
);
CREATE INDEX user_provider_preset_idx ON user_provider (preset_provider_id);
CREATE INDEX user_provider_enabled_idx ON user_provider (is_enabled);
CREATE INDEX user_provider_order_key_idx ON user_provider (order_key);
CREATE TABLE user_model (
  id text PRIMARY KEY NOT NULL,
  provider_id text NOT NULL REFERENCES user_provider(provider_id) ON DELETE CASCADE,
  model_id text NOT NULL,
  preset_model_id text,
  name text,
  description text,
  "group" text,
  capabilities text,
  input_modalities text,
  output_modalities text,
  {explicit}
  endpoint_types text,
  context_window integer,
  max_input_tokens integer,
  max_output_tokens integer,
  supports_streaming integer,
  reasoning text,
  parameters text,
  pricing text,
  is_enabled integer DEFAULT 1 NOT NULL,
  is_hidden integer DEFAULT 0 NOT NULL,
  is_deprecated integer DEFAULT 0 NOT NULL,
  order_key text NOT NULL,
  notes text,
  created_at integer NOT NULL,
  updated_at integer NOT NULL,
  CONSTRAINT user_model_custom_config_check CHECK (
    preset_model_id IS NOT NULL
    OR (name IS NOT NULL AND capabilities IS NOT NULL AND supports_streaming IS NOT NULL)
  )
);
CREATE INDEX user_model_preset_idx ON user_model (preset_model_id);
CREATE INDEX user_model_provider_enabled_idx ON user_model (provider_id, is_enabled);
CREATE INDEX user_model_provider_id_order_key_idx ON user_model (provider_id, order_key);
CREATE UNIQUE INDEX user_model_provider_model_unique ON user_model (provider_id, model_id);
CREATE TABLE assistant (
  id text PRIMARY KEY NOT NULL,
  name text NOT NULL,
  model_id text REFERENCES user_model(id) ON DELETE SET NULL,
  created_at integer NOT NULL,
  updated_at integer NOT NULL
);
CREATE TABLE knowledge_base (
  id text PRIMARY KEY NOT NULL,
  name text NOT NULL,
  embedding_model_id text REFERENCES user_model(id),
  rerank_model_id text REFERENCES user_model(id) ON DELETE SET NULL,
  created_at integer NOT NULL,
  updated_at integer NOT NULL
);
CREATE TABLE pin (
  id text PRIMARY KEY NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  order_key text NOT NULL,
  created_at integer NOT NULL,
  updated_at integer NOT NULL
);
CREATE UNIQUE INDEX pin_entity_unique ON pin (entity_type, entity_id);
CREATE TABLE preference (
  scope text DEFAULT 'default' NOT NULL,
  "key" text NOT NULL,
  value text,
  created_at integer NOT NULL,
  updated_at integer NOT NULL,
  PRIMARY KEY (scope, "key")
);
"""


def _j(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


def provider(pid: str, name: str, key: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider_id": pid,
        "preset_provider_id": None,
        "name": name,
        "is_enabled": 0,
        "order_key": key,
        "created_at": T0,
        "updated_at": T0,
    }
    row.update(extra)
    return row


def model(pid: str, mid: str, key: str, preset: bool = False, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"{pid}::{mid}",
        "provider_id": pid,
        "model_id": mid,
        "preset_model_id": mid if preset else None,
        "order_key": key,
        "created_at": T0,
        "updated_at": T0,
    }
    if not preset:
        row.update(name=mid, capabilities="[]", supports_streaming=1)
    row.update(extra)
    return row


def build_database(
    path: Path, variant: str = "2.1", patch: Callable[[str], str] | None = None
) -> Path:
    """Create a populated database at ``path`` (parents created) and return ``path``.

    ``patch`` rewrites the schema SQL first (to simulate a newer or older app).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    sql = schema_sql(variant)
    conn.executescript(patch(sql) if patch else sql)
    conn.execute("BEGIN")
    for tag, created in MIGRATIONS_21 if variant == "2.1" else MIGRATIONS_20:
        digest = hashlib.sha256(tag.encode()).hexdigest()
        insert(conn, "__drizzle_migrations", {"hash": digest, "created_at": created})
    _insert_providers(conn, variant)
    _insert_models(conn)
    _insert_references(conn)
    conn.execute("COMMIT")
    conn.close()
    return path


def _insert_providers(conn: sqlite3.Connection, variant: str) -> None:
    """Four presets and one custom relay with a key."""
    presets = [
        ("openai", "OpenAI", '{"openai-responses":{}}', "openai-responses", '{"type":"api-key"}'),
        ("anthropic", "Anthropic", None, None, None),
        ("azure-openai", "Azure OpenAI", None, None, '{"type":"iam-azure","apiVersion":""}'),
        ("ollama", "Ollama", None, None, None),
    ]
    keys = orderkey.keys_after(None, len(presets) + 1)
    for (pid, name, configs, chat, auth), key in zip(presets, keys, strict=False):
        insert(
            conn,
            "user_provider",
            provider(
                pid,
                name,
                key,
                preset_provider_id=pid,
                endpoint_configs=configs,
                default_chat_endpoint=chat,
                auth_config=auth,
                api_keys="[]",
            ),
        )
    user_row = provider(
        USER_PROVIDER_ID,
        "My Relay",
        keys[-1],
        endpoint_configs=_j({"openai-chat-completions": {"baseUrl": "https://relay.mine/v1"}}),
        default_chat_endpoint="openai-chat-completions",
        api_keys=_j([{"id": "k-1", "key": "sk-mine-0123456789", "isEnabled": True}]),
        auth_config=_j({"type": "api-key"}),
        is_enabled=1,
    )
    if variant == "2.0":
        user_row["api_features"] = _j({"streamOptions": False})
    insert(conn, "user_provider", user_row)


def _insert_models(conn: sqlite3.Connection) -> None:
    """Preset models of two presets and two custom models of the relay."""
    for i, mid in enumerate(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]):
        insert(conn, "user_model", model("openai", mid, orderkey.keys_after(None, 3)[i], True))
    insert(conn, "user_model", model("anthropic", "claude-sonnet-4-5", "a0", True))
    for i, mid in enumerate(["my-model", "my-embed"]):
        insert(
            conn,
            "user_model",
            model(USER_PROVIDER_ID, mid, ["a0", "a1"][i], description="mine", group="mine"),
        )


def _insert_references(conn: sqlite3.Connection) -> None:
    """What refers to models: assistants, a knowledge base, pins and preferences."""
    for aid, name, mid in [
        ("as-1", "Default", "openai::gpt-4o"),
        ("as-2", "Relay helper", f"{USER_PROVIDER_ID}::my-model"),
    ]:
        row = {"id": aid, "name": name, "model_id": mid, "created_at": T0, "updated_at": T0}
        insert(conn, "assistant", row)
    insert(
        conn,
        "knowledge_base",
        {
            "id": "kb-1",
            "name": "Handbook",
            "embedding_model_id": "openai::text-embedding-3-small",
            "rerank_model_id": None,
            "created_at": T0,
            "updated_at": T0,
        },
    )
    for i, mid in enumerate(["openai::gpt-4o", f"{USER_PROVIDER_ID}::my-model"]):
        pin = {
            "id": f"pin-{i}",
            "entity_type": "model",
            "entity_id": mid,
            "order_key": ["a0", "a1"][i],
            "created_at": T0,
            "updated_at": T0,
        }
        insert(conn, "pin", pin)
    for key, value in [
        ("chat.default_model_id", "openai::gpt-4o"),
        ("ui.theme", "dark"),
    ]:
        pref = {"key": key, "value": _j(value), "created_at": T0, "updated_at": T0}
        insert(conn, "preference", pref)


def build_data_folder(
    folder: Path,
    variant: str = "2.1",
    location: str = "Data",
    patch: Callable[[str], str] | None = None,
) -> Path:
    """A ``{userData}`` folder with the database in ``Data/`` (current) or the root (early 2.0)."""
    db = (
        folder / "Data" / "cherrystudio.sqlite"
        if location == "Data"
        else folder / "cherrystudio.sqlite"
    )
    return build_database(db, variant, patch)


def empty_database(path: Path, variant: str = "2.1") -> Path:
    """The app's schema and migration history with no rows, as a fresh install has."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(schema_sql(variant))
    for tag, created in MIGRATIONS_21 if variant == "2.1" else MIGRATIONS_20:
        digest = hashlib.sha256(tag.encode()).hexdigest()
        insert(conn, "__drizzle_migrations", {"hash": digest, "created_at": created})
    conn.close()
    return path


def write_v2_backup(
    path: Path,
    database: Path,
    *,
    app_version: str = "2.1.0",
    slim: bool = False,
    root_layout: bool = False,
) -> Path:
    """A format-7 zip as 2.x writes it (reference §4.13): the sealed database under ``Data/``.

    ``slim`` leaves out the files and the raw Chromium folders ("skip backup files");
    ``root_layout`` is the older accepted layout with the database at the zip root.
    """
    import zipfile

    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the app seals the database first
    conn.close()
    resources = {
        "database": root_layout,
        "cache": True,
        "appClaude": root_layout,
        "data": True,
        "indexedDB": not slim,
        "localStorage": not slim,
    }
    meta = {
        "version": 7,
        "timestamp": 1790942400000,
        "appName": "Cherry Studio",
        "appVersion": app_version,
        "platform": "darwin",
        "arch": "arm64",
        "resources": resources,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("metadata.json", json.dumps(meta, indent=2))
        zf.writestr("cache.json", json.dumps({"settings.provider.x.last_used_key_id": "k-1"}))
        zf.write(database, "cherrystudio.sqlite" if root_layout else "Data/cherrystudio.sqlite")
        if root_layout:
            zf.writestr(".claude/", b"")
        if not slim:
            zf.writestr("Data/Files/f1.png", b"\x89PNG" + bytes(64))
            zf.writestr("IndexedDB/", b"")
            zf.writestr("Local Storage/leveldb/CURRENT", b"MANIFEST-000001\n")
    return path
