"""Benchmark: peak memory of ``cherrysync check`` against N providers answering gzip bombs at once.

Each provider has its own loopback endpoint (so the per-host limit does not serialise them)
whose model list is a gzip bomb: B MiB of zeros compressed to about B KiB. ``check`` runs in a
child process (``--concurrency N``, no retries); its peak resident set size is read with
``wait4`` when it ends. The baseline is the same run against endpoints serving a small, normal
listing, so the difference is what the bombs cost. Target: peak under 200 MB with 16 bombs.

    python benchmarks/bench_bombs.py [--providers 16] [--bomb-mib 256] [--src PATH]

``--src`` runs the checker from another source tree (e.g. an export of an older commit), to
measure it under the same conditions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zlib
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from emulators import OpenAIEmulator, Reply  # noqa: E402

KEY = "sk-bench-bombs-0123456789abcdef"
TARGET_MB = 200


def gzip_bomb(mib: int) -> bytes:
    """``mib`` MiB of zeros, gzipped (about 1 KiB per MiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(mib)) + packer.flush()


def providers_file(folder: Path, urls: list[str]) -> Path:
    lines = ["version: 1", "providers:"]
    for i, url in enumerate(urls):
        lines.append(
            f"  - {{name: p{i}, id: p{i}, type: openai, base_url: '{url}', "
            "api_key: '${BENCH_KEY}', models: [gpt-4o]}"
        )
    path = folder / "providers.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_check(path: Path, concurrency: int, src: str | None) -> tuple[float, dict[str, int]]:
    """Peak RSS in MB of one ``check`` child, and its result statuses counted."""
    env = {**os.environ, "BENCH_KEY": KEY}
    if src:
        env["PYTHONPATH"] = src
    command = [sys.executable, "-m", "cherrysync", "check", str(path), "--format", "json"]
    command += ["--retries", "0", "--timeout", "30", "--concurrency", str(concurrency)]
    command += ["--per-host", str(concurrency)]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        out.seek(0)
        report = json.loads(out.read() or b'{"results": []}')
    counts: dict[str, int] = {}
    for result in report["results"]:
        if result["model"] is None:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
    return usage.ru_maxrss / 1024, counts


def measure(providers: int, reply: Reply, src: str | None) -> tuple[float, dict[str, int]]:
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        servers = [stack.enter_context(OpenAIEmulator([KEY], ["gpt-4o"])) for _ in range(providers)]
        for server in servers:
            server.inject("^/v1/models$", reply)
        path = providers_file(Path(tmp), [s.url for s in servers])
        return run_check(path, providers, src)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=16)
    parser.add_argument("--bomb-mib", type=int, default=256, help="decompressed size (MiB)")
    parser.add_argument("--src", help="PYTHONPATH of the cherrysync to measure (default: this)")
    args = parser.parse_args()
    bomb = gzip_bomb(args.bomb_mib)
    normal = Reply(200, {"object": "list", "data": [{"id": "gpt-4o", "owned_by": "system"}]})
    bombing = Reply(200, bomb, raw=True, headers={"Content-Encoding": "gzip"})
    base_mb, base_counts = measure(args.providers, normal, args.src)
    peak_mb, counts = measure(args.providers, bombing, args.src)
    print(f"{args.providers} providers, each a {args.bomb_mib} MiB gzip bomb of {len(bomb)} bytes")
    print(f"baseline (normal listings): peak RSS {base_mb:7.1f} MB  {base_counts}")
    print(f"gzip bombs in parallel:     peak RSS {peak_mb:7.1f} MB  {counts}")
    print(f"bombs cost {peak_mb - base_mb:.1f} MB over the baseline; target: peak < {TARGET_MB} MB")
    return 0 if peak_mb < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
