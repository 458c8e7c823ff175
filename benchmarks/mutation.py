"""Mutation score of the seven modules whose tests must pin every decision (mutmut 3).

    pip install -e '.[test,mutation]'
    python benchmarks/mutation.py                 # a clean run: over 30 min on 2 shared cores
    python benchmarks/mutation.py --keep          # reuse mutants/; re-run changed functions only
    python benchmarks/mutation.py --report-only   # score the last run again

Not run in CI: too slow. ``[tool.mutmut]`` in pyproject.toml names the modules and the test
files of the stats pass; for each mutant mutmut then runs only the tests that executed the
mutated function, stopping at the first failure (``-x``). baseurl.py joined the four when the
URL rules moved there from validate/rules.py; since check/ parses every URL through it, its
mutants reach most of tests/check and are the slowest to run.

A mutant counts as killed when a test fails or times out with it in place (a strict xfail that
starts passing fails too). score = killed / (mutants - equivalent survivors); a mutant not yet
run ("unrun", after an interrupted run) counts as not killed. Equivalent mutants are listed in
EQUIVALENT by function and mutated line, each with the reason no test can tell it from the
original; a listed one that no longer survives is reported as stale. The script exits 1 when a
module scores under 90 % or the list is stale.

Measured on 2 children (mutmut 3.8.1), killed / scored (scored = mutants - equivalent):

    module                   old main, old tests   merged, old tests     final tree (complete)
    targets.v2.changes       196/196  100.0 %      266/278   95.7 %      278/278  100.0 %
    check.errors             336/336  100.0 %      353/353  100.0 %      392/392  100.0 %
    secrets                  121/123   98.4 %      186/214   86.9 %      214/214  100.0 %
    validate.rules           663/663  100.0 %      532/536   99.3 %      602/605   99.5 %
    baseurl                     -                  186/201   92.5 %      328/339   96.8 %
    strict                      -                     -                  249/250   99.6 %
    check.transport             -                     -                  120/120  100.0 %

"merged, old tests": the first clean run after merging main (16.5 min; the branch's bug fixes
in, its earlier tests only). "final tree": every mutant of the five modules run on the merged
tree (``--keep`` over two sittings, about 25 min in all); validate.rules was re-run with a
fresh stats pass after its secret rule was split into named steps (a stale stats file maps no
tests to new functions and reports their mutants as "no tests"). What survives: three mutants
of the env-unbraced rule that change the bare-name warning's severity literal to another
value that is not "error"; validate/pipeline.py reads every such value as a warning, so they
are equivalent (not yet listed in EQUIVALENT). In baseurl, eleven mutants of
display_url/host_address that no test yet tells apart.

strict and check.transport joined when the model dropped pydantic and the checker got its own
transport (one run of the two, 385 mutants, 5 minutes on 2 children). Their first runs found
untested messages, bounds, nulls and request bodies, and branches the model cannot reach, which
were removed; the one strict survivor (the wording of kind_of's TypeError for a model bug) is
killed by a test written after the run. strict's converter cache is cleared for its own tests
(the fresh_converters fixture): mutmut forks test runs after the cache is warm, so the builders
would otherwise never run with a mutant in place.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = (
    "cherrysync.targets.v2.changes",
    "cherrysync.check.errors",
    "cherrysync.secrets",
    "cherrysync.validate.rules",
    "cherrysync.baseurl",
    "cherrysync.strict",
    "cherrysync.check.transport",
)
KILLED = frozenset({"killed", "timeout", "caught by type check"})
TARGET = 0.90

_MODEL_ROW_ID = 'row_id = str(existing["id"]) if existing else model_row_id(pid, mid)'
_REMOVED_PROVIDERS = 'c.provider for c in changes if c.kind == "provider" and c.action == "remove"'

#: transport exceptions whose text mutmut changes: (function, original line, mutated line)
_TRANSPORT_MESSAGES = [
    (function, f"raise {error}({text}){tail}", f"raise {error}({mutated}){tail}")
    for function, error, text, tail in (
        ("ǁ_Connectionǁsend", "httpx.WriteError", "type(exc).__name__", " from exc"),
        ("ǁ_Connectionǁnext_event", "httpx.ReadError", "type(exc).__name__", " from exc"),
        (
            "ǁ_ResponseBodyǁ__aiter__",
            "httpx.RemoteProtocolError",
            'f"{type(event).__name__} in a response body"',
            "",
        ),
        (
            "ǁAsyncioTransportǁ_exchange",
            "httpx.RemoteProtocolError",
            'f"{type(event).__name__} before a response"',
            "",
        ),
    )
    for mutated in (
        "None",
        text.replace("type(exc)", "type(None)").replace("type(event)", "type(None)"),
    )
]

#: (function, original line, mutated line) -> why no test can tell the two apart.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    **{
        ("cherrysync.targets.v2.changes.xǁ_RowWriterǁ_model", _MODEL_ROW_ID, mutated): (
            "the fallback id is only computed for adds, which never use it (new_model_row "
            "builds the id); a change or remove always has a stored row"
        )
        for mutated in (
            _MODEL_ROW_ID.replace("model_row_id(pid, mid)", "model_row_id(None, mid)"),
            _MODEL_ROW_ID.replace("model_row_id(pid, mid)", "model_row_id(pid, None)"),
        )
    },
    **{
        ("cherrysync.targets.v2.changes.xǁ_RowWriterǁ__init__", _REMOVED_PROVIDERS, mutated): (
            "with no removed providers known, their models are also deleted one by one before "
            "the provider row, which ON DELETE CASCADE deletes anyway: same rows, same pins, "
            "same plan"
        )
        for mutated in (
            _REMOVED_PROVIDERS.replace('"provider"', '"XXproviderXX"'),
            _REMOVED_PROVIDERS.replace('"provider"', '"PROVIDER"'),
            _REMOVED_PROVIDERS.replace('"remove"', '"XXremoveXX"'),
            _REMOVED_PROVIDERS.replace('"remove"', '"REMOVE"'),
        )
    },
    ("cherrysync.targets.v2.changes.x_current_states", "pid,", "None,"): (
        "diff_states reads current states by their dict key, never by ProviderState.id"
    ),
    ("cherrysync.secrets.x_parse_template", "pos = 0", "pos = None"): (
        "text[None:n] and text[None:] slice exactly like text[0:n] and text[0:]"
    ),
    **{
        (
            "cherrysync.secrets.xǁSecretǁ__hash__",
            'return hash(("Secret", self._value))',
            f'return hash(("{tag}", self._value))',
        ): "the constant tag only salts the hash: equal secrets still hash equal, different "
        "ones differently"
        for tag in ("XXSecretXX", "secret", "SECRET")
    },
    (
        "cherrysync.baseurl.x_parse",
        'if parts.query or text.count("#") > 1 or (parts.fragment and not text.endswith("#")):',
        'if parts.query or text.count("#") > 1 or (parts.fragment and not text.endswith("XX#XX")):',
    ): "a URL with a fragment that ends in '#' holds two '#', which the count already refuses",
    (
        "cherrysync.baseurl.x__ipv4",
        'if len(parts) > 1 and parts[-1] == "":',
        'if len(parts) >= 1 and parts[-1] == "":',
    ): "differs only for the empty host, which parse refuses before any caller asks for it",
    (
        "cherrysync.baseurl.x__ipv4",
        "numbers = [_ipv4_number(p) if p else None for p in parts]",
        "numbers = [_ipv4_number(p) if (p) or True else None for p in parts]",
    ): "_ipv4_number('') is None too ('' is not alphanumeric)",
    (
        "cherrysync.baseurl.x_is_private",
        "return address.is_private or address.is_loopback or address.is_link_local",
        "return address.is_private or address.is_loopback and address.is_link_local",
    ): "Python's is_private already holds every loopback and link-local address (127/8, "
    "169.254/16, ::1, fe80::/10), so the other two terms never decide",
    **{
        (
            "cherrysync.baseurl.x_is_private",
            'if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):',
            m,
        ): "'localhost' has no dot, so the single-label rule below makes it private anyway"
        for m in (
            'if name == "XXlocalhostXX" or name.endswith(_LOCAL_SUFFIXES):',
            'if name == "LOCALHOST" or name.endswith(_LOCAL_SUFFIXES):',
        )
    },
    (
        "cherrysync.baseurl.x__placeholder",
        'return _PORT_PLACEHOLDER if ":" in host_port.rpartition("]")[2] else _PLACEHOLDER',
        'return _PORT_PLACEHOLDER if ":" in host_port.rpartition("XX]XX")[2] else _PLACEHOLDER',
    ): "the two differ only for a reference right after ']' with no ':' ('[::1]${X}'), and "
    "urlsplit reads '[::1]envref' and '[::1]1' alike: host ::1, no port",
    (
        "cherrysync.validate.rules.x_rule_deeplink_chars",
        '("api_key", k) for k in provider.api_keys[:1] if isinstance(provider.api_key, str)',
        '("api_key", k) for k in provider.api_keys[:2] if isinstance(provider.api_key, str)',
    ): "only a single-string api_key is checked, and it resolves to exactly one key",
    (
        "cherrysync.validate.rules.x_rule_deeplink_chars",
        'bad = sorted({c for c in (value or "") if c in DEEPLINK_UNSAFE})',
        'bad = sorted({c for c in (value or "XXXX") if c in DEEPLINK_UNSAFE})',
    ): "'X' is not a deep-link-unsafe character",
    (
        "cherrysync.validate.rules.x_rule_deeplink_chars",
        'listed = ", ".join(repr(c) for c in bad)',
        'listed = "XX, XX".join(repr(c) for c in bad)',
    ): "DEEPLINK_UNSAFE is the quote alone, so the list never has a second item to join",
    **{
        ("cherrysync.validate.rules.x_rule_deeplink_chars", '("id", provider.id),', m): (
            "the schema's id pattern admits no quote (the one unsafe character), so the id field "
            "never reaches the message or the path"
        )
        for m in ('("XXidXX", provider.id),', '("ID", provider.id),')
    },
    **{
        ("cherrysync.strict.x_doc", 'return {"description": description}', mutated): (
            "doc() runs while model.py is imported, before mutmut forks a test run, so none of "
            "its mutants is ever in place (the schema tests pin every description it stores)"
        )
        for mutated in (
            'return {"XXdescriptionXX": description}',
            'return {"DESCRIPTION": description}',
        )
    },
    **{
        ("cherrysync.strict.x_parse", original, mutated): "typing.cast does nothing at run time"
        for original, mutated in (
            (
                "convert = converter(typing.cast(typing.Hashable, cls))",
                "convert = converter(typing.cast(None, cls))",
            ),
            (
                "return typing.cast(T, convert(data, ()))",
                "return typing.cast(None, convert(data, ()))",
            ),
        )
    },
    (
        "cherrysync.strict.x__limit_checks",
        'search = re.compile(pattern[:-1] + r"\\Z" if pattern.endswith("$") else pattern).search',
        'search = re.compile(pattern[:-1] + r"\\Z" if (pattern.endswith("$")) or True else '
        "pattern).search",
    ): "every pattern in the model ends with '$' (ID_PATTERN is the only one)",
    **{
        (function, f"self.{flag} = False", f"self.{flag} = None"): (
            "the flag is only tested for truth, and None is as false as False"
        )
        for function, flag in (
            ("cherrysync.check.transport.xǁ_Connectionǁsend", "answered"),
            ("cherrysync.check.transport.xǁ_ResponseBodyǁ__init__", "_complete"),
        )
    },
    **{
        (f"cherrysync.check.transport.x{function}", original, mutated): (
            "the text of a transport exception is never shown or read: transport_failure "
            "words every failure itself, from the exception's type and cause"
        )
        for function, original, mutated in _TRANSPORT_MESSAGES
    },
}

_LINE = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")
_MODULE = re.compile(r"^(?P<module>.+?)\.x(?:_|ǁ)")


def run(max_children: int, keep: bool) -> None:
    if not keep:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    cmd = ["mutmut", "run", "--max-children", str(max_children)]
    subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)


def _mutmut(*args: str) -> str:
    done = subprocess.run(["mutmut", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def results() -> dict[str, str]:
    """Mutant name -> status, as ``mutmut results --all true`` reports them."""
    found = {}
    for line in _mutmut("results", "--all", "true").splitlines():
        match = _LINE.match(line)
        if match:
            found[match["name"]] = match["status"].strip()
    return found


def equivalence(name: str) -> tuple[str, str, str] | None:
    """The EQUIVALENT key a surviving mutant matches, from its diff."""
    lines = [ln for ln in _mutmut("show", name).splitlines() if ln[:3] not in ("---", "+++")]
    removed = [ln[1:].strip() for ln in lines if ln[:1] == "-"]
    added = [ln[1:].strip() for ln in lines if ln[:1] == "+"]
    if len(removed) != 1 or len(added) != 1:
        return None
    key = (name.split("__mutmut_")[0], removed[0], added[0])
    return key if key in EQUIVALENT else None


def report(statuses: dict[str, str]) -> bool:
    """Print the score per module; True when each reaches the target and nothing is stale."""
    matched: set[tuple[str, str, str]] = set()
    ok = True
    print(f"{'module':<32} {'mutants':>7} {'killed':>7} {'equiv':>6} {'unrun':>6} {'score':>7}")
    for module in MODULES:
        mine = {n: s for n, s in statuses.items() if _module_of(n) == module}
        killed = sum(1 for s in mine.values() if s in KILLED)
        survivors, equivalent = [], 0
        unrun = sum(1 for s in mine.values() if s == "not checked")
        for name in sorted(n for n, s in mine.items() if s not in KILLED | {"not checked"}):
            key = equivalence(name) if mine[name] == "survived" else None
            if key is None:
                survivors.append(name)
            else:
                matched.add(key)
                equivalent += 1
        scored = len(mine) - equivalent
        score = killed / scored if scored else 0.0
        ok = ok and score >= TARGET
        print(f"{module:<32} {len(mine):>7} {killed:>7} {equivalent:>6} {unrun:>6} {score:>7.1%}")
        for name in survivors:
            print(f"    {mine[name]:<10} {name}")
    stale = [k for k in EQUIVALENT if k not in matched]
    for function, _, mutated in stale:
        print(f"stale equivalent entry (no such surviving mutant): {function}: {mutated}")
    counts = Counter(statuses.values())
    print("all statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return ok and not stale


def _module_of(name: str) -> str | None:
    match = _MODULE.match(name)
    return match["module"] if match else None


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutants (1-2)")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--report-only", action="store_true", help="score the last run")
    args = parser.parse_args()
    if shutil.which("mutmut") is None:
        print("mutmut is not installed: pip install -e '.[test,mutation]'", file=sys.stderr)
        return 2
    if not args.report_only:
        run(args.max_children, args.keep)
    return 0 if report(results()) else 1


if __name__ == "__main__":
    sys.exit(main())
