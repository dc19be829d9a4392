"""`aiwg pull`: a hand edit written back into its library item, for each grain.

After a pull the edited output is what the library renders: status is clean, `diff --check` is
green, and the edit's bytes are unchanged on disk.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import aiwg, make_project, tree, write_item

CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"
RULE = ("---\nname: alpha\ndescription: The alpha rule.\nseverity: high\ntags: [core]\n---\n"
        "# Alpha\n\nLine one.\nLine two.\n")
BETA = "---\nname: beta\ndescription: The beta rule.\n---\n# Beta\n\nBeta text.\n"
SERVER = "name: github\ndescription: GitHub.\ncommand: npx\nargs: [x]\n"


def _project(tmp_path: Path, *platforms: str) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", RULE)
    write_item(project, "rules/beta.md", BETA)
    write_item(project, "mcp/github.yaml", SERVER)
    args = [arg for platform in platforms for arg in ("-p", platform)]
    assert aiwg(project, "deploy", *args).exit_code == 0
    return project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def _clean(project: Path) -> None:
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert "edited" not in aiwg(project, "status").stdout


def test_pull_of_a_whole_file_updates_the_item_body_and_keeps_its_other_fields(
        tmp_path: Path) -> None:
    project = _project(tmp_path, "claude-code")
    _edit(project / ".claude/rules/alpha.md", "Line two.", "Line two, improved.")
    edited = tree(project)
    result = aiwg(project, "pull", ".claude/rules/alpha.md")
    assert result.exit_code == 0, result.stderr
    assert "pulled .claude/rules/alpha.md into rule/alpha" in result.stdout
    text = (project / ".aiwg/library/rules/alpha.md").read_text()
    assert "Line two, improved." in text and "severity: high" in text and "- core" in text
    assert {k: v for k, v in tree(project).items() if "library" not in k} == {
        k: v for k, v in edited.items() if "library" not in k}
    _clean(project)


def test_pull_maps_frontmatter_back_through_the_adapter(tmp_path: Path) -> None:
    project = _project(tmp_path, "cursor")
    _edit(project / ".cursor/rules/alpha.mdc", "alwaysApply: true", "globs: src/**\n"
          "alwaysApply: false")
    assert aiwg(project, "pull", ".cursor/rules/alpha.mdc").exit_code == 0
    text = (project / ".aiwg/library/rules/alpha.md").read_text()
    assert "globs:\n- src/**" in text
    _clean(project)


def test_pull_of_a_managed_block_edit_changes_only_the_item_it_touched(tmp_path: Path) -> None:
    project = _project(tmp_path, "codex")
    agents = project / "AGENTS.md"
    _edit(agents, "Beta text.", "Beta text, clarified.")
    result = aiwg(project, "pull", "AGENTS.md")
    assert result.exit_code == 0, result.stderr
    assert "into rule/beta" in result.stdout and "rule/alpha" not in result.stdout
    assert (project / ".aiwg/library/rules/beta.md").read_text().endswith(
        "# Beta\n\nBeta text, clarified.\n")
    assert (project / ".aiwg/library/rules/alpha.md").read_text() == RULE
    _clean(project)


def test_pull_of_an_edit_in_two_block_sections_maps_each_to_its_item(tmp_path: Path) -> None:
    project = _project(tmp_path, "codex")
    agents = project / "AGENTS.md"
    _edit(agents, "Beta text.", "Beta text, two.")
    _edit(agents, "Line one.", "Line one, two.")
    assert aiwg(project, "pull", "AGENTS.md").exit_code == 0
    assert "Line one, two." in (project / ".aiwg/library/rules/alpha.md").read_text()
    assert "Beta text, two." in (project / ".aiwg/library/rules/beta.md").read_text()
    _clean(project)


def test_pull_refuses_an_edit_that_cannot_be_mapped_to_an_item(tmp_path: Path) -> None:
    project = _project(tmp_path, "codex")
    _edit(project / "AGENTS.md", "## Project rules", "## Our rules")
    library = tree(project / ".aiwg/library")
    result = aiwg(project, "pull", "AGENTS.md")
    assert result.exit_code == 2
    assert "outside every item" in result.stderr and "Traceback" not in result.stderr
    assert tree(project / ".aiwg/library") == library  # nothing half-written


def test_pull_of_an_owned_key_updates_the_server_item(tmp_path: Path) -> None:
    project = _project(tmp_path, "claude-code")
    mcp = project / ".mcp.json"
    data = json.loads(mcp.read_text())
    data["mcpServers"]["github"]["args"] = ["x", "--read-only"]
    mcp.write_text(json.dumps(data, indent=2) + "\n")
    assert aiwg(project, "pull", ".mcp.json").exit_code == 0
    text = (project / ".aiwg/library/mcp/github.yaml").read_text()
    assert "--read-only" in text and "description: GitHub." in text
    _clean(project)


def test_pulled_change_reaches_the_other_platforms_on_the_next_sync(tmp_path: Path) -> None:
    project = _project(tmp_path, "claude-code", "cursor")
    _edit(project / ".claude/rules/alpha.md", "Line two.", "Line two, shared.")
    result = aiwg(project, "pull", ".claude/rules/alpha.md")
    assert result.exit_code == 0
    assert "change on the next `aiwg sync`" in result.stdout
    assert aiwg(project, "sync").exit_code == 0
    assert "Line two, shared." in (project / ".cursor/rules/alpha.mdc").read_text()
    _clean(project)


def test_pull_with_nothing_edited_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, "claude-code")
    before = tree(project, skip=(".git",))
    result = aiwg(project, "pull")
    assert result.exit_code == 0 and "nothing to pull" in result.stdout
    assert tree(project, skip=(".git",)) == before
