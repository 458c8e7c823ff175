#!/usr/bin/python
"""Ansible module ``cherrysync.cherrysync.apply``: one reviewed providers file, many machines.

It drives the cherrysync CLI on the managed node (``plan --format json`` in check mode,
``apply --yes --format json`` otherwise) instead of importing cherrysync, so it runs under
whatever Python Ansible uses on the node while cherrysync lives in its own virtual environment,
and the CLI's guarantees (backup, one transaction, refusing while the app runs, keys masked in
every output) hold unchanged. Keys reach the CLI only through the child's environment.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: apply
short_description: Apply a reviewed providers file to Cherry Studio on the managed node
version_added: "0.1.0"
description:
  - Writes the AI providers of a cherrysync providers file into the Cherry Studio app of the
    managed node (the 2.x database, or a 1.x backup zip given as O(target)), the way
    C(cherrysync apply) does - backup first, one transaction, refused while the app runs.
  - Runs the cherrysync CLI installed on the node (C(plan --format json) in check mode,
    C(apply --yes --format json) otherwise) and never imports it, so cherrysync may live in its
    own virtual environment; point O(executable) at it. The role C(cherrysync.cherrysync.providers)
    installs it and runs this module.
  - Idempotent - a second run with the same file reports no change.
  - Keys never appear in the results, the diff or Ansible's output - the CLI masks them
    (C(sk-a…wxyz)) and the values in O(env) are no_log.
options:
  src:
    description:
      - The providers file on the managed node (copy it there first, for example with
        M(ansible.builtin.copy)).
      - Its C(${VAR}) references are resolved from O(env), O(env_files) and the environment of
        the module.
    type: path
    required: true
  target:
    description:
      - Where the app keeps its data, as C(--target) of the CLI - V(auto) (the default data
        folder of the user the module runs as, or a relocated one), the app's data folder, its
        C(cherrystudio.sqlite), or a 1.x backup C(.zip) (the patched zip is written beside it).
      - Run the task as the desktop user (C(become_user)) so that V(auto) finds that user's app.
    type: str
    default: auto
  overlays:
    description:
      - Overlay files on the managed node, passed as repeated C(--overlay PATH) in this order
        (for example a per-host overlay next to a shared providers file).
      - Passed only when set; needs a cherrysync whose CLI has C(--overlay).
    type: list
    elements: path
    default: []
  tags:
    description:
      - Provider tags, passed as repeated C(--tag TAG) to select what this host gets.
      - Passed only when set; needs a cherrysync whose CLI has C(--tag).
    type: list
    elements: str
    default: []
  prune:
    description:
      - Also remove custom providers and models the file no longer lists (C(--prune)). The app's
        built-in providers are never removed; a prune that would remove a model still in use as
        a default or embedding model fails with the places that use it.
    type: bool
    default: false
  wait:
    description:
      - Seconds to wait for Cherry Studio to close before applying (C(--wait N)).
      - V(0) fails at once when the app is running on that host; the other hosts are not
        affected. Passed only when greater than 0; needs a cherrysync whose CLI has C(--wait).
    type: int
    default: 0
  env:
    description:
      - Variables for the C(${VAR}) references of the file, usually keys from Ansible Vault.
      - They go into the environment of the cherrysync process, never onto its command line,
        and win over O(env_files) and the module's own environment.
      - Every value is treated as a secret (no_log) and replaced by C(********) wherever it
        would appear in a result, so keep values that are not secret in O(env_files).
    type: dict
    default: {}
  env_files:
    description:
      - Dotenv files on the managed node, passed as repeated C(--env-file PATH).
    type: list
    elements: path
    default: []
  executable:
    description:
      - The cherrysync program on the managed node - a name looked up on C(PATH), or a path such
        as C(~/.local/share/cherrysync/venv/bin/cherrysync).
    type: path
    default: cherrysync
attributes:
  check_mode:
    description: Runs C(cherrysync plan) only; nothing is written, not even a backup.
    support: full
  diff_mode:
    description: Shows each changed provider and model before and after, with keys masked.
    support: full
  platform:
    description: Wherever cherrysync and Cherry Studio run.
    platforms: posix
notes:
  - RV(changed) is true exactly when the plan was not empty; in check mode it says that an apply
    would change something.
  - The app must be closed while the module writes (see O(wait)). Reading for check mode works
    while it runs.
  - A run that fails leaves the app's data as it was.
requirements:
  - cherrysync on the managed node, at the version of this collection.
seealso:
  - name: cherrysync README, Many machines
    description: An inventory and playbook to copy, and what each result means.
    link: https://github.com/cherrysync/cherrysync#many-machines
author:
  - cherrysync contributors
"""

