"""The entry point answers a no-op `sync` / `diff` from the fingerprint before typer loads; it must
print what the full path prints, answer only the command lines it fully understands, and never
vouch for a tree that changed (the changes themselves are in test_fingerprint.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mtimes, rule_text, write_item

import aiwg as aiwg_package
from aiwg import fingerprint, launch

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\nexclude = [\"rule/hidden\"]\n"
SRC = str(Path(aiwg_package.__file__).resolve().parents[1])


def deployed(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in ("alpha", "beta", "hidden"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    assert aiwg(project, "deploy", "-p", "cursor", "-p", "codex").exit_code == 0
    return project


def quick(project: Path, *argv: str, env: dict[str, str] | None = None) -> int | None:
    return launch.quick_answer(list(argv), os.environ if env is None else env, project)


@pytest.mark.parametrize("argv", [
    ["sync"], ["-q", "sync"], ["--quiet", "sync"], ["sync", "--scope", "project"],
    ["sync", "--scope=project"], ["diff"], ["diff", "--check"], ["diff", "--check", "--project", "."],
    ["diff", "--project=.", "--check"], ["diff", "--check", "--frozen"], ["sync", "--frozen"],
])
def test_the_forms_it_answers(tmp_path: Path, argv: list[str]) -> None:
    project = deployed(tmp_path)
    assert quick(project, *argv) == 0


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["--version"], ["sync", "--help"], ["sync", "-h"], ["-v", "sync"],
    ["--verbose", "sync"], ["sync", "--dry-run"], ["sync", "--json"], ["sync", "--force"],
    ["sync", "--adopt"], ["sync", "--explain"], ["sync", "--yes"], ["sync", "--scope", "user"],
    ["sync", "--scope=user"], ["sync", "--project"], ["sync", "--project="], ["sync", "extra"],
    ["diff", "--stat"], ["diff", "--json"], ["diff", "-p", "cursor"], ["diff", "--check", "--stat"],
    ["deploy", "-p", "cursor"], ["status"], ["sync", "--project", "missing-folder"],
    ["sync", "--check"],
])
def test_every_other_command_line_goes_to_typer(tmp_path: Path, argv: list[str]) -> None:
    project = deployed(tmp_path)
    assert quick(project, *argv) is None


def test_a_completion_request_goes_to_typer(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    assert quick(project, "sync", env={**os.environ, "_AIWG_COMPLETE": "bash_complete"}) is None


def test_it_prints_what_the_full_path_prints_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = deployed(tmp_path)
    stamps = mtimes(project)
    capsys.readouterr()
    assert quick(project, "sync") == 0
    answered = capsys.readouterr().out
    assert quick(project, "diff", "--check") == 0
    assert capsys.readouterr().out == launch.NO_DIFFERENCES + "\n"
    assert quick(project, "-q", "sync") == 0
    assert capsys.readouterr().out == ""
    assert mtimes(project) == stamps
    # The same state through the full path (no fingerprint to answer from).
    fingerprint.file_for(project / ".aiwg").unlink()
    full = aiwg(project, "sync")
    assert full.exit_code == 0
    assert answered == full.stdout, (answered, full.stdout)
    assert "left out 1 library item" in answered


def test_it_finds_the_project_from_a_subfolder(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    inner = project / "src" / "deep"
    inner.mkdir(parents=True)
    assert quick(inner, "sync") == 0


def test_a_copied_or_moved_project_is_not_vouched_for(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, symlinks=True)
    assert quick(copy, "sync") is None
    moved = tmp_path / "moved"
    project.rename(moved)
    assert quick(moved, "sync") is None
    # Moved back in place of a byte-identical copy: the inodes tell them apart.
    shutil.copytree(moved, project, symlinks=True)
    assert quick(project, "sync") is None


def test_a_state_folder_swapped_for_a_link_is_not_vouched_for(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    elsewhere = tmp_path / "elsewhere-state"
    (project / ".aiwg").rename(elsewhere)
    (project / ".aiwg").symlink_to(elsewhere, target_is_directory=True)
    assert quick(project, "sync") is None
    result = aiwg(project, "sync")
    assert result.exit_code == 2 and "symlink" in result.stderr


def test_a_folder_on_the_way_to_an_output_swapped_for_a_link_is_not_vouched_for(
        tmp_path: Path) -> None:
    """`.cursor` moved away and linked back: every file under it keeps its inode and stat."""
    project = deployed(tmp_path)
    outside = tmp_path / "outside-cursor"
    (project / ".cursor").rename(outside)
    (project / ".cursor").symlink_to(outside, target_is_directory=True)
    assert quick(project, "sync") is None


@pytest.mark.parametrize("variable", ["HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "CI",
                                      "XDG_CONFIG_HOME", "AIWG_LIBRARY"])
def test_an_environment_value_that_can_move_a_root_is_a_change(tmp_path: Path,
                                                                variable: str) -> None:
    project = deployed(tmp_path)
    assert quick(project, "sync") == 0
    env = {**os.environ, variable: str(tmp_path / "moved-root")}
    assert quick(project, "sync", env=env) is None


def test_the_answer_imports_neither_typer_nor_the_engine_nor_rich(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: sys.stderr.write(json.dumps(sorted(sys.modules))))\n"
            "sys.argv = ['aiwg', 'sync']\n"
            "from aiwg.launch import main\nmain()\n")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "cursor: " in result.stdout
    loaded = set(json.loads(result.stderr))
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("typer", "rich", "yaml", "pydantic")
                   or m in ("aiwg.engine", "aiwg.cli", "aiwg.commands", "aiwg.library"))
    assert heavy == []


def test_when_the_fingerprint_does_not_hold_the_full_path_runs(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    write_item(project, "rules/gamma.md", rule_text("gamma"))
    assert quick(project, "sync") is None
    assert quick(project, "diff", "--check") is None
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-m", "aiwg", "diff", "--check"], env=env,
                            capture_output=True, text=True, timeout=120, check=False, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
