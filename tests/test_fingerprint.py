"""A no-op sync answered from the fingerprint must never hide a change: each kind of change below
sends the run down the full path, which sees it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mtimes, rule_text, write_item

from aiwg import fingerprint

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def deployed(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in ("alpha", "beta"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    assert aiwg(project, "deploy", "-p", "cursor", "-p", "codex").exit_code == 0
    assert fingerprint.file_for(project / ".aiwg").is_file()
    return project


def test_a_no_op_sync_is_answered_from_the_fingerprint_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = deployed(tmp_path)

    def no_planning(*args: object, **kwargs: object) -> None:
        raise AssertionError("planned although nothing changed")

    monkeypatch.setattr("aiwg.commands.deploy.prepare", no_planning)
    monkeypatch.setattr("aiwg.commands.diff.prepare", no_planning)
    stamps = mtimes(project)
    result = aiwg(project, "sync")
    assert result.exit_code == 0 and "cursor: 2 unchanged" in result.stdout, result.stdout
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert mtimes(project) == stamps


def same_size_edit(path: Path) -> None:
    """The sneakiest edit: same size, mtime put back."""
    info = path.stat()
    data = path.read_bytes()
    path.write_bytes(data[:-2] + b"X\n")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


CHANGES = {
    "output edited (same size, mtime restored)":
        lambda p: same_size_edit(p / ".cursor/rules/alpha.mdc"),
    "output deleted": lambda p: (p / ".cursor/rules/alpha.mdc").unlink(),
    "library rule edited (same size, mtime restored)":
        lambda p: same_size_edit(p / ".aiwg/library/rules/alpha.md"),
    "library rule added": lambda p: write_item(p, "rules/gamma.md", rule_text("gamma")),
    "shared block edited": lambda p: same_size_edit(p / "AGENTS.md"),
    "file beside an output": lambda p: (p / ".cursor/rules/new.mdc").write_text("mine\n"),
    "config changed": lambda p: (p / "aiwg.toml").write_text(CONFIG + "\n"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_takes_the_full_path(tmp_path: Path, change: str) -> None:
    project = deployed(tmp_path)
    key = {"scope": "project", "root": str(project),
           "env": fingerprint.path_environment(dict(os.environ))}
    file = fingerprint.file_for(project / ".aiwg")
    assert fingerprint.matches(file, key) is not None
    CHANGES[change](project)
    assert fingerprint.matches(file, key) is None


def test_an_environment_value_that_moves_a_root_is_a_change(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    env = dict(os.environ)
    key = {"scope": "project", "root": str(project), "env": fingerprint.path_environment(env)}
    assert fingerprint.matches(file, key) is not None
    env["CODEX_HOME"] = str(tmp_path / "elsewhere")
    moved = {**key, "env": fingerprint.path_environment(env)}
    assert fingerprint.matches(file, moved) is None


def test_a_run_that_writes_removes_the_fingerprint_first(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    write_item(project, "rules/alpha.md", rule_text("alpha", body="Changed.\n"))
    (project / ".cursor/rules/alpha.mdc").write_text("a hand edit that conflicts\n")
    result = aiwg(project, "sync")
    assert result.exit_code in (0, 1)
    # Not everything is in sync now (a kept edit or a conflict): no fingerprint vouches for it.
    assert not fingerprint.file_for(project / ".aiwg").exists()
    assert aiwg(project, "diff", "--check").exit_code == 1