EXAMPLES = r"""
- name: Copy the reviewed providers file
  ansible.builtin.copy:
    src: providers.yaml
    dest: ~/.config/cherrysync/providers.yaml
    mode: "0600"

- name: Apply it to this user's Cherry Studio
  cherrysync.cherrysync.apply:
    src: ~/.config/cherrysync/providers.yaml
    executable: ~/.local/share/cherrysync/venv/bin/cherrysync
    env:
      OPENAI_API_KEY: "{{ vault_openai_api_key }}"
    wait: 120
  register: cherrysync

- name: Show what changed (provider and model ids, never keys)
  ansible.builtin.debug:
    var: cherrysync.changes

- name: A 1.x backup zip made on that machine, and a per-host overlay
  cherrysync.cherrysync.apply:
    src: /srv/cherrysync/providers.yaml
    overlays: [/srv/cherrysync/overlay.yaml]
    target: /home/ana/cherry-studio.202611251200.zip
    env_files: [/srv/cherrysync/.env]
"""

RETURN = r"""
changed:
  description: True exactly when the plan was not empty (in check mode - an apply would change).
  returned: always
  type: bool
changes:
  description:
    - The plan, one entry per provider or model added, changed or removed (the plan JSON
      contract of C(cherrysync plan --format json), without the before and after values).
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: V(add), V(change) or V(remove).
      type: str
    kind:
      description: V(provider) or V(model).
      type: str
    provider:
      description: The provider id.
      type: str
    model:
      description: The model id, or null for a provider.
      type: str
    fields:
      description: The names of the fields that change.
      type: list
      elements: str
  sample:
    - {action: add, kind: provider, provider: acme, model: null, fields: [name, api_keys]}
    - {action: change, kind: model, provider: acme, model: gpt-4o, fields: [name]}
summary:
  description: How many changes of each action.
  returned: always
  type: dict
  sample: {add: 2, change: 1, remove: 0}
target:
  description: The file the target resolved to - the app's database, or the backup zip.
  returned: always
  type: str
  sample: /home/ana/.config/CherryStudio/Data/cherrystudio.sqlite
backup_path:
  description: The copy of the database taken before writing; null in check mode, when nothing
    changed, and for a 1.x backup zip (whose input is never written).
  returned: always
  type: str
  sample: /home/ana/.config/CherryStudio/Data/cherrystudio.20261125T120000Z.cherrysync-backup.sqlite
output_path:
  description: The patched zip written for a 1.x backup target; null otherwise.
  returned: always
  type: str
notes:
  description: Warnings of the plan (for example a database found in two places).
  returned: always
  type: list
  elements: str
blockers:
  description: Why the plan cannot be applied (returned with a failure).
  returned: failure
  type: list
  elements: str
"""

import json
import os
from typing import Any

from ansible.module_utils.basic import AnsibleModule

ARGUMENT_SPEC: dict[str, Any] = {
    "src": {"type": "path", "required": True},
    "target": {"type": "str", "default": "auto"},
    "overlays": {"type": "list", "elements": "path", "default": []},
    "tags": {"type": "list", "elements": "str", "default": []},
    "prune": {"type": "bool", "default": False},
    "wait": {"type": "int", "default": 0},
    "env": {"type": "dict", "default": {}, "no_log": True},
    "env_files": {"type": "list", "elements": "path", "default": []},
    "executable": {"type": "path", "default": "cherrysync"},
}

#: The fields of a change the module returns; before/after values go into the diff only.
CHANGE_KEYS = ("action", "kind", "provider", "model", "fields")
#: Flags an older cherrysync may lack (apply --format came with this collection): an error
#: naming one says to install the matching version.
NEWER_FLAGS = ("--format", "--overlay", "--tag", "--wait")


def cli_args(executable: str, params: dict[str, Any], check_mode: bool) -> list[str]:
    """The cherrysync command line; keys are never part of it (they travel in the environment)."""
    command = "plan" if check_mode else "apply"
    args = [executable, command, params["src"], "--target", params["target"], "--format", "json"]
    if not check_mode:
        args.append("--yes")
    for path in params["env_files"]:
        args += ["--env-file", path]
    for path in params["overlays"]:
        args += ["--overlay", path]
    for tag in params["tags"]:
        args += ["--tag", tag]
    if params["prune"]:
        args.append("--prune")
    if not check_mode and params["wait"] > 0:
        args += ["--wait", str(params["wait"])]
    return args


