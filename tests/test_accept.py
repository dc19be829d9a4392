"""`aiwg accept`: a hand edit recorded as intended, for each grain of ownership (file, block, key).

After accepting, the file keeps its bytes, `diff --check` is green, a sync writes nothing, and a
later library change merges three ways into the accepted edit instead of replacing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mtimes, rule_text, tree, write_item

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
BODY = "".join(f"Line {i}.\n" for i in range(1, 9))


def _project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha", body=BODY))
    write_item(project, "mcp/github.yaml",
               "name: github\ndescription: GitHub.\ncommand: npx\nargs: [x]\n")
    # A CLAUDE.md of the person's: Claude Code then skips AGENTS.md and reads .claude/rules.
    (project / "CLAUDE.md").write_text("# Notes\n")
    assert aiwg(project, "deploy", "-p", "claude-code", "-p", "codex").exit_code == 0
    return project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


GRAINS = {
    # grain: (file, text the edit replaces, its replacement, library text changed later)
    "file": (".claude/rules/alpha.md", "Line 8.", "Line 8, by hand.", "Line 1."),
    "block": ("AGENTS.md", "Line 8.", "Line 8, by hand.", "Line 1."),
    "keys": (".mcp.json", '"x"', '"x", "--verbose"', None),
}


@pytest.mark.parametrize("grain", sorted(GRAINS))
def test_accept_keeps_the_edit_and_check_goes_green(tmp_path: Path, grain: str) -> None:
    project = _project(tmp_path)
    relative, old, new, _ = GRAINS[grain]
    _edit(project / relative, old, new)
    assert aiwg(project, "diff", "--check").exit_code == 1
    edited = tree(project)

    accepted = aiwg(project, "accept", str(project / relative))
    assert accepted.exit_code == 0, accepted.stderr
    assert "accepted" in accepted.stdout
    assert tree(project) == edited  # not a byte of the edit lost
    check = aiwg(project, "diff", "--check")
    assert check.exit_code == 0, check.stdout
    status = aiwg(project, "status")
    assert "edited" not in status.stdout and "up to date (accepted edit)" in status.stdout
    stamps = mtimes(project)
    assert aiwg(project, "sync").exit_code == 0
    assert tree(project) == edited and mtimes(project) == stamps


@pytest.mark.parametrize("grain", ["file", "block"])
def test_library_change_after_accept_merges_into_the_accepted_edit(tmp_path: Path,
                                                                   grain: str) -> None:
    project = _project(tmp_path)
    relative, old, new, changed = GRAINS[grain]
    _edit(project / relative, old, new)
    assert aiwg(project, "accept", relative).exit_code == 0
    assert changed is not None
    _edit(project / ".aiwg/library/rules/alpha.md", changed, "Line 1, from the library.")
    synced = aiwg(project, "sync")
    assert synced.exit_code == 0, synced.stderr
    text = (project / relative).read_text()
    assert "Line 1, from the library." in text and new in text
    assert aiwg(project, "diff", "--check").exit_code == 0  # the edit is still the accepted one


def test_accepted_key_edit_survives_a_library_change_elsewhere(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _edit(project / ".mcp.json", '"x"', '"x", "--verbose"')
    assert aiwg(project, "accept", ".mcp.json").exit_code == 0
    _edit(project / ".aiwg/library/rules/alpha.md", "Line 1.", "Line 1, changed.")
    assert aiwg(project, "sync").exit_code == 0
    server = json.loads((project / ".mcp.json").read_text())["mcpServers"]["github"]
    assert server["args"] == ["x", "--verbose"]
    assert aiwg(project, "diff", "--check").exit_code == 0


def test_accept_then_edit_again_is_drift_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    target = project / ".claude/rules/alpha.md"
    _edit(target, "Line 8.", "Line 8, by hand.")
    assert aiwg(project, "accept", ".claude/rules/alpha.md").exit_code == 0
    _edit(target, "Line 7.", "Line 7, later.")
    assert aiwg(project, "diff", "--check").exit_code == 1
    assert "Line 7, later." in target.read_text()
    assert aiwg(project, "sync").exit_code == 0
    assert "Line 7, later." in target.read_text()  # kept, never replaced


def test_accept_refuses_a_file_with_conflict_markers(tmp_path: Path) -> None:
    project = _project(tmp_path)
    target = project / ".claude/rules/alpha.md"
    _edit(target, "Line 8.", "<<<<<<< disk\nLine 8.\n=======\nLine eight.\n>>>>>>> library")
    result = aiwg(project, "accept", ".claude/rules/alpha.md")
    assert result.exit_code == 2
    assert "conflict markers" in result.stderr and "Traceback" not in result.stderr


def test_accept_of_a_path_aiwg_does_not_render_is_a_usage_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = aiwg(project, "accept", "README.md")
    assert result.exit_code == 2 and "renders nothing there" in result.stderr


def test_accept_of_a_platform_takes_its_edits_only(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _edit(project / ".claude/rules/alpha.md", "Line 8.", "Line 8, by hand.")
    mine = project / ".claude/agents/mine.md"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("Mine.\n")
    assert aiwg(project, "accept", "-p", "claude-code").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert "mine.md" not in (project / ".aiwg/manifest.jsonl").read_text()


def test_accept_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _edit(project / "AGENTS.md", "Line 8.", "Line 8, by hand.")
    manifest = (project / ".aiwg/manifest.jsonl").read_bytes()
    assert aiwg(project, "accept", "AGENTS.md", "--dry-run").exit_code == 0
    assert (project / ".aiwg/manifest.jsonl").read_bytes() == manifest
    assert aiwg(project, "diff", "--check").exit_code == 1


def test_accepting_an_unmanaged_file_takes_it_over_with_its_bytes(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha", body=BODY))
    mine = project / ".claude/rules/alpha.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# Mine\n\nMy own words.\n")
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    assert mine.read_text() == "# Mine\n\nMy own words.\n"  # skipped: not aiwg's
    assert aiwg(project, "accept", ".claude/rules/alpha.md", "-p", "claude-code").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert mine.read_text() == "# Mine\n\nMy own words.\n"
    # The bytes are the person's: removing the platform releases the file, never deletes it.
    assert aiwg(project, "remove", "-p", "claude-code", "--yes").exit_code == 0
    assert mine.read_text() == "# Mine\n\nMy own words.\n"
