"""A warm LiteLLM proxy over given OpenAI-compatible endpoints, for bench_startup.py.

LiteLLM is installed on first use into its own virtual environment under ``benchmarks/.cache/``
(git-ignored): ``python -m venv`` and ``pip install 'litellm[proxy]'``. The proxy runs on
loopback with one deployment per endpoint and is warmed up with one ``/health`` call before
anything is timed; its ``/health`` sends one completion (billable) to every deployment.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".cache" / "litellm"
MASTER_KEY = "sk-bench-master-0123456789abcdef"  # the proxy refuses to start without one
#: loopback only: never through a proxy from the environment
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def install(fresh: bool) -> Path | None:
    """The ``litellm`` script of the private venv, installed first if needed; None (and why,
    printed) when it cannot be installed."""
    script = VENV / "bin" / "litellm"
    if script.exists() and not fresh:
        return script
    print(f"installing litellm[proxy] into {VENV} (once) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "litellm[proxy]"]
        subprocess.run(pip, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"skipping the LiteLLM comparison: cannot install litellm[proxy] ({exc})")
        return None
    return script if script.exists() else None


def config(deployments: list[tuple[str, str, str]]) -> str:
    """The proxy's config: one deployment per (model, api_base, api_key)."""
    lines = ["general_settings:", f"  master_key: {MASTER_KEY}", "model_list:"]
    for i, (model, base, key) in enumerate(deployments):
        lines += [f"  - model_name: bench-{i}", "    litellm_params:"]
        lines += [
            f"      model: openai/{model}",
            f"      api_base: {base}",
            f"      api_key: {key}",
        ]
    return "\n".join(lines) + "\n"


def get(url: str, timeout: float = 120) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {MASTER_KEY}"})
    with OPENER.open(request, timeout=timeout) as reply:
        return bytes(reply.read())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    script: Path, deployments: list[tuple[str, str, str]], tmp: Path
) -> Iterator[tuple[str, int] | None]:
    """The proxy's URL and process id, started and warmed up; None if it does not start."""
    (tmp / "litellm.yaml").write_text(config(deployments))
    port = _free_port()
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "NO_PROXY": "*"}
    log = (tmp / "litellm.log").open("wb")
    command = [str(script), "--config", str(tmp / "litellm.yaml"), "--host", "127.0.0.1"]
    proxy = subprocess.Popen(
        [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proxy.poll() is None:
            try:
                get(url + "/health/liveliness", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            tail = (tmp / "litellm.log").read_text(errors="replace")[-1500:]
            print(f"skipping the LiteLLM comparison: the proxy did not start:\n{tail}")
            yield None
            return
        get(url + "/health")  # warm-up: imports, clients, connection pools
        yield url, proxy.pid
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proxy.kill()
        log.close()


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Health = Callable[[], tuple[float, float, float]]


@contextmanager
def warm(
    deployments: list[tuple[str, str, str]],
    tmp: Path,
    billed: Callable[[], int],
    *,
    reinstall: bool = False,
) -> Iterator[Health | None]:
    """A running, warm proxy as a function timing one ``GET /health``: (seconds, CPU seconds
    of the proxy, completions billed as ``billed()`` counts them); None without LiteLLM."""
    script = install(reinstall)
    proxy = None if script is None else running(script, deployments, tmp)
    with proxy if proxy is not None else nullcontext() as started:
        if started is None:
            yield None
            return
        url, pid = started

        def health() -> tuple[float, float, float]:
            count, cpu, start = billed(), cpu_seconds(pid), time.perf_counter()
            data = json.loads(get(url + "/health"))
            seconds = time.perf_counter() - start
            healthy, unhealthy = len(data["healthy_endpoints"]), data["unhealthy_count"]
            if healthy != len(deployments) or unhealthy:
                raise SystemExit(f"/health: {healthy} healthy, {unhealthy} unhealthy endpoints")
            return seconds, cpu_seconds(pid) - cpu, billed() - count

        yield health
