"""Benchmark: `cherrysync validate` on a 500-provider file against check-jsonschema.

Both run as fresh processes on the same generated file (startup included, as a user or a
pre-commit hook sees it); we print the median wall time of each and their ratio
(cherrysync / check-jsonschema; target below 1.0), then show with ``python -X importtime`` that
validate never imports httpx.

    python benchmarks/bench_validate.py [--providers 500] [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["openai", "anthropic", "gemini", "ollama", "openai-response"]


def generate(count: int) -> str:
    lines = ["version: 1", "providers:"]
    for i in range(count):
        kind = TYPES[i % len(TYPES)]
        lines += [
            f"  - name: Provider {i}",
            f"    id: provider-{i}",
            f"    type: {kind}",
            f"    base_url: https://relay{i}.example.com/v1/",
            f"    api_key: ${{PROVIDER_{i}_KEY}}",
            "    headers:",
            "      X-Team: platform",
            f"    notes: generated provider {i}",
            "    models:",
        ]
        for m in range(8):
            lines += [
                f"      - id: model-{m}",
                f"        name: Model {m}",
                "        capabilities: [vision, function_calling]",
            ]
    return "\n".join(lines) + "\n"


def median_wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0,):
            raise SystemExit(f"{command[0]} failed: {done.stdout[-500:]!r} {done.stderr[-500:]!r}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    checker = shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit("check-jsonschema is not installed (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "providers.yaml"
        source.write_text(generate(args.providers))
        size = source.stat().st_size
        ours = median_wall([sys.executable, "-m", "cherrysync", "validate", str(source)], args.runs)
        theirs = median_wall(
            [checker, "--schemafile", str(ROOT / "schema/providers.schema.json"), str(source)],
            args.runs,
        )
        print(
            f"file: {args.providers} providers, {size / 1024:.0f} KiB; median of {args.runs} runs"
        )
        print(f"cherrysync validate:           {ours * 1000:7.0f} ms")
        print(f"check-jsonschema --schemafile: {theirs * 1000:7.0f} ms")
        print(f"ratio (target < 1.0):          {ours / theirs:7.2f}")
        trace = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-c",
                f"from cherrysync.cli import main; main(['validate', {str(source)!r}])",
            ],
            capture_output=True,
            text=True,
            check=False,
        ).stderr
        modules = [line.rsplit("|", 1)[-1].strip() for line in trace.splitlines() if "|" in line]
        http = sorted({m for m in modules if m.split(".")[0] in ("httpx", "httpcore", "h11")})
        print(
            f"modules imported by validate: {len(modules)}; HTTP stack among them: "
            f"{', '.join(http) or 'none'}"
        )


if __name__ == "__main__":
    main()
