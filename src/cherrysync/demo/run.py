"""The demo script: every stage of cherrysync, offline, in a few seconds.

It starts two loopback endpoints, writes a providers file, its ``.env``, an overlay, a throwaway
Cherry Studio 2.x database and a 1.x backup into a folder, and runs there the same commands a
user would type, printing each one first (relative to the folder, as the user will type them).
Then it prints the README tour for that folder; with ``--serve`` it keeps the endpoints up for
it until Ctrl-C, and ``demo --serve`` on a demo folder serves its endpoints again.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cherrysync.demo.endpoints import DEMO_RELAY_KEY, RELAY, VLLM, serve
from cherrysync.fileio import write_atomic

PROVIDERS = """\
# yaml-language-server: $schema=https://cherrysync.dev/schema/providers.schema.json
# Written by `cherrysync demo`: two endpoints running on this machine.
version: 1
providers:
  - name: Local vLLM
    id: demo-vllm
    type: openai
    base_url: {vllm}/          # `vllm serve gpt2`: no key
    models: [gpt2]

  - name: Team relay
    id: demo-relay
    type: openai
    base_url: {relay}/v1/
    api_key: ${{DEMO_RELAY_KEY}}   # the value lives in .env beside this file, never in it
    models:
      - gpt-4o-mini
      - id: text-embedding-3-small
        capabilities: [embedding]
"""
LAPTOP = """\
# laptop.yaml: this machine's changes on top of providers.yaml (--overlay laptop.yaml)
version: 1
providers:
  - id: demo-vllm
    enabled: false   # no GPU on this laptop
