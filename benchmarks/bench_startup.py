"""Benchmark start-up: a cold ``cherrysync`` process against a warm LiteLLM proxy doing the same
work, and ``cherrysync validate`` against check-jsonschema.

Same work, measured in one run: N providers (default 200) x 1 key x 1 model on loopback
emulator endpoints (one port each, tests/emulators, in a child process) that answer every request
L (default 100 ms) after it arrived, everything in flight at once.

- LiteLLM is installed into its own virtual environment under ``benchmarks/.cache/`` (git-ignored;
  ``python -m venv`` + ``pip install 'litellm[proxy]'``, once), configured with N deployments
  pointing at the emulators, started on loopback, warmed up (one ``/health`` call), and then its
  ``/health`` is timed (median of ``--runs``). It sends one billable completion per deployment.
- ``cherrysync check --concurrency N`` on an equivalent providers file runs as fresh processes
  (median of ``--runs``), start-up included: a user or a CI job pays it every time. It lists
  models; nothing is billed.
- ``cherrysync validate providers.example.yaml`` against ``check-jsonschema --schemafile
  schema/providers.schema.json providers.example.yaml``, fresh processes too (pre-commit runs it
  on every commit).

Targets: check / warm /health <= 0.5; validate / check-jsonschema <= 0.5. The start-up breakdown
shows the time to the first request (process start to the first request reaching an emulator)
and the heaviest top-level imports (``python -X importtime``) of ``check`` and ``validate``.
``--baseline REV`` measures the source tree of a git revision too, alternating with the working
tree run for run, so before and after share one machine state.

    python benchmarks/bench_startup.py [--providers 200] [--latency 0.1] [--runs 7]
                                       [--baseline REV] [--no-litellm]

Figures on a 2-core machine shared with other jobs (load ~0.7: absolute times wander, the ratios
of runs in turn less so), ``--runs 9 --baseline 6723a31`` (6723a31: before the last start-up work):

    LiteLLM proxy, warm, GET /health: 892 ms (CPU 820 ms; 200 completions billed per call)
    check-jsonschema providers.example.yaml: 244 ms (CPU 243 ms)
                                                  baseline 6723a31         this tree
    check --concurrency 200, cold process                   587 ms            353 ms
      / LiteLLM warm /health, wall time                       0.66              0.40   target 0.5
      / LiteLLM warm /health, CPU time                        0.61              0.31
    validate providers.example.yaml                         156 ms             74 ms
      / check-jsonschema, wall time                           0.64              0.30   target 0.5
      / check-jsonschema, CPU time                            0.63              0.30
    start-up: spawn to first request (check)                388 ms            179 ms
    imports, check (least of 5 runs)                        217 ms             94 ms
    imports, validate (least of 5 runs)                     113 ms             50 ms
    check, baseline:  cherrysync.check.positions 59 (pydantic and the model), httpcore 47 (of
                      which trio ~40: httpcore imports it whenever it is installed), ...runner 36
    check, this tree: cherrysync.check.runner 30, site 18, cherrysync.check.formats 17, ...
    validate, baseline:  cherrysync.validate.pipeline 66 (pydantic and the model), site 18, ...
    validate, this tree: site 17 (a .pth file of this machine imports certifi), pipeline 10, ...

Two more runs of the same comparison gave check 0.39-0.41 (baseline 0.64-0.68) and validate
0.22-0.30 (baseline 0.64-0.67).

What moved: the model converts YAML itself (cherrysync/strict.py; pydantic's import and validator
build were ~55 ms of both commands); the checker's own HTTP/1.1 transport (check/transport.py,
asyncio streams and h11) replaced httpcore and anyio, whose per-request bookkeeping was about a
fifth of the run phase and whose import pulled in trio where installed; the Redactor built its
key fragments in quadratic time (~30 ms over 200 providers); and each base URL was normalised
twice. The earlier step (fbb86c8 -> 6723a31) had moved the command modules' imports off the
paths that do not need them and paused the garbage collector during start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import litellm_proxy

ROOT = Path(__file__).resolve().parent.parent
#: what the ``cherrysync`` console script runs; ``-c`` so a baseline tree runs the same way
CLI = ["-c", "import sys; from cherrysync.cli import main; sys.exit(main())"]
#: loopback only: never through a proxy from the environment
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
MODEL = "model-a"
#: (ms of all imports, cumulative ms of each top-level import)
ImportProfile = tuple[float, dict[str, float]]


def key_for(index: int) -> str:
    return f"sk-bench-{index:04d}-0123456789abcdef"


# ---------------------------------------------------------------- emulators (child process)


def serve(count: int, latency: float) -> None:
    """Child process: N OpenAI emulators, each on its own port; print their URLs as JSON, serve
    until stdin closes. ``GET /__first`` (any emulator) returns the monotonic time the first
    request arrived since the last such call, and the number of completions billed."""
    sys.path.insert(0, str(ROOT / "tests"))
    from emulators import OpenAIEmulator, Reply, Request
    from emulators.aserver import serve as aserve

    arrivals: list[float] = []

    class Stamped(OpenAIEmulator):
        def handle(self, request: Request) -> Reply:
            if request.path == "/__first":
                first = min(arrivals, default=None)
                billed = sum(e.generation_requests() for e in servers)
                arrivals.clear()
                return Reply(body={"first": first, "billed": billed})
            arrivals.append(time.monotonic())
            return super().handle(request)

    servers = [Stamped([key_for(i)], [MODEL], latency=latency) for i in range(count)]

    async def run() -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[list[int]] = loop.create_future()
        task = asyncio.create_task(aserve(list(servers), ready))
        ports = await ready
        print(json.dumps([f"http://127.0.0.1:{p}" for p in ports]), flush=True)
        await loop.run_in_executor(None, sys.stdin.read)
        task.cancel()

    asyncio.run(run())


@contextmanager
def emulators(count: int, latency: float) -> Iterator[list[str]]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--providers", str(count), "--latency", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        yield list(json.loads(child.stdout.readline()))
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=30)


def first_arrival(url: str) -> tuple[float | None, int]:
    """(monotonic time of the first request since the last call, completions billed so far)."""
    with OPENER.open(url + "/__first", timeout=10) as reply:
        data = json.load(reply)
    return data["first"], int(data["billed"])


# ---------------------------------------------------------------- cherrysync, cold


def providers_yaml(urls: list[str]) -> str:
    lines = ["version: 1", "providers:"]
    for i, url in enumerate(urls):
        lines += [
            f"  - name: bench-{i}",
            "    type: openai",
            f"    base_url: {url}/v1/",  # the trailing slash: no base-url-v1-slash warning
            f"    api_key: ${{BENCH_KEY_{i}}}",
            f"    models: [{MODEL}]",
        ]
    return "\n".join(lines) + "\n"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds from spawn to exit, CPU seconds it used): the process must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{command[-4:]} exited {done.returncode}: {done.stderr[-800:]!r}")
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def started(command: list[str], env: dict[str, str], probe_url: str) -> tuple[float, ...]:
    """(wall seconds, CPU seconds, seconds from spawn to the first request an emulator saw)."""
    first_arrival(probe_url)  # reset
    spawned = time.monotonic()
    wall, cpu = timed(command, env)
    first, _ = first_arrival(probe_url)
    return wall, cpu, (first - spawned) if first is not None else float("nan")


# ---------------------------------------------------------------- trees and the breakdown


def trees(baseline: str | None, tmp: Path) -> dict[str, Path]:
    """Label -> the ``src`` folder its processes import cherrysync from (PYTHONPATH first)."""
    found = {"this tree": ROOT / "src"}
    if baseline:
        target = tmp / "baseline"
        target.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", baseline, "src"], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        found = {f"baseline {baseline}": target / "src", **found}
    return found


def env_for(src: Path, extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra, "PYTHONPATH": str(src), "NO_COLOR": "1"}


def import_profiles(
    commands: dict[tuple[str, str], tuple[list[str], dict[str, str]]], runs: int
) -> dict[tuple[str, str], ImportProfile]:
    """``python -X importtime`` of each command, ``runs`` rounds in turn: (ms of all imports,
    cumulative ms of each top-level import), each figure the least seen (noise only adds)."""
    own: dict[tuple[str, str], dict[str, int]] = {key: {} for key in commands}
    top: dict[tuple[str, str], dict[str, int]] = {key: {} for key in commands}
    for _ in range(runs):
        for key, (command, env) in commands.items():
            trace = subprocess.run(
                [sys.executable, "-X", "importtime", *command[1:]],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            ).stderr
            for line in trace.splitlines():
                if not line.startswith("import time:") or "imported package" in line:
                    continue
                self_us, cumulative, name = line[len("import time:") :].split("|")
                module = name.strip()
                own[key][module] = min(own[key].get(module, sys.maxsize), int(self_us))
                if not name.startswith("  "):  # one space: not imported by another import
                    top[key][module] = min(top[key].get(module, sys.maxsize), int(cumulative))
    return {
        key: (sum(own[key].values()) / 1000, {m: us / 1000 for m, us in top[key].items()})
        for key in commands
    }


def medians(samples: dict[str, list[tuple[float, ...]]]) -> dict[str, tuple[float, ...]]:
    """Label -> the median of each figure over its runs."""
    return {label: median_of(rows) for label, rows in samples.items()}


def median_of(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(column) for column in zip(*rows, strict=True))


def alternate(labels: list[str], runs: int, one: Callable[[str], None]) -> None:
    """Run ``one(label)`` ``runs`` times per label, alternating, so load drift hits all alike."""
    for _ in range(runs):
        for label in labels:
            one(label)


# ---------------------------------------------------------------- the comparisons


def compare_validate(sources: dict[str, Path], runs: int) -> dict[str, tuple[float, ...]]:
    """(wall, CPU) seconds of ``cherrysync validate`` per tree, and of check-jsonschema."""
    checker = shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit("check-jsonschema is not installed (pip install -e '.[test]')")
    example = str(ROOT / "providers.example.yaml")
    schema = str(ROOT / "schema" / "providers.schema.json")
    commands = {
        label: ([sys.executable, *CLI, "validate", example], env_for(src, {}))
        for label, src in sources.items()
    }
    commands["check-jsonschema"] = ([checker, "--schemafile", schema, example], dict(os.environ))
    samples: dict[str, list[tuple[float, ...]]] = {label: [] for label in commands}
    alternate(list(commands), runs, lambda label: samples[label].append(timed(*commands[label])))
    return medians(samples)


def compare_check(
    args: argparse.Namespace, sources: dict[str, Path], urls: list[str], tmp: Path
) -> tuple[dict[str, tuple[float, ...]], list[str]]:
    """(wall, CPU, to the first request) seconds of cold ``check`` processes per tree, and
    (wall, CPU, completions billed) of the warm proxy's ``/health`` as "LiteLLM", run for run
    in turn (the idle proxy's own background work then weighs on cherrysync, not the reverse)."""
    path = tmp / "providers.yaml"
    path.write_text(providers_yaml(urls))
    keys = {f"BENCH_KEY_{i}": key_for(i) for i in range(len(urls))}
    command = [sys.executable, *CLI, "check", str(path)]
    command += ["--concurrency", str(len(urls)), "--format", "json"]
    deployments = [(MODEL, f"{url}/v1", key_for(i)) for i, url in enumerate(urls)]

    def billed() -> int:
        return first_arrival(urls[0])[1]

    proxy = (
        nullcontext()
        if args.no_litellm
        else litellm_proxy.warm(deployments, tmp, billed, reinstall=args.reinstall)
    )
    samples: dict[str, list[tuple[float, ...]]] = {label: [] for label in [*sources, "LiteLLM"]}
    with proxy as health:
        for _ in range(args.runs):
            if health is not None:
                samples["LiteLLM"].append(health())
            for label, src in sources.items():
                samples[label].append(started(command, env_for(src, keys), urls[0]))
    return {k: median_of(rows) for k, rows in samples.items() if rows}, command


def _row(label: str, cells: list[str], note: str = "") -> None:
    print(f"{label:<44}" + "".join(f"{c:>18}" for c in cells) + (f"   {note}" if note else ""))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def ratio_rows(
    ours: dict[str, tuple[float, ...]], labels: list[str], theirs: str, other: tuple[float, ...]
) -> None:
    """Wall and CPU time per tree and their ratios to the other tool's (the target: wall)."""
    _row(f"  / {theirs}, wall time", [f"{ours[k][0] / other[0]:.2f}" for k in labels], "target 0.5")
    _row("  CPU time (user + system)", [_ms(ours[k][1]) for k in labels])
    _row(f"  / {theirs}, CPU time", [f"{ours[k][1] / other[1]:.2f}" for k in labels])


def breakdown(
    args: argparse.Namespace, sources: dict[str, Path], check: list[str], keys: dict[str, str]
) -> None:
    """Import time of ``check`` and ``validate`` per tree, and their heaviest imports."""
    example = [sys.executable, *CLI, "validate", str(ROOT / "providers.example.yaml")]
    profiles = import_profiles(
        {
            (name, label): (command, env_for(src, keys))
            for name, command in (("check", check), ("validate", example))
            for label, src in sources.items()
        },
        args.import_runs,
    )
    for name in ("check", "validate"):
        _row(
            f"imports, {name} (least of {args.import_runs} runs)",
            [f"{profiles[name, k][0]:.0f} ms" for k in sources],
        )
    print("heaviest top-level imports (cumulative ms):")
    for (name, label), (_, top) in profiles.items():
        ranked = sorted(top.items(), key=lambda item: -item[1])[: args.top]
        print(f"  {name}, {label}: " + ", ".join(f"{m} {ms:.0f}" for m, ms in ranked))


def report(args: argparse.Namespace, sources: dict[str, Path], urls: list[str], tmp: Path) -> None:
    validate = compare_validate(sources, args.runs)
    check, check_command = compare_check(args, sources, urls, tmp)
    proxy = check.get("LiteLLM")
    labels, n, cjs = list(sources), len(urls), validate["check-jsonschema"]
    print(
        f"\n{n} providers x 1 key x 1 model, loopback endpoints answering in "
        f"{args.latency * 1000:.0f} ms; medians of {args.runs} runs"
    )
    if proxy is not None:
        print(
            f"LiteLLM proxy, warm, GET /health: {_ms(proxy[0])} (CPU {_ms(proxy[1])}; "
            f"{proxy[2]:.0f} completions billed per call)"
        )
    print(f"check-jsonschema providers.example.yaml: {_ms(cjs[0])} (CPU {_ms(cjs[1])})\n")
    _row("", labels)
    _row(f"check --concurrency {n}, cold process", [_ms(check[k][0]) for k in labels])
    if proxy is not None:
        ratio_rows(check, labels, "LiteLLM warm /health", proxy)
    _row("validate providers.example.yaml", [_ms(validate[k][0]) for k in labels])
    ratio_rows(validate, labels, "check-jsonschema", cjs)
    _row("start-up: spawn to first request (check)", [_ms(check[k][2]) for k in labels])
    breakdown(args, sources, check_command, {f"BENCH_KEY_{i}": key_for(i) for i in range(n)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=6, help="import entries shown per command")
    parser.add_argument("--import-runs", type=int, default=5, help="-X importtime runs")
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision")
    parser.add_argument("--no-litellm", action="store_true", help="skip the proxy comparison")
    parser.add_argument("--reinstall", action="store_true", help="reinstall litellm[proxy]")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.providers, args.latency)
        return 0
    with tempfile.TemporaryDirectory() as name, emulators(args.providers, args.latency) as urls:
        tmp = Path(name)
        report(args, trees(args.baseline, tmp), urls, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
