"""Benchmark: ``apply`` to a 1.x backup with a large ``Data/`` folder, against ``cp``.

Builds backups with incompressible, stored ``Data/`` members (50 MB and 500 MB by default) in a
temp folder, then times ``cp`` of the zip and cherrysync's apply in the same run (median of
``--repeat`` runs each, alternating) and reads each apply's peak RSS in a fresh child process.
Targets: apply <= 1.5 x cp, and peak memory independent of the backup's size.

    python benchmarks/bench_v1_apply.py [--sizes 50,500] [--repeat 3] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _shared import bench_providers

MB = 1024 * 1024
FILE_SIZE = 8 * MB


def _persist() -> str:
    def js(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    llm = {
        "providers": [
            {
                "id": "openai",
                "name": "OpenAI",
                "type": "openai-response",
                "apiKey": "",
                "apiHost": "https://api.openai.com",
                "models": [],
                "isSystem": True,
                "enabled": True,
            }
        ],
        "defaultModel": None,
        "settings": {},
    }
    state = {
        "llm": js(llm),
        "assistants": js({"defaultAssistant": {}, "assistants": [], "presets": []}),
        "settings": js({"language": "en-US"}),
        "_persist": js({"version": 209, "rehydrated": True}),
    }
    return js(state)


def build_backup(path: Path, size_mb: int) -> None:
    """``data.json`` plus ``size_mb`` of random ``Data/Files/*`` members, stored, streamed."""
    doc = {
        "time": 1764000000000,
        "version": 5,
        "localStorage": {"persist:cherry-studio": _persist()},
        "indexedDB": {"topics": [{"id": f"t{i}", "messages": []} for i in range(1000)]},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("data.json", json.dumps(doc))
        zf.writestr("Data/", b"")
        remaining, n = size_mb * MB, 0
        while remaining > 0:
            chunk = min(FILE_SIZE, remaining)
            info = zipfile.ZipInfo(f"Data/Files/{n:05d}.bin", (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            with zf.open(info, "w", force_zip64=False) as out:
                for _ in range(chunk // MB):
                    out.write(os.urandom(MB))
            remaining -= chunk
            n += 1


def child_apply(src: str, out: str) -> None:
    """Run in a fresh process: apply, then report wall time and peak RSS as JSON."""
    from cherrysync.targets.v1.target import BackupTarget

    providers = bench_providers()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    BackupTarget(Path(src), out=Path(out)).apply(providers, prune=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "peak_kb": peak, "baseline_kb": baseline}))


def time_cp(src: Path, dst: Path, *, durable: bool = False) -> float:
    """``cp``; with ``durable`` also fsync the copy, as apply does before its rename."""
    start = time.perf_counter()
    subprocess.run(["cp", str(src), str(dst)], check=True)
    if durable:
        fd = os.open(dst, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return time.perf_counter() - start


def run_apply(src: Path, dst: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(src), str(dst)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, float] = json.loads(result.stdout)
    return data


def bench(folder: Path, size_mb: int, repeat: int) -> dict[str, float]:
    src = folder / f"cherry-studio.{size_mb}mb.zip"
    build_backup(src, size_mb)
    dst = folder / "copy.zip"
    cps, durable, applies, peaks, baselines = [], [], [], [], []
    try:
        time_cp(src, dst, durable=True)  # warm the page cache for both contenders
        for _ in range(repeat):
            dst.unlink(missing_ok=True)
            cps.append(time_cp(src, dst))
            dst.unlink()
            os.sync()
            durable.append(time_cp(src, dst, durable=True))
            dst.unlink()
            os.sync()
            result = run_apply(src, dst)
            applies.append(result["wall"])
            peaks.append(result["peak_kb"] / 1024)
            baselines.append(result["baseline_kb"] / 1024)
    finally:
        dst.unlink(missing_ok=True)
        src.unlink(missing_ok=True)
    return {
        "size_mb": size_mb,
        "cp": statistics.median(cps),
        "cp_fsync": statistics.median(durable),
        "apply": statistics.median(applies),
        "peak_mb": max(peaks),
        "baseline_mb": max(baselines),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500", help="Data/ sizes in MB (default: 50,500)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="temp folder (default: the system's)")
    parser.add_argument("--child", nargs=2, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_apply(*args.child)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="cherrysync-bench-", dir=args.dir))
    print(
        f"{'Data/':>8} {'cp s':>8} {'cp+fsync':>9} {'apply s':>8} "
        f"{'/cp':>6} {'/cp+fsync':>9} {'peak RSS MB':>12}"
    )
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            row = bench(folder, size, args.repeat)
            rows.append(row)
            print(
                f"{size:>6}MB {row['cp']:>8.3f} {row['cp_fsync']:>9.3f} {row['apply']:>8.3f} "
                f"{row['apply'] / row['cp']:>6.2f} {row['apply'] / row['cp_fsync']:>9.2f} "
                f"{row['peak_mb']:>12.1f}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    worst = max(r["apply"] / r["cp_fsync"] for r in rows)
    plain = max(r["apply"] / r["cp"] for r in rows)
    spread = max(r["peak_mb"] for r in rows) - min(r["peak_mb"] for r in rows)
    print(
        f"worst ratio {worst:.2f} against cp+fsync (target <= 1.5), {plain:.2f} against plain cp "
        "(apply fsyncs the new zip before renaming it; cp does not)"
    )
    print(f"peak RSS spread {spread:.1f} MB across sizes (target: independent of size)")
    print(
        f"(peak includes the interpreter and imports: {rows[0]['baseline_mb']:.1f} MB before apply)"
    )
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
