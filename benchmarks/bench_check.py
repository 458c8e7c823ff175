"""Benchmark ``cherrysync check``: 200 providers x 3 keys against loopback emulators.

The emulators (OpenAI, vLLM, LiteLLM, Anthropic and Gemini flavours, 50 servers) run in a child
process so they do not share the checker's interpreter, behind one asyncio front end
(tests/emulators/aserver.py), and answer every request exactly L (default 100 ms) after it
arrived.

Efficiency = wall time / critical path, where the critical path is the shortest time any
scheduler could need under the configured limits, given the requests actually sent:

    critical = L x max( ceil(N / C),                 # N requests through C global slots
                        max_h ceil(n_h / P),         # n_h requests to host h through P slots
                        k )                          # k = longest chain of dependent requests

N and n_h come from the emulators' own request logs; k is 1 here, since each key needs a single
listing request (every configured model is on the first page), and 2 with --probe (the list,
then the probe). 1.0 is perfect; the target is at most 1.2.

LiteLLM providers are also asked ``/model/info`` once (their first key), for the capability
comparison; those metadata requests are counted separately and make k = 2 for them.

Wall time covers the whole command: loading and validating the file, the checks and rendering
the report. The per-stage times of a second run, and a bare-httpx run of the same number of
requests under the same limits, are printed too, to show where the rest goes. Generation
requests are counted by the emulators (chat, embeddings, messages, generateContent) and must
be 0 without --probe. Peak memory is the checker process's maximum resident set size, read
right after the command.

Usage: python benchmarks/bench_check.py [--providers 200] [--keys 3] [--latency 0.1]
                                        [--concurrency 16] [--per-host 4] [--probe]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

FLAVOURS = ("openai", "vllm", "litellm", "anthropic", "gemini")
SERVERS = 50
MODELS = ["model-a", "model-b", "model-c"]


def key_for(provider: int, k: int) -> str:
    return f"sk-bench-{provider:04d}-{k}-0123456789abcdef"


def serve(args: argparse.Namespace) -> None:
    """Child process: start the emulators, print their URLs, serve until stdin closes."""
    from emulators import (
        AnthropicEmulator,
        Emulator,
        GeminiEmulator,
        LiteLLMEmulator,
        OpenAIEmulator,
        Reply,
        VLLMEmulator,
    )

    keys = [key_for(p, k) for p in range(args.providers) for k in range(args.keys)]
    servers: list[Emulator] = []
    for index in range(SERVERS):
        flavour = FLAVOURS[index % len(FLAVOURS)]
        kw: dict[str, Any] = {"latency": args.latency}
        if flavour == "openai":
            servers.append(OpenAIEmulator(keys, MODELS, **kw))
        elif flavour == "vllm":
            servers.append(VLLMEmulator(MODELS, keys=keys, **kw))
        elif flavour == "litellm":
            # LiteLLM has one master key; the bench gives every provider key master rights.
            emu = LiteLLMEmulator("unused", MODELS, **kw)
            emu.master_key = None  # type: ignore[assignment]
            emu._key = lambda request: None  # type: ignore[method-assign]
            servers.append(_open_litellm(emu, set(keys)))
        elif flavour == "anthropic":
            servers.append(AnthropicEmulator(keys, MODELS, **kw))
        else:
            servers.append(GeminiEmulator(keys, MODELS, **kw))
    for server in servers:

        def stats(_: Any, server: Emulator = server) -> Reply:
            listed = [r for r in server.requests if r.path != "/__stats"]
            return Reply(
                body={
                    "requests": len(listed),
                    "generation": server.generation_requests(),
                    "metadata": server.metadata_requests(),
                }
            )

        server.inject("^/__stats$", stats)
    asyncio.run(_serve_until_stdin_closes(servers))


async def _serve_until_stdin_closes(servers: list[Any]) -> None:
    from emulators.aserver import serve as aserve

    loop = asyncio.get_running_loop()
    ready: asyncio.Future[list[int]] = loop.create_future()
    task = asyncio.create_task(aserve(servers, ready))
    ports = await ready
    print(
        json.dumps(
            [[s.name, f"http://127.0.0.1:{p}"] for s, p in zip(servers, ports, strict=True)]
        ),
        flush=True,
    )
    await loop.run_in_executor(None, sys.stdin.read)
    task.cancel()


def _open_litellm(emu: Any, keys: set[str]) -> Any:
    from emulators import LiteLLMEmulator

    class BenchLiteLLM(LiteLLMEmulator):
        def _key(self, request: Any) -> str | None:
            value = request.headers.get("authorization", "")
            token = value[7:] if value.startswith("Bearer ") else None
            return self.master_key if token in keys else token

    info = {m: {"mode": "chat", "supports_function_calling": True} for m in MODELS}
    return BenchLiteLLM("master", MODELS, latency=emu.latency, model_info=info)


def providers_yaml(servers: list[list[str]], count: int, keys: int) -> str:
    types = {
        "openai": "openai",
        "vllm": "openai",
        "litellm": "openai",
        "anthropic": "anthropic",
        "gemini": "gemini",
    }
    lines = ["version: 1", "providers:"]
    for p in range(count):
        name, url = servers[p % len(servers)]
        lines += [
            f"  - name: bench-{p}",
            f"    type: {types[name]}",
            f"    base_url: {url}",
            "    api_key:",
            *[f"      - ${{BENCH_{p}_{k}}}" for k in range(keys)],
            f"    models: [{', '.join(MODELS)}]",
        ]
    return "\n".join(lines) + "\n"


def _phases(path: Path, args: argparse.Namespace) -> dict[str, float]:
    """The same pipeline as ``cherrysync check``, timed per stage (a second run)."""
    import asyncio as aio

    from cherrysync.check.formats import render
    from cherrysync.check.runner import Runner, Settings
    from cherrysync.commands.common import load_providers

    t0 = time.perf_counter()
    loaded = load_providers(str(path), dict(os.environ))
    t1 = time.perf_counter()
    settings = Settings(probe=args.probe, concurrency=args.concurrency, per_host=args.per_host)
    results = aio.run(Runner(settings).run(loaded.providers))
    t2 = time.perf_counter()
    render("json", results)
    t3 = time.perf_counter()
    return {"load": t1 - t0, "checks": t2 - t1, "report": t3 - t2}


def _httpx_floor(servers: list[list[str]], total: int, args: argparse.Namespace) -> float:
    """Bare httpx, no checker: ``total`` GETs with the same limits, reusing one client per
    host. What this machine and the emulators allow at best."""
    import asyncio as aio

    import httpx

    async def run() -> float:
        limit = aio.Semaphore(args.concurrency)
        hosts = [aio.Semaphore(args.per_host) for _ in servers]
        clients = [httpx.AsyncClient(trust_env=False) for _ in servers]

        async def one(i: int) -> None:
            async with hosts[i % len(servers)], limit:
                await clients[i % len(servers)].get(servers[i % len(servers)][1] + "/__stats")

        started = time.perf_counter()
        await aio.gather(*(one(i) for i in range(total)))
        elapsed = time.perf_counter() - started
        for client in clients:
            await client.aclose()
        return elapsed

    return aio.run(run())


def fetch_stats(url: str) -> dict[str, int]:
    import httpx

    return dict(httpx.get(url + "/__stats", timeout=10, trust_env=False).json())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--keys", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return 0

    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--providers",
            str(args.providers),
            "--keys",
            str(args.keys),
            "--latency",
            str(args.latency),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        servers = json.loads(child.stdout.readline())
        for p in range(args.providers):
            for k in range(args.keys):
                os.environ[f"BENCH_{p}_{k}"] = key_for(p, k)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "providers.yaml"
            path.write_text(providers_yaml(servers, args.providers, args.keys))
            from cherrysync.cli import main as cli

            argv = [
                "check",
                str(path),
                "--format",
                "json",
                "--concurrency",
                str(args.concurrency),
                "--per-host",
                str(args.per_host),
            ]
            if args.probe:
                argv.append("--probe")
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                code = cli(argv)
            wall = time.perf_counter() - started
            peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            stats_first = [fetch_stats(url) for _, url in servers]
            phases = _phases(path, args)
            floor = _httpx_floor(servers, sum(s["requests"] for s in stats_first), args)
        report = json.loads(out.getvalue())
        stats = stats_first
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=30)

    total = sum(s["requests"] for s in stats)
    generation = sum(s["generation"] for s in stats)
    metadata = sum(s["metadata"] for s in stats)
    per_host = max(s["requests"] for s in stats)
    # the list, then the probe or the metadata request (both after the list, side by side)
    chain = 2 if args.probe or metadata else 1
    waves = max(math.ceil(total / args.concurrency), math.ceil(per_host / args.per_host), chain)
    critical = waves * args.latency
    failed = report["summary"]["failed"]
    print(
        f"providers x keys:     {args.providers} x {args.keys} "
        f"({len(report['results'])} results, {failed} failed, exit {code})"
    )
    print(
        f"requests sent:        {total} (busiest host {per_host}; "
        f"concurrency {args.concurrency}, per-host {args.per_host}, latency "
        f"{args.latency * 1000:.0f} ms)"
    )
    print(
        f"critical path:        {critical:.2f} s = {args.latency:g} s x max(ceil({total}/"
        f"{args.concurrency}), ceil({per_host}/{args.per_host}), {chain})"
    )
    print(
        f"wall time:            {wall:.2f} s (whole command: load and validate the file, "
        "checks, report)"
    )
    print(f"wall / critical path: {wall / critical:.3f} (target <= 1.2)")
    print(
        f"  by stage (2nd run): load+validate {phases['load']:.2f} s, checks "
        f"{phases['checks']:.2f} s, report {phases['report']:.2f} s; "
        f"checks / critical path: {phases['checks'] / critical:.3f}"
    )
    print(
        f"  bare httpx, same requests and limits, no checker: {floor:.2f} s "
        f"({floor / critical:.3f} x critical path): the floor on this machine"
    )
    print(
        f"generation requests:  {generation}"
        + ("" if args.probe else " (must be 0 without --probe)")
    )
    print(
        f"metadata requests:    {metadata} (capabilities: LiteLLM /model/info, first key of "
        "each LiteLLM provider; the other flavours' lists carry what they report)"
    )
    print(f"peak memory (RSS):    {peak_mib:.1f} MiB (checker process, after the command)")
    return 0 if failed == 0 and (args.probe or generation == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
