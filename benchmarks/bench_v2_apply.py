"""Benchmark: apply 100 providers x 100 models into a 2.x database already holding 10,000 models.

Prints wall times and the number of write transactions, counted independently of cherrysync by
tracing every SQL statement sent on the connections it opens. Run:

    python benchmarks/bench_v2_apply.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from cherrysync.resolve import resolve_providers  # noqa: E402
from cherrysync.samples.v2db import build_data_folder  # noqa: E402
from cherrysync.targets.v2.target import DatabaseTarget, orderkey  # noqa: E402
from cherrysync.validate.pipeline import ValidationOptions, validate_path  # noqa: E402
from v2checks import check_invariants  # noqa: E402

PROVIDERS = 100
MODELS = 100
STATEMENTS: list[str] = []
_connect = sqlite3.connect


def _traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn: sqlite3.Connection = _connect(*args, **kwargs)
    conn.set_trace_callback(STATEMENTS.append)
    return conn


def _seed_existing(db: Path) -> None:
    """100 more custom providers with 100 models each: 10,000 models already there."""
    conn = _connect(db, isolation_level=None)
    conn.execute("BEGIN")
    keys = orderkey.keys_after("a4", PROVIDERS)
    model_keys = orderkey.keys_after(None, MODELS)
    for p, key in enumerate(keys):
        pid = f"existing-{p:03d}"
        conn.execute(
            "INSERT INTO user_provider (provider_id, name, endpoint_configs, default_chat_endpoint,"
            " api_keys, auth_config, is_enabled, order_key, created_at, updated_at) VALUES "
            '(?, ?, \'{"openai-chat-completions":{"baseUrl":"https://e.example"}}\', '
            "'openai-chat-completions', '[]', '{\"type\":\"api-key\"}', 1, ?, 1, 1)",
            (pid, f"Existing {p}", key),
        )
        conn.executemany(
            "INSERT INTO user_model (id, provider_id, model_id, name, capabilities, "
            "supports_streaming, order_key, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, '[]', 1, ?, 1, 1)",
            [(f"{pid}::m-{m}", pid, f"m-{m}", f"m-{m}", model_keys[m]) for m in range(MODELS)],
        )
    conn.execute("COMMIT")
    conn.close()


def _providers_file(path: Path) -> None:
    lines = ["version: 1", "providers:"]
    for p in range(PROVIDERS):
        lines += [
            f"  - name: Bench {p}",
            f"    id: bench-{p:03d}",
            "    type: openai",
            f"    base_url: https://bench{p}.example/v1",
            "    api_key: ${BENCH_KEY}",
            "    models:",
        ]
        lines += [f"      - model-{m}/variant-{m}" for m in range(MODELS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "CherryStudio"
        db = build_data_folder(folder)
        _seed_existing(db)
        file = Path(tmp) / "providers.yaml"
        _providers_file(file)
        env = {"BENCH_KEY": "sk-bench-0123456789abcdef"}

        start = time.perf_counter()
        validated = validate_path(str(file), ValidationOptions(env=env))
        assert validated.ok and validated.model is not None
        providers, problems = resolve_providers(validated.model, env)
        assert not problems
        load_time = time.perf_counter() - start

        sqlite3.connect = _traced_connect  # type: ignore[assignment]
        try:
            target = DatabaseTarget.locate(str(folder))
            start = time.perf_counter()
            plan = target.plan(providers, prune=False)
            plan_time = time.perf_counter() - start
            STATEMENTS.clear()
            start = time.perf_counter()
            result = target.apply(providers, prune=False)
            apply_time = time.perf_counter() - start
            begins = sum(s.strip().upper().startswith("BEGIN") for s in STATEMENTS)
            commits = sum(s.strip().upper() == "COMMIT" for s in STATEMENTS)
            start = time.perf_counter()
            again = DatabaseTarget.locate(str(folder)).plan(providers, prune=False)
            replan_time = time.perf_counter() - start
        finally:
            sqlite3.connect = _connect
        check_invariants(db)
        conn = _connect(db)
        total = conn.execute("SELECT count(*) FROM user_model").fetchone()[0]
        conn.close()

    print(f"database: 10,006 models before, {total:,} after; plan: {plan.count('add'):,} adds")
    print(f"load + validate + resolve file: {load_time:.3f} s")
    print(f"plan (read db + diff):          {plan_time:.3f} s")
    print(f"apply (re-plan, backup, write): {apply_time:.3f} s")
    print(f"re-plan after apply:            {replan_time:.3f} s ({len(again.changes)} changes)")
    print(
        f"write transactions: {result.transactions} reported; traced BEGIN {begins}, "
        f"COMMIT {commits}"
    )


if __name__ == "__main__":
    main()
