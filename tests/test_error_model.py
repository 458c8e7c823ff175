"""The error model: one base, one I/O wording, one handler turning endings into exit codes."""

from __future__ import annotations

import errno
import inspect
from pathlib import Path

import pytest

from cherrysync import errors
from cherrysync.cli import handle_errors, main
from cherrysync.errors import CherrysyncError, TargetError, io_message


def _raise(exc: BaseException) -> int:
    raise exc


def test_the_docstring_draws_every_error_of_the_tree() -> None:
    classes = [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, CherrysyncError) and obj.__module__ == errors.__name__
    ]
    assert len(classes) >= 6
    doc = errors.__doc__ or ""
    for cls in classes:
        assert f"{cls.__name__} [{cls.code}]" in doc, cls.__name__


def test_domain_errors_are_cherrysync_errors_where_their_modules_raise_them() -> None:
    from cherrysync.load.envfile import EnvFileError, parse_env_text
    from cherrysync.load.yamledit import YamlEditError
    from cherrysync.targets.base import TargetError as BaseTargetError
    from cherrysync.targets.importer import ImportFailure

    assert BaseTargetError is TargetError
    for cls in (EnvFileError, YamlEditError, ImportFailure, TargetError):
        assert issubclass(cls, CherrysyncError)
    with pytest.raises(EnvFileError, match=r"^\.env:1: expected KEY=value$") as info:
        parse_env_text("no equals sign", ".env")
    assert info.value.code == 2
    assert ImportFailure("x: bad").message == "the imported file would not validate: x: bad"
    assert ImportFailure("x").code == 1


def test_codes_default_per_class_and_can_be_overridden() -> None:
    assert CherrysyncError("m").code == 2
    assert CherrysyncError("m", 1).code == 1
    assert TargetError("m").code == 1
    assert TargetError("m", code=2).code == 2
    assert TargetError("m").code == 1, "an override must not leak into the class"


def test_io_message_is_the_one_wording(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        (tmp_path / "absent.yaml").read_text()
    assert io_message("absent.yaml", info.value) == (
        "cannot read absent.yaml: No such file or directory"
    )
    assert io_message("out.zip", OSError(errno.ENOSPC, "No space left on device"), "write") == (
        "cannot write out.zip: No space left on device"
    )
    assert io_message(None, OSError("disk gone"), "write") == "cannot write: disk gone"


def test_handler_prints_a_cherrysync_error_and_exits_with_its_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert handle_errors(lambda: _raise(TargetError("the app is running"))) == 1
    assert capsys.readouterr().err == "cherrysync: error: the app is running\n"
    assert handle_errors(lambda: _raise(CherrysyncError(""))) == 2
    assert capsys.readouterr().err == ""
    assert handle_errors(lambda: 3) == 3


def test_error_messages_reach_the_terminal_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path, git's or GitHub's words in a message: control characters escaped, the line
    breaks a message is made of kept."""
    assert handle_errors(lambda: _raise(TargetError("one\x1b]0;t\x07\ntwo\u202e"))) == 1
    assert capsys.readouterr().err == "cherrysync: error: one\\x1b]0;t\\x07\ntwo\\u202e\n"
    name = tmp_path / "no\x1b[2J.yaml"
    assert main(["diff", str(name), str(name)]) == 2
    assert capsys.readouterr().err.startswith(
        f"cherrysync: error: cannot read {tmp_path}/no\\x1b[2J"
    )


def test_handler_interrupt_pipe_and_bugs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert handle_errors(lambda: _raise(KeyboardInterrupt())) == 130
    assert capsys.readouterr().err == "cherrysync: interrupted\n"
    assert handle_errors(lambda: _raise(BrokenPipeError())) == 1
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("CHERRYSYNC_DEBUG", raising=False)
    assert handle_errors(lambda: _raise(ValueError("sk-secret-in-a-bug"))) == 2
    err = capsys.readouterr().err
    assert err == (
        "cherrysync: internal error: ValueError "
        "(set CHERRYSYNC_DEBUG=1 for details and report it)\n"
    )
    monkeypatch.setenv("CHERRYSYNC_DEBUG", "1")
    with pytest.raises(ValueError, match="sk-secret-in-a-bug"):
        handle_errors(lambda: _raise(ValueError("sk-secret-in-a-bug")))


def test_every_command_error_goes_through_the_one_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate keeps going after an unreadable file, yet words it as the handler does."""
    good = tmp_path / "good.yaml"
    good.write_text("version: 1\nproviders: []\n")
    assert main(["validate", str(tmp_path / "absent.yaml"), str(good)]) == 2
    assert capsys.readouterr().err == (
        f"cherrysync: error: cannot read {tmp_path / 'absent.yaml'}: No such file or directory\n"
    )
    assert main(["schema", "--check", "--path", str(tmp_path / "absent.json")]) == 2
    assert capsys.readouterr().err == (
        f"cherrysync: error: cannot read {tmp_path / 'absent.json'}: No such file or directory\n"
    )
