"""Benchmark: peak memory of ``plan`` and ``apply`` on a 1.x backup with a huge ``data.json``.

Builds a format-5 backup whose ``data.json`` is ``--size`` MiB (1024 by default), nearly all of
it one IndexedDB value of chat messages (text with newlines, quotes, backslashes, CJK and
emoji, as real chats have), written to the zip in pieces so this script never holds it. Then
runs ``plan`` and ``apply`` (``BackupTarget``, as the commands do) each in a fresh child process
and reports that child's own peak RSS (``VmHWM`` from /proc, else ``ru_maxrss``) and wall time.
Target: both under 300 MB, whatever the size of ``data.json``.

``--baseline`` also measures what a full JSON parse of that ``data.json`` costs (how cherrysync
read it before it streamed), in a child of its own; it needs several times the size in RAM.

    python benchmarks/bench_v1_memory.py [--size 1024] [--dir /tmp] [--baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _shared import bench_providers

MB = 1 << 20
TARGET_MB = 300
WORDS = [
    "the", "model", "answer", "你好", "世界", "```python\nprint(x)\n```", '"quoted"',
    "[1, 2]", "{a: b}", "C:\\Users\\me", "\n", "\n\n", "emoji 🍒", "naïve", "<b>bold</b>",
]  # fmt: skip


def _blocks(rng: random.Random, count: int) -> list[bytes]:
    """A pool of message blocks as the app stores them, encoded once."""
    pool = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 600)))
        block = {
            "id": f"block-{i}",
            "messageId": f"msg-{i}",
            "type": "main_text",
            "createdAt": "2026-11-25T12:00:00.000Z",
            "status": "success",
            "content": text,
        }
        pool.append(json.dumps(block, ensure_ascii=False).encode())
    return pool


def build_backup(path: Path, size_mb: int) -> int:
    """The backup; returns the size of its ``data.json`` in bytes."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from cherrysync.samples.v1backup import data_json, js

    head, tail = js(data_json(indexedDB={"message_blocks": "HOLE"})).split('"HOLE"')
    pool = _blocks(random.Random(11), 2000)
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("data.json", "w", force_zip64=True) as out:
            out.write(head.encode() + b"[")
            written += len(head) + 1
            n = 0
            while written < size_mb * MB:
                piece = (b"," if n else b"") + pool[n % len(pool)]
                out.write(piece)
                written += len(piece)
                n += 1
            out.write(b"]" + tail.encode())
            written += 1 + len(tail.encode())
        zf.writestr("Data/", b"")
        zf.writestr("Data/Files/f1.png", os.urandom(70_000))
    return written


def child(step: str, src: str, out: str) -> None:
    """In a fresh process: one plan or apply (or a full parse, for --baseline)."""
    if step == "parse":
        with zipfile.ZipFile(src) as zf:
            json.loads(zf.read("data.json"))
        return
    from cherrysync.targets.v1.target import BackupTarget

    providers = bench_providers()
    target = BackupTarget(Path(src), out=Path(out), force=True)
    if step == "plan":
        target.plan(providers, prune=False)
    else:
        target.apply(providers, prune=False)


def peak_rss_mb() -> float:
    """This process's own peak RSS: ``VmHWM`` where /proc has it (``ru_maxrss`` would start
    from the parent's peak, which Linux carries across fork and exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def measure(step: str, src: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of ``step`` run alone in a fresh child process."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--child", step, str(src), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    return float(result.stdout.split()[-1]), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="data.json size in MiB")
    parser.add_argument("--dir", default=None, help="temp folder (default: the system's)")
    parser.add_argument("--baseline", action="store_true", help="also time a full JSON parse")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "SRC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        print(f"{peak_rss_mb():.1f}")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="cherrysync-bench-", dir=args.dir))
    try:
        src, out = folder / "cherry-studio.zip", folder / "cherry-studio.cherrysync.zip"
        start = time.perf_counter()
        size = build_backup(src, args.size)
        print(
            f"data.json {size / MB:.0f} MiB, zip {src.stat().st_size / MB:.0f} MiB "
            f"(built in {time.perf_counter() - start:.0f} s)"
        )
        steps = ["plan", "apply", *(["parse"] if args.baseline else [])]
        peaks = {}
        for step in steps:
            peak, wall = measure(step, src, out)
            peaks[step] = peak
            print(f"{step:>6}: peak RSS {peak:7.1f} MB, {wall:6.1f} s")
        with zipfile.ZipFile(out) as zf:
            assert zf.getinfo("data.json").file_size > size - MB
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    worst = max(peaks["plan"], peaks["apply"])
    print(f"worst peak {worst:.1f} MB (target < {TARGET_MB} MB, independent of data.json's size)")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
