"""The demo script: every stage of cherrysync, offline, in a few seconds.

It starts two loopback endpoints, writes a providers file and a dotenv file into a fresh folder,
builds a throwaway Cherry Studio 2.x database and a 1.x backup there, and runs the same commands
a user would type, printing each one first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
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
    api_key: ${{DEMO_RELAY_KEY}}   # the value lives in .env, never in this file
    models:
      - gpt-4o-mini
      - id: text-embedding-3-small
        capabilities: [embedding]
"""


def _step(
    number: int,
    total: int,
    title: str,
    argv: list[str],
    run: Callable[[list[str]], int],
    expect: tuple[int, ...] = (0,),
) -> int:
    print(f"\n── {number}/{total} {title}")
    print("$ cherrysync " + " ".join(argv), flush=True)
    code = run(argv)
    sys.stdout.flush()
    if code not in expect:
        print(f"demo: step {number} exited {code}", file=sys.stderr)
    return code


def run_demo(folder: Path, run: Callable[[list[str]], int]) -> int:
    """Run every step inside ``folder`` (created by the caller); returns the exit code."""
    from cherrysync.samples.v1backup import write_backup
    from cherrysync.samples.v2db import build_data_folder

    with serve(VLLM) as vllm_url, serve(RELAY) as relay_url:
        providers = folder / "providers.yaml"
        providers.write_text(PROVIDERS.format(vllm=vllm_url, relay=relay_url), encoding="utf-8")
        env_file = folder / ".env"
        write_atomic(env_file, f"DEMO_RELAY_KEY={DEMO_RELAY_KEY}\n", 0o600)
        data_folder = folder / "CherryStudio"
        database = build_data_folder(data_folder)
        backup = write_backup(folder / "cherry-studio-backup.zip")
        print(f"demo folder: {folder}")
        print(f"endpoints:   vLLM {vllm_url}   relay {relay_url} (needs a key)")
        file, env = str(providers), ["--env-file", str(env_file)]
        total = 7
        failures = 0
        steps: list[tuple[str, list[str], tuple[int, ...]]] = [
            ("validate the file offline", ["validate", "--verbose", file], (0,)),
            (
                "check keys, base URLs and model IDs live (no tokens spent)",
                ["check", file, *env],
                (0,),
            ),
            (
                "plan against a Cherry Studio 2.x database (app closed)",
                ["plan", file, "--target", str(data_folder), *env, "--detailed-exitcode"],
                (2,),
            ),
            (
                "apply it: backup first, then one transaction",
                ["apply", file, "--target", str(data_folder), *env, "--yes"],
                (0,),
            ),
            (
                "plan again: nothing left to do",
                ["plan", file, "--target", str(data_folder), *env, "--detailed-exitcode"],
                (0,),
            ),
            (
                "patch a Cherry Studio 1.x backup (restore it in the app)",
                ["apply", file, "--target", str(backup), *env, "--yes"],
                (0,),
            ),
            (
                "import the providers back from the 2.x database",
                [
                    "import",
                    "--from",
                    str(data_folder),
                    "-o",
                    str(folder / "imported.yaml"),
                    "--env-out",
                    str(folder / "imported.env"),
                ],
                (0,),
            ),
        ]
        for number, (title, argv, expect) in enumerate(steps, start=1):
            if _step(number, total, title, argv, run, expect) not in expect:
                failures += 1
    print("\n── results")
    print(f"providers file:     {providers}")
    print(f"2.x database:       {database}")
    print(f"1.x backup (input): {backup}")
    print(f"1.x backup (new):   {backup.with_name(backup.stem + '.cherrysync.zip')}")
    print(f"imported back:      {folder / 'imported.yaml'}")
    return 1 if failures else 0
