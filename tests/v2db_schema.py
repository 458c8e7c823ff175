"""An empty Cherry Studio 2.1.x database, built from the reference (§4.2-§4.4), for import tests.

Used only when ``cherrysync.targets.v2db`` exists; the v2 target's own fixtures are authoritative.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, created_at NUMERIC);
CREATE TABLE user_provider (
  provider_id TEXT PRIMARY KEY NOT NULL,
  preset_provider_id TEXT,
  name TEXT NOT NULL,
  logo_key TEXT,
  endpoint_configs TEXT,
  default_chat_endpoint TEXT,
  api_keys TEXT DEFAULT '[]',
  auth_config TEXT,
  provider_settings TEXT,
  is_enabled INTEGER NOT NULL DEFAULT 0,
  order_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX user_provider_preset_idx ON user_provider (preset_provider_id);
CREATE INDEX user_provider_enabled_idx ON user_provider (is_enabled);
CREATE INDEX user_provider_order_key_idx ON user_provider (order_key);
CREATE TABLE user_model (
  id TEXT PRIMARY KEY NOT NULL,
  provider_id TEXT NOT NULL REFERENCES user_provider(provider_id) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  preset_model_id TEXT,
  name TEXT,
  description TEXT,
  "group" TEXT,
  capabilities TEXT,
  input_modalities TEXT,
  output_modalities TEXT,
  input_modalities_explicit INTEGER NOT NULL DEFAULT 0,
  endpoint_types TEXT,
  context_window INTEGER,
  max_input_tokens INTEGER,
  max_output_tokens INTEGER,
  supports_streaming INTEGER,
  reasoning TEXT,
  parameters TEXT,
  pricing TEXT,
  is_enabled INTEGER NOT NULL DEFAULT 1,
  is_hidden INTEGER NOT NULL DEFAULT 0,
  is_deprecated INTEGER NOT NULL DEFAULT 0,
  order_key TEXT NOT NULL,
  notes TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CONSTRAINT user_model_custom_config_check CHECK (
    preset_model_id IS NOT NULL
    OR (name IS NOT NULL AND capabilities IS NOT NULL AND supports_streaming IS NOT NULL)
  )
);
CREATE UNIQUE INDEX user_model_provider_model_unique ON user_model (provider_id, model_id);
CREATE TABLE preference (
  scope TEXT NOT NULL DEFAULT 'default',
  key TEXT NOT NULL,
  value TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE TABLE pin (
  id TEXT PRIMARY KEY NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  order_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
"""


def empty_v2_database(folder: Path) -> Path:
    """``{folder}/Data/cherrystudio.sqlite`` with the 2.1.x provider tables and no rows."""
    path = folder / "Data" / "cherrystudio.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)",
            ("0012", 1760000000000),
        )
    return path
