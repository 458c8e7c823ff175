"""The comment's parts that overlays and tags change: its heading, its key, reading overlays."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cherrysync.ci.prcomment import (
    CommentOptions,
    PullRequest,
    comment_key,
    compose,
    main,
    read_overlays,
)

PR = PullRequest(7, "a" * 40, "main", "b" * 40)


def test_the_key_without_overlays_or_tags_is_the_one_comments_already_carry() -> None:
    before = hashlib.sha256(b"a.yaml\0b.yaml").hexdigest()[:12]  # the key before overlays
    assert comment_key("b.yaml  a.yaml") == comment_key("a.yaml b.yaml", " ", "") == before


def test_overlays_in_order_and_tags_make_another_comment() -> None:
    """A matrix over machines' overlays keeps one comment per machine."""
    keys = {
        comment_key("p.yaml"),
        comment_key("p.yaml", "laptop.yaml"),
        comment_key("p.yaml", "server.yaml"),
        comment_key("p.yaml", "a.yaml b.yaml"),
        comment_key("p.yaml", "b.yaml a.yaml"),  # applied in another order: another result
        comment_key("p.yaml", "", "work"),
    }
    assert len(keys) == 6
    assert comment_key("p.yaml", "", "work gpu") == comment_key("p.yaml", "", "gpu  work")


def test_the_heading_names_overlays_and_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not a repository: no diffs, the heading is still there
    options = CommentOptions.from_inputs("p.yaml", "a.yaml b`.yaml", "work gpu")
    heading = compose(options, PR).split("\n\n")[1]
    assert heading == (
        "Providers files at bbbbbbb, compared with `main` (aaaaaaa), with the overlays "
        "`a.yaml`, ``b`.yaml`` merged on top in this order, only providers tagged `work` or "
        "`gpu`. This comment is updated on every push."
    )
    plain = compose(CommentOptions.from_inputs("p.yaml"), PR).split("\n\n")[1]
    assert plain.endswith("compared with `main` (aaaaaaa). This comment is updated on every push.")


def test_overlays_are_read_once_or_say_why_not(tmp_path: Path) -> None:
    good, bad, worse = (tmp_path / n for n in ("good.yaml", "bad.yaml", "worse.yaml"))
    good.write_text("version: 1\nproviders:\n  - id: relay\n    enabled: false\n")
    bad.write_text("version: 1\nproviders:\n  - enabled: false\n")
    worse.write_text("version: 2\n")
    overlays, problem = read_overlays([str(good)])
    assert problem is None and [o.filename for o in overlays] == [str(good)]
    overlays, problem = read_overlays([str(good), str(bad), str(worse)])
    assert overlays == [] and problem is not None
    assert problem.startswith(f"No diff: the overlay `{bad}`, `{worse}` are not valid:\n\n```text")
    assert f"{bad}:3:5: error:" in problem and f"{worse}:1:" in problem
    overlays, problem = read_overlays([str(good), str(tmp_path / "none.yaml")])
    assert overlays == [] and problem == (
        f"No diff: cannot read overlay {tmp_path}/none.yaml: No such file or directory."
    )


def test_overlays_and_tags_are_options_taking_any_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    argv = ["--files", "p.yaml", "--overlays=-odd.yaml b.yaml", "--tags=-x work"]
    assert main(argv) == 0
    assert "not a pull request" in capsys.readouterr().out
