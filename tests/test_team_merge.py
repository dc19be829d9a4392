"""Issue 9 "team state that merges": two branches that each add a rule merge in a real git
repository without a conflict in aiwg's files, and the result syncs green. Base copies are local
state; a fresh clone without them keeps and reports an edited file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import aiwg, make_project, rule_text, write_item

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=repo, capture_output=True, text=True, check=check)


def team_repo(tmp_path: Path, platforms: str) -> Path:
    project = make_project(tmp_path, f"platforms = [{platforms}]\n[select]\ntags = []\n"
                                     "[library]\nbuiltin = false\n")
    (project / ".git").rmdir()
    git(project, "init", "-q")
    write_item(project, "rules/base.md", rule_text("base"))
    assert aiwg(project, "sync").exit_code == 0
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    return project


def branch_adds_rule(project: Path, branch: str, name: str) -> None:
    git(project, "checkout", "-q", "-b", branch, "main")
    write_item(project, f"rules/{name}.md", rule_text(name))
    assert aiwg(project, "sync", "--yes").exit_code == 0
    git(project, "add", "-A")
    git(project, "commit", "-qm", f"add {name}")


def test_two_branches_that_each_add_a_rule_merge_without_conflict_and_sync_green(
        tmp_path: Path) -> None:
    project = team_repo(tmp_path, '"cursor", "copilot", "claude-code"')
    tracked = git(project, "ls-files").stdout.split()
    assert ".aiwg/manifest.jsonl" in tracked
    assert not [p for p in tracked if p.startswith((".aiwg/local", ".aiwg/lock", ".aiwg/base/"))]
    branch_adds_rule(project, "one", "alpha")
    branch_adds_rule(project, "two", "beta")
    merged = git(project, "merge", "-q", "--no-edit", "one", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert git(project, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert "<<<<<<<" not in (project / ".aiwg/manifest.jsonl").read_text()
    assert aiwg(project, "sync").exit_code == 0
    check = aiwg(project, "diff", "--check")
    assert check.exit_code == 0, check.stdout
    assert (project / ".cursor/rules/alpha.mdc").exists()
    assert (project / ".cursor/rules/beta.mdc").exists()


def test_a_shared_block_both_branches_changed_is_settled_by_sync(tmp_path: Path) -> None:
    """AGENTS.md itself may conflict in git (it is the team's file); aiwg's manifest does not,
    and keeps both branches' digests, so either side the person takes is recognised as aiwg's."""
    project = team_repo(tmp_path, '"codex", "cursor"')
    branch_adds_rule(project, "one", "alpha")
    branch_adds_rule(project, "two", "beta")
    git(project, "merge", "-q", "--no-edit", "one", check=False)
    conflicted = git(project, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert not [p for p in conflicted if p.startswith(".aiwg/")]
    for path in conflicted:
        git(project, "checkout", "--ours", "--", path)
        git(project, "add", path)
    git(project, "commit", "-qm", "merge", check=False)
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    text = (project / "AGENTS.md").read_text()
    assert "# Alpha" in text and "# Beta" in text


def test_a_fresh_clone_without_bases_keeps_and_reports_an_edited_file(tmp_path: Path) -> None:
    project = team_repo(tmp_path, '"cursor"')
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    assert not (clone / ".aiwg/local").exists()
    assert aiwg(clone, "diff", "--check").exit_code == 0
    output = clone / ".cursor/rules/base.mdc"
    edited = output.read_text().replace("Body line two.", "Body line two, mine.")
    output.write_text(edited)
    shutil.rmtree(clone / ".aiwg/local", ignore_errors=True)  # diff --check wrote no bases
    write_item(clone, "rules/base.md",
               rule_text("base", "Body line one.\nBody line two.\nBody line three, new.\n"))
    result = aiwg(clone, "sync")
    assert output.read_text() == edited
    assert "base.mdc" in result.stderr
