"""Files cherrysync writes: private from creation, atomic, through symlinks, no half files kept."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cherrysync import fileio
from cherrysync.fileio import (
    PARTIAL_SUFFIX,
    copy_private,
    publish,
    same_file,
    sweep_partials,
    temp_shortage,
    write_atomic,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_private_files_are_0600_from_creation(tmp_path: Path, loose_umask: None) -> None:
    fd = fileio.create_private(tmp_path / "keys.env")
    try:
        assert stat.S_IMODE(os.fstat(fd).st_mode) == 0o600  # before the first byte
    finally:
        os.close(fd)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        fileio.create_private(tmp_path / "link")  # never through a planted link
    assert not (tmp_path / "elsewhere").exists()


def test_write_atomic_modes(tmp_path: Path, loose_umask: None) -> None:
    write_atomic(tmp_path / "a.env", "K=v\n", 0o600)
    write_atomic(tmp_path / "b.yaml", "x: 1\n")
    (tmp_path / "c.yaml").write_text("old")
    (tmp_path / "c.yaml").chmod(0o640)
    write_atomic(tmp_path / "c.yaml", "new")
    assert [_mode(tmp_path / n) for n in ("a.env", "b.yaml", "c.yaml")] == [0o600, 0o644, 0o640]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.env", "b.yaml", "c.yaml"]


@pytest.mark.parametrize("how", ["absolute", "relative", "chain", "dangling"])
def test_write_atomic_writes_through_symlinks(tmp_path: Path, how: str) -> None:
    real = tmp_path / "dotfiles" / "providers.yaml"
    real.parent.mkdir()
    if how != "dangling":
        real.write_text("old\n")
        real.chmod(0o640)
    link = tmp_path / "work" / "providers.yaml"
    link.parent.mkdir()
    if how == "relative":
        link.symlink_to(Path("..") / "dotfiles" / "providers.yaml")
    elif how == "chain":
        (tmp_path / "work" / "middle.yaml").symlink_to(real)
        link.symlink_to("middle.yaml")
    else:
        link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert _mode(real) == (0o644 if how == "dangling" else 0o640)
    leftovers = [p for p in tmp_path.rglob("*") if PARTIAL_SUFFIX in p.name]
    assert leftovers == []


def test_the_key_record_replaces_a_planted_link_instead(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "record.json"
    link.symlink_to(victim)
    write_atomic(link, "{}", 0o600, follow_symlinks=False)
    assert not link.is_symlink() and link.read_text() == "{}" and victim.read_text() == "keep"


def test_no_overwrite_keeps_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    dest = tmp_path / "out.zip"
    partial, fd = fileio.new_partial(dest)
    os.close(fd)
    dest.write_text("someone else's")
    with pytest.raises(FileExistsError) as info:
        publish(partial, dest, overwrite=False)
    assert info.value.filename == str(dest) and dest.read_text() == "someone else's"
    with pytest.raises(FileExistsError):
        write_atomic(dest, "mine", overwrite=False)
    assert dest.read_text() == "someone else's"
    partial.unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip"]


def test_same_file_sees_through_links_and_spellings(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    a = tmp_path / "a.env"
    a.write_text("x")
    (tmp_path / "sym").symlink_to(a)
    os.link(a, tmp_path / "hard")
    assert same_file(a, tmp_path / "sub" / ".." / "a.env")
    assert same_file(a, tmp_path / "sym") and same_file(a, tmp_path / "hard")
    assert same_file(tmp_path / "new.yaml", tmp_path / "sub" / ".." / "new.yaml")
    assert not same_file(a, tmp_path / "b.env")


KILLED_WRITER = """
import os, sys, time
from pathlib import Path
from cherrysync import fileio
partial, fd = fileio.new_partial(Path(sys.argv[1]))
os.write(fd, b"OPENAI_API_KEY='sk-half-written")
print(partial, flush=True)
time.sleep(60)
"""


def test_a_killed_run_leaves_a_private_partial_that_the_next_run_removes(
    tmp_path: Path, loose_umask: None, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / ".env"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(dest)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    partial = Path(proc.stdout.readline().strip())
    # while it runs, the next run leaves its partial file alone
    assert sweep_partials(tmp_path) == [] and partial.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial.name.startswith(".env.") and partial.name.endswith(PARTIAL_SUFFIX)
    assert _mode(partial) == 0o600
    journal = partial.with_name(partial.name + "-journal")  # SQLite's, beside a safety copy
    journal.write_bytes(b"")
    write_atomic(dest, "K=v\n", 0o600)
    assert not partial.exists() and not journal.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]
    err = capsys.readouterr().err
    assert f"removed {partial}, left behind by an interrupted cherrysync run" in err


def test_partials_of_other_hosts_and_other_files_are_kept(tmp_path: Path) -> None:
    other_host = tmp_path / f".x.yaml.00000000-1.0123abcd{PARTIAL_SUFFIX}"
    unrelated = tmp_path / "notes.cherrysync-partial.txt"
    for path in (other_host, unrelated):
        path.write_text("")
    assert sweep_partials(tmp_path) == []
    assert other_host.exists() and unrelated.exists()


def test_temp_folders_of_killed_runs_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    code = (
        "import os; from cherrysync import fileio\n"
        "with fileio.private_temp_folder() as d:\n"
        "    (d / 'copy.sqlite').write_bytes(b'keys')\n"
        "    print(d, flush=True); os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    left = Path(proc.stdout.strip())
    assert left.parent == tmp_path and _mode(left) == 0o700 and (left / "copy.sqlite").exists()
    with fileio.private_temp_folder() as mine:
        assert not left.exists() and mine.is_dir()
    assert not mine.exists()


@pytest.mark.usefixtures("loose_umask")
@pytest.mark.parametrize("limit", [None, 10, 9])
def test_copy_private_stops_one_byte_past_its_limit(tmp_path: Path, limit: int | None) -> None:
    dest = tmp_path / "copy"
    copied = copy_private(io.BytesIO(b"0123456789"), dest, limit)
    if limit == 9:
        assert copied == 10 and len(dest.read_bytes()) <= 9  # over: the caller refuses it
    else:
        assert (copied, dest.read_bytes()) == (10, b"0123456789")
    assert dest.stat().st_mode & 0o777 == 0o600  # private whatever the umask


def test_copy_private_never_writes_through_an_existing_name(tmp_path: Path) -> None:
    (tmp_path / "target").write_text("mine")
    (tmp_path / "dest").symlink_to(tmp_path / "target")
    with pytest.raises(FileExistsError, match="dest"):
        copy_private(io.BytesIO(b"key"), tmp_path / "dest")
    assert (tmp_path / "target").read_text() == "mine"


def test_temp_shortage_says_how_much_and_where(tmp_path: Path) -> None:
    assert temp_shortage(tmp_path, 0) is None
    problem = temp_shortage(tmp_path, 1 << 62)
    assert problem is not None
    assert problem.startswith(f"needs {1 << 42} MiB of temporary space; {tmp_path.parent} has ")
    assert problem.endswith("MiB free (set TMPDIR to a roomier folder)")
