"""Shell completion scripts for bash, zsh and fish, generated from the argparse parser."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")


@dataclass
class _Command:
    name: str
    help: str
    options: dict[str, str] = field(default_factory=dict)  # option -> help
    choices: dict[str, list[str]] = field(default_factory=dict)  # option -> choices
    takes_value: set[str] = field(default_factory=set)


def _commands(parser: argparse.ArgumentParser) -> list[_Command]:
    commands: list[_Command] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {a.dest: a.help or "" for a in action._choices_actions}
        for name, sub in action.choices.items():
            command = _Command(name, helps.get(name, ""))
            for option in sub._actions:
                for flag in option.option_strings:
                    command.options[flag] = (option.help or "").replace("%(default)s", "")
                    if option.choices:
                        command.choices[flag] = [str(c) for c in option.choices]
                    if option.nargs != 0:
                        command.takes_value.add(flag)
            commands.append(command)
    return commands


def _bash(commands: list[_Command]) -> str:
    names = " ".join(c.name for c in commands)
    lines = [
        "# bash completion for cherrysync; load with: source <(cherrysync completion bash)",
        "_cherrysync() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        "    if [[ $COMP_CWORD -eq 1 ]]; then",
        f'        COMPREPLY=($(compgen -W "{names} --help --version" -- "$cur"))',
        "        return",
        "    fi",
        '    local opts=""',
        '    case "${COMP_WORDS[1]}:$prev" in',
    ]
    for command in commands:
        for flag, choices in command.choices.items():
            lines.append(
                f'        {command.name}:{flag}) COMPREPLY=($(compgen -W "{" ".join(choices)}" '
                '-- "$cur")); return ;;'
            )
    lines += ["    esac", '    case "${COMP_WORDS[1]}" in']
    for command in commands:
        lines.append(f'        {command.name}) opts="{" ".join(command.options)}" ;;')
    lines += [
        "    esac",
        '    if [[ "$cur" == -* ]]; then',
        '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
        "    else",
        '        COMPREPLY=($(compgen -f -- "$cur"))',
        "    fi",
        "}",
        "complete -o filenames -o bashdefault -F _cherrysync cherrysync",
    ]
    return "\n".join(lines) + "\n"


def _zsh(commands: list[_Command]) -> str:
    header = (
        "# zsh completion for cherrysync; load with: source <(cherrysync completion zsh)\n"
        "autoload -U +X compinit && compinit\n"
        "autoload -U +X bashcompinit && bashcompinit\n"
    )
    return header + _bash(commands).split("\n", 1)[1]


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
        lines.append(f"complete -c cherrysync {condition} -F")
    return "\n".join(lines) + "\n"


def render_completion(shell: str, parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    if shell == "bash":
        return _bash(commands)
    if shell == "zsh":
        return _zsh(commands)
    return _fish(commands)
