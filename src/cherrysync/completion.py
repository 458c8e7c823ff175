"""Shell completion scripts, generated from the argparse parser so options never drift.

bash and zsh come from shtab (native zsh completion with descriptions). shtab has no fish
backend, so fish is written here from the same parser walk. shtab is imported only when a
bash or zsh script is printed: no other command loads it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")
# values that name a file or folder: complete file names for them
# T: --target / --from (auto, file or folder); OLD, NEW: the sides of diff (a file, or REV:PATH)
_PATH_METAVARS = frozenset({"FILE", "PATH", "T", "OLD", "NEW"})
_ZSH_REGISTER_WHEN = "[[ $zsh_eval_context[-1] == eval ]]"
_ZSH_REGISTER_WHEN_SOURCED = "[[ $zsh_eval_context[-1] == (eval|file) ]]"


def _subcommands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) of every subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _takes_path(action: argparse.Action) -> bool:
    if action.nargs == 0 or action.choices:
        return False
    metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
    return metavar in _PATH_METAVARS


def _shtab(shell: str, parser: argparse.ArgumentParser) -> str:
    import shtab

    for _, _, sub in _subcommands(parser):
        for action in sub._actions:
            if _takes_path(action):
                setattr(action, "complete", shtab.FILE)  # noqa: B010 (shtab reads this attribute)
    script: str = shtab.complete(parser, shell=shell)
    if shell == "zsh":
        # shtab registers the function when eval'ed and runs it when autoloaded; the README's
        # `source <(cherrysync completion zsh)` runs in context "file": register there too
        script = script.replace(_ZSH_REGISTER_WHEN, _ZSH_REGISTER_WHEN_SOURCED)
    return script.rstrip("\n") + "\n"  # shtab ends without one; appending to a file needs it


@dataclass
class _Command:
    name: str
    help: str
    options: dict[str, str] = field(default_factory=dict)  # option -> help
    choices: dict[str, list[str]] = field(default_factory=dict)  # option -> choices
    takes_value: set[str] = field(default_factory=set)
    positional_choices: list[str] = field(default_factory=list)


def _commands(parser: argparse.ArgumentParser) -> list[_Command]:
    commands: list[_Command] = []
    for name, help_text, sub in _subcommands(parser):
        command = _Command(name, help_text)
        for option in sub._actions:
            if not option.option_strings and option.choices:
                command.positional_choices += [str(c) for c in option.choices]
            for flag in option.option_strings:
                command.options[flag] = (option.help or "").replace("%(default)s", "")
                if option.choices:
                    command.choices[flag] = [str(c) for c in option.choices]
                if option.nargs != 0:
                    command.takes_value.add(flag)
        commands.append(command)
    return commands


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(commands: list[_Command]) -> str:
    names = " ".join(c.name for c in commands)
    lines = [
        "# fish completion for cherrysync; save as ~/.config/fish/completions/cherrysync.fish",
        "complete -c cherrysync -f",
    ]
    for command in commands:
        lines.append(
            f"complete -c cherrysync -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {command.name} -d {_fish_quote(command.help)}"
        )
    for command in commands:
        condition = f"-n '__fish_seen_subcommand_from {command.name}'"
        for flag, help_text in command.options.items():
            if flag.startswith("--"):
                spec = f"-l {flag[2:]}"
            elif len(flag) == 2:
                spec = f"-s {flag[1]}"
            else:
                continue
            extra = ""
            if flag in command.choices:
                extra = f" -xa {_fish_quote(' '.join(command.choices[flag]))}"
            elif flag in command.takes_value:
                extra = " -r -F"
            lines.append(
                f"complete -c cherrysync {condition} {spec}{extra} -d {_fish_quote(help_text)}"
            )
        if command.positional_choices:
            choices = _fish_quote(" ".join(command.positional_choices))
            lines.append(f"complete -c cherrysync {condition} -xa {choices}")
        else:
            lines.append(f"complete -c cherrysync {condition} -F")
    return "\n".join(lines) + "\n"


def render_completion(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    if shell == "fish":
        return _fish(_commands(parser))
    return _shtab(shell, parser)