"""
#: the ports of a demo folder's endpoints, for `demo --serve` on it later
MARKER = ".cherrysync-demo.json"
DATA = "CherryStudio"
BACKUP = "cherry-studio-backup.zip"

#: The README tour: what to type next in the demo's folder while its endpoints are up. The
#: README shows the same commands (a test runs them from there, in this order).
TOUR: tuple[tuple[str, str], ...] = (
    ("cherrysync validate providers.yaml", "offline: schema and rules, exact positions"),
    ("cherrysync check providers.yaml", "live: keys (from .env), URLs, model IDs; no tokens"),
    ("cherrysync models demo-relay --add gpt-4.1", "what the endpoint offers; add IDs"),
    (f"cherrysync plan providers.yaml --target {DATA}", "Terraform-style diff against the app"),
    (f"cherrysync apply providers.yaml --target {DATA} --yes", "backup, then one transaction"),
    (
        f"cherrysync apply providers.yaml --overlay laptop.yaml --target {DATA} --yes",
        "this machine's changes on top",
    ),
    (
        f"cherrysync apply providers.yaml --target {BACKUP} --yes --force",
        "or patch a 1.x backup (--force: replace the demo's patched zip)",
    ),
    (
        f"cherrysync import --from {DATA} -o from-app.yaml --env-out from-app.env",
        "back to YAML",
    ),
    ("cherrysync diff from-app.yaml providers.yaml", "what the file changes, for review"),
)


@dataclass(frozen=True)
class Step:
    title: str
    argv: tuple[str, ...]
    expect: tuple[int, ...] = (0,)


STEPS = (
    Step("validate the file offline", ("validate", "--verbose", "providers.yaml")),
    Step(
        "check keys, base URLs and model IDs live (no tokens spent; the key is in .env)",
        ("check", "providers.yaml"),
    ),
    Step(
        "plan against a Cherry Studio 2.x database (app closed)",
        ("plan", "providers.yaml", "--target", DATA, "--detailed-exitcode"),
        (2,),
    ),
    Step(
        "apply it: backup first, then one transaction",
        ("apply", "providers.yaml", "--target", DATA, "--yes"),
    ),
    Step(
        "plan again: nothing left to do",
        ("plan", "providers.yaml", "--target", DATA, "--detailed-exitcode"),
    ),
    Step(
        "patch a Cherry Studio 1.x backup (restore it in the app)",
        ("apply", "providers.yaml", "--target", BACKUP, "--yes"),
    ),
    Step(
        "import the providers back from the 2.x database",
        ("import", "--from", DATA, "-o", "imported.yaml", "--env-out", "imported.env"),
    ),
)


@contextlib.contextmanager
def endpoints(vllm_port: int = 0, relay_port: int = 0) -> Iterator[tuple[str, str]]:
    """The two endpoints on loopback (ephemeral ports unless given): their base URLs."""
    with serve(VLLM, vllm_port) as vllm_url, serve(RELAY, relay_port) as relay_url:
        yield vllm_url, relay_url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def write_files(folder: Path, vllm_url: str, relay_url: str) -> None:
    """Everything the steps and the tour use, in ``folder`` (new or empty)."""
    from cherrysync.samples.v1backup import write_backup
    from cherrysync.samples.v2db import build_data_folder

    text = PROVIDERS.format(vllm=vllm_url, relay=relay_url)
    (folder / "providers.yaml").write_text(text, encoding="utf-8")
    write_atomic(folder / ".env", f"DEMO_RELAY_KEY={DEMO_RELAY_KEY}\n", 0o600)
    (folder / "laptop.yaml").write_text(LAPTOP, encoding="utf-8")
    build_data_folder(folder / DATA)
    write_backup(folder / BACKUP)
    ports = {"vllm": _port(vllm_url), "relay": _port(relay_url)}
    (folder / MARKER).write_text(json.dumps(ports) + "\n", encoding="utf-8")


def _step(number: int, step: Step, run: Callable[[list[str]], int]) -> bool:
    """Run one step, printed first as the user would type it; True when it did as expected."""
    print(f"\n── {number}/{len(STEPS)} {step.title}")
    print("$ cherrysync " + shlex.join(step.argv), flush=True)
    code = run(list(step.argv))
    sys.stdout.flush()
    if code not in step.expect:
        print(f"demo: step {number} exited {code}", file=sys.stderr)
    return code in step.expect


def run_demo(folder: Path, run: Callable[[list[str]], int], *, keep_serving: bool = False) -> int:
    """Run every step inside ``folder`` (created by the caller); returns the exit code.

    ``keep_serving``: after a successful run, keep the endpoints up until Ctrl-C.
    """
    with endpoints() as (vllm_url, relay_url):
        write_files(folder, vllm_url, relay_url)
        print(f"demo folder: {folder}")
        print(f"endpoints:   vLLM {vllm_url}   relay {relay_url} (needs a key)")
        with contextlib.chdir(folder):
            failures = sum(not _step(n, step, run) for n, step in enumerate(STEPS, start=1))
        print("\n── results")
        print(f"providers file:     {folder / 'providers.yaml'}")
        print(f"2.x database:       {folder / DATA / 'Data' / 'cherrystudio.sqlite'}")
        print(f"1.x backup (input): {folder / BACKUP}")
        print(f"1.x backup (new):   {folder / 'cherry-studio-backup.cherrysync.zip'}")
        print(f"imported back:      {folder / 'imported.yaml'}")
        if failures:
            return 1
        print_tour(folder, serving=keep_serving)
        if keep_serving:
            wait_for_ctrl_c(vllm_url, relay_url)
    return 0


def print_tour(folder: Path, *, serving: bool) -> None:
    """The README tour, with this folder's path, ready to paste."""
    where = shlex.quote(str(folder))
    if serving:
        print("\n── next, in another terminal (the endpoints run here until Ctrl-C):")
    else:
        print("\n── next: keep the endpoints up in one terminal (Ctrl-C stops them):")
        print(f"  cherrysync demo --serve --dir {where}")
        print("and try the tour in another:")
    width = max(len(command) for command, _ in TOUR)
    print(f"  cd {where}")
    for command, comment in TOUR:
        print(f"  {command:<{width}}  # {comment}")
    sys.stdout.flush()


def wait_for_ctrl_c(vllm_url: str, relay_url: str) -> None:
    """Serve until Ctrl-C, which is how ``--serve`` is meant to end (not an interruption)."""
    print(
        f"\nserving: vLLM {vllm_url}/   relay {relay_url}/v1/ (key in .env); Ctrl-C stops",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("endpoints stopped")


def serve_again(folder: Path) -> int:
    """``demo --serve`` on a demo folder: its endpoints again, on the ports its files name."""
    ports = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    with endpoints(int(ports["vllm"]), int(ports["relay"])) as (vllm_url, relay_url):
        print(f"demo folder: {folder}")
        print_tour(folder, serving=True)
        wait_for_ctrl_c(vllm_url, relay_url)
    return 0