def error_message(stderr: str, rc: int) -> str:
    """The CLI's own error lines (already free of keys), or a generic line when it printed none."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    # diagnostics (file:line:col: error: ...) first: the final line may only say "see above"
    errors = [line for line in lines if ": error: " in line and not line.startswith("cherrysync")]
    errors += [line.split("error: ", 1)[1] for line in lines if line.startswith("cherrysync")]
    message = "; ".join(errors) if errors else f"cherrysync exited with {rc}"
    rejected = stderr.split("unrecognized arguments:", 1)[1] if "unrecognized" in stderr else ""
    unknown = [flag for flag in NEWER_FLAGS if flag in rejected.split("\n", 1)[0].split()]
    if unknown:
        message += (
            f" (this cherrysync does not know {', '.join(unknown)}: install the cherrysync "
            "version of this collection)"
        )
    return message


def _label(change: dict[str, Any]) -> str:
    name = (
        change["provider"]
        if change["model"] is None
        else f"{change['provider']}::{change['model']}"
    )
    return f'{change["kind"]} "{name}"'


def _block(change: dict[str, Any], values: dict[str, Any] | None) -> str:
    if values is None:
        return ""
    if change["action"] == "change":
        names = list(change["fields"])
    else:
        names = [name for name in values if values[name] is not None]
    body = "".join(
        f"  {name}: {json.dumps(values.get(name), ensure_ascii=False, sort_keys=True)}\n"
        for name in names
    )
    return f"{_label(change)}:\n{body}"


def plan_diff(doc: dict[str, Any]) -> dict[str, str]:
    """The plan as before/after texts for ``--diff``; the CLI has masked every key already."""
    changes = doc.get("changes", [])
    target = doc.get("target_path") or doc.get("target") or "app"
    return {
        "before_header": f"{target} (now)",
        "after_header": f"{target} (providers file)",
        "before": "".join(_block(c, c.get("before")) for c in changes),
        "after": "".join(_block(c, c.get("after")) for c in changes),
    }


def result_of(doc: dict[str, Any]) -> dict[str, Any]:
    """The module's result from the CLI's JSON (plan, or apply with backup and output paths)."""
    changes = doc.get("changes", [])
    return {
        "changed": bool(changes),
        "changes": [{key: change.get(key) for key in CHANGE_KEYS} for change in changes],
        "summary": doc.get("summary", {}),
        "notes": doc.get("notes", []),
        "target": doc.get("target_path"),
        "backup_path": doc.get("backup_path"),
        "output_path": doc.get("output_path"),
    }


def _executable(module: AnsibleModule) -> str:
    name = module.params["executable"]
    if os.sep in name:
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return str(name)
        module.fail_json(
            msg=f"no cherrysync program at {name}; install cherrysync on this host (the role "
            "cherrysync.cherrysync.providers does) or set executable"
        )
    found = module.get_bin_path(name)
    if not found:
        module.fail_json(
            msg=f"{name} is not on PATH on this host; install cherrysync (the role "
            "cherrysync.cherrysync.providers does) or set executable to its path"
        )
    return str(found)


def _parse(stdout: str) -> dict[str, Any] | None:
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def run_module() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if module.params["wait"] < 0:
        module.fail_json(msg="wait must be 0 or more seconds")
    args = cli_args(_executable(module), module.params, module.check_mode)
    env = {str(k): str(v) for k, v in module.params["env"].items()}
    rc, stdout, stderr = module.run_command(
        args,
        environ_update={**env, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"},
        expand_user_and_vars=False,
    )
    for line in stderr.splitlines():
        if ": warning: " in line:
            module.warn(line.strip())
    doc = _parse(stdout) if stdout.strip() else None
    result = result_of(doc) if doc is not None else {"changed": False}
    if doc is not None and module._diff:
        result["diff"] = plan_diff(doc)
    if rc != 0 or doc is None:
        blockers = (doc or {}).get("blockers") or []
        message = "; ".join(blockers) if blockers else error_message(stderr, rc)
        result["changed"] = False
        module.fail_json(msg=message, rc=rc, blockers=blockers, **result)
    module.exit_json(**result)


def main() -> None:
    run_module()


if __name__ == "__main__":
    main()
