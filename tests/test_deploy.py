"""Issue 3's acceptance, end to end through the CLI: deploy, sync, diff, status, remove."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpers import (
    aiwg,
    make_project,
    manifest_outputs,
    mirror_to_user_scope,
    mtimes,
    rule_text,
    tree,
    write_item,
)

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def project_with_rule(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    write_item(project, "rules/py.md", rule_text("py", globs='["**/*.py"]'))
    write_item(project, "mcp/github.yaml",
               "name: github\ndescription: GitHub.\ncommand: npx\nargs: [x]\n"
               "env:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n")
    return project


def test_deploy_writes_both_platforms_and_a_second_run_touches_nothing(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    first = aiwg(project, "deploy", "--platform", "cursor", "--platform", "claude-code")
    assert first.exit_code == 0, first.stderr
    files = tree(project)
    assert files[".claude/rules/alpha.md"].startswith(b"# Alpha")  # always-on: no frontmatter
    assert files[".claude/rules/py.md"].startswith(b"---\npaths:\n- '**/*.py'\n---")
    assert b"alwaysApply: true" in files[".cursor/rules/alpha.mdc"]
    assert b"globs: **/*.py" in files[".cursor/rules/py.mdc"]
    mcp = json.loads(files[".mcp.json"])
    assert mcp["mcpServers"]["github"]["env"] == {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}
    cursor_mcp = json.loads(files[".cursor/mcp.json"])
    assert cursor_mcp["mcpServers"]["github"]["env"] == {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}"}
    manifest = {"outputs": manifest_outputs(project)}
    assert ".cursor/rules/alpha.mdc" in manifest["outputs"]

    before, stamps = tree(project), mtimes(project)
    second = aiwg(project, "deploy", "--platform", "cursor", "--platform", "claude-code")
    assert second.exit_code == 0
    assert "created" not in second.stdout and "updated" not in second.stdout
    assert tree(project) == before
    assert mtimes(project) == stamps


def test_hand_edit_merges_then_conflicts_and_check_tracks_it(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    body = "".join(f"Line {i}.\n" for i in range(1, 9))
    source = write_item(project, "rules/alpha.md", rule_text("alpha", body=body))
    assert aiwg(project, "deploy", "--platform", "claude-code").exit_code == 0
    deployed = project / ".claude/rules/alpha.md"
    assert aiwg(project, "diff", "--check").exit_code == 0

    deployed.write_text(deployed.read_text().replace("Line 8.", "Line 8, edited by hand."))
    source.write_text(source.read_text().replace("Line 1.", "Line 1, changed in the library."))
    assert aiwg(project, "diff", "--check").exit_code == 1
    merged = aiwg(project, "sync")
    assert merged.exit_code == 0, merged.stderr
    text = deployed.read_text()
    assert "Line 1, changed in the library." in text and "Line 8, edited by hand." in text
    assert aiwg(project, "diff", "--check").exit_code == 1  # the hand edit is drift

    deployed.write_text(deployed.read_text().replace("Line 4.", "Line 4 by hand."))
    source.write_text(source.read_text().replace("Line 4.", "Line 4 by the library."))
    conflict = aiwg(project, "sync")
    assert conflict.exit_code == 1
    assert "conflict" in conflict.stderr + conflict.stdout
    assert "Line 4 by hand." in deployed.read_text()  # left untouched
    assert aiwg(project, "diff", "--check").exit_code == 1

    assert aiwg(project, "sync", "--force").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0


def test_user_files_and_keys_survive_deploy_sync_and_remove(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    mine = project / ".cursor/rules/mine.mdc"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ndescription: mine\n---\nMy own rule.\n")
    user_mcp = '{\n  "mcpServers": {\n    "local": {"command": "my-server"}\n  },\n  "other": 1\n}\n'
    (project / ".mcp.json").write_text(user_mcp)

    assert aiwg(project, "deploy", "-p", "cursor", "-p", "claude-code").exit_code == 0
    assert aiwg(project, "sync").exit_code == 0
    data = json.loads((project / ".mcp.json").read_text())
    assert data["mcpServers"]["local"] == {"command": "my-server"} and data["other"] == 1
    assert aiwg(project, "remove", "-p", "cursor", "-p", "claude-code").exit_code == 0
    assert mine.read_text() == "---\ndescription: mine\n---\nMy own rule.\n"
    assert (project / ".mcp.json").read_text() == user_mcp
    assert not (project / ".cursor/rules/alpha.mdc").exists()
    assert not (project / ".claude").exists()


def test_user_scope_claude_json_survives_byte_for_byte(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    mirror_to_user_scope(project)
    home = Path(os.environ["HOME"])
    state = ('{\n  "numStartups": 42,\n  "projects": {"/x": {"allowedTools": []}},\n'
             '  "mcpServers": {\n    "mine": {"command": "keep-me"}\n  },\n  "tipsHistory": {}\n}\n')
    (home / ".claude.json").write_text(state)
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    assert (home / ".claude/rules/alpha.md").exists()
    written = (home / ".claude.json").read_text()
    assert json.loads(written)["mcpServers"]["github"]["command"] == "npx"
    assert aiwg(project, "sync", "--scope", "user").exit_code == 0
    assert aiwg(project, "remove", "--scope", "user", "-p", "claude-code").exit_code == 0
    assert (home / ".claude.json").read_text() == state
    assert not (project / ".aiwg" / "manifest.jsonl").exists()


def test_claude_config_dir_moves_the_user_root(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = project_with_rule(tmp_path)
    mirror_to_user_scope(project)
    moved = tmp_path / "claude-config"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(moved))
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude").exit_code == 0
    assert (moved / "rules/alpha.md").exists()
    assert json.loads((moved / ".claude.json").read_text())["mcpServers"]["github"]


def test_unmanaged_file_is_skipped_until_adopted(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    existing = project / ".claude/rules/alpha.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("someone else's alpha\n")
    result = aiwg(project, "deploy", "-p", "claude-code")
    assert result.exit_code == 0
    assert existing.read_text() == "someone else's alpha\n"
    assert "skip-unmanaged" in result.stderr
    assert aiwg(project, "deploy", "-p", "claude-code", "--force").exit_code == 0
    assert existing.read_text().startswith("# Alpha")


def test_adopt_is_not_force_it_keeps_the_persons_file_and_merges_later_changes(
        tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    aiwg(project, "deploy", "-p", "claude-code")
    existing = project / ".claude/rules/alpha.md"
    rendered = existing.read_text()
    existing.unlink()
    (project / ".aiwg/manifest.jsonl").unlink()
    mine = rendered.replace("Body line one.", "Body line one, as the team says it.")
    existing.write_text(mine)
    result = aiwg(project, "deploy", "-p", "claude-code", "--adopt")
    assert result.exit_code == 0
    assert existing.read_text() == mine  # adopted, not overwritten
    assert "adopted" in result.stderr
    rows = {r["path"]: r["state"] for r in aiwg(project, "status", "--json").json()["outputs"]}
    assert rows[".claude/rules/alpha.md"] == "edited"
    # A library change now merges three ways into the person's version, keeping their line.
    write_item(project, "rules/alpha.md",
               rule_text("alpha", "Body line one.\nBody line two.\nBody line three, changed.\n"))
    assert aiwg(project, "sync").exit_code == 0
    merged = existing.read_text()
    assert "Body line one, as the team says it." in merged
    assert "Body line three, changed." in merged


def test_deleted_by_hand_is_reported_and_recreated_only_with_force(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    aiwg(project, "deploy", "-p", "cursor")
    (project / ".cursor/rules/alpha.mdc").unlink()
    status = aiwg(project, "status", "--json").json()
    states = {row["path"]: row["state"] for row in status["outputs"]}
    assert states[".cursor/rules/alpha.mdc"] == "missing"
    aiwg(project, "sync")
    assert not (project / ".cursor/rules/alpha.mdc").exists()
    aiwg(project, "sync", "--force")
    assert (project / ".cursor/rules/alpha.mdc").exists()


def test_sync_prunes_unedited_orphans_and_releases_edited_ones(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    aiwg(project, "deploy", "-p", "cursor")
    (project / ".cursor/rules/py.mdc").write_text("edited by hand\n")
    (project / ".aiwg/library/rules/py.md").unlink()
    (project / ".aiwg/library/rules/alpha.md").unlink()
    result = aiwg(project, "sync")
    assert result.exit_code == 0
    assert not (project / ".cursor/rules/alpha.mdc").exists()
    assert (project / ".cursor/rules/py.mdc").read_text() == "edited by hand\n"
    manifest = {"outputs": manifest_outputs(project)}
    assert ".cursor/rules/py.mdc" not in manifest["outputs"]


def test_status_names_every_state(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    aiwg(project, "deploy", "-p", "cursor")
    (project / ".cursor/rules/alpha.mdc").write_text("edited\n")
    rows = aiwg(project, "status", "--json").json()["outputs"]
    states = {row["path"]: row["state"] for row in rows}
    assert states[".cursor/rules/alpha.mdc"] == "edited"
    assert states[".cursor/rules/py.mdc"] == "up to date"


def test_diff_shows_a_unified_diff_and_stat(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    diff = aiwg(project, "diff", "-p", "cursor")
    assert "+++ b/.cursor/rules/alpha.mdc" in diff.stdout
    assert diff.exit_code == 0
    stat = aiwg(project, "diff", "-p", "cursor", "--stat")
    assert ".cursor/rules/alpha.mdc" in stat.stdout and "create" in stat.stdout
    assert not (project / ".cursor").exists()  # diff writes nothing
    assert aiwg(project, "diff", "-p", "cursor", "--check").exit_code == 1


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    before = tree(project, skip=())
    result = aiwg(project, "deploy", "-p", "cursor", "--dry-run")
    assert result.exit_code == 0 and "to create" in result.stdout
    assert tree(project, skip=()) == before


def test_unknown_platform_is_one_line_exit_2(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    result = aiwg(project, "deploy", "-p", "notaplatform")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unknown platform 'notaplatform'; valid platforms:" in result.stderr


def test_symlink_escape_is_refused_with_one_line(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, project / ".cursor")
    result = aiwg(project, "deploy", "-p", "cursor")
    assert result.exit_code == 2
    assert "symlink" in result.stderr and result.stderr.strip().count("\n") == 0
    assert list(outside.iterdir()) == []


def test_explain_prints_the_loss_report(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    mirror_to_user_scope(project)
    result = aiwg(project, "deploy", "-p", "cursor", "--scope", "user", "--explain")
    assert result.exit_code == 0
    assert "cursor: dropped 2: rule/alpha, rule/py" in result.stdout


def test_broken_library_refuses_to_deploy_with_one_line_per_problem(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    write_item(project, "rules/bad.md", "---\nname: bad\ndescription: [unclosed\n---\nx\n")
    result = aiwg(project, "deploy", "-p", "cursor")
    assert result.exit_code == 2
    assert "bad.md" in result.stderr and "Traceback" not in result.stderr
    assert not (project / ".cursor").exists()


def test_deploy_all_in_both_scopes_then_nothing_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path, "ignore = ['.env']\n")
    home = Path(os.environ["HOME"])
    for scope in ("project", "user"):
        first = aiwg(project, "deploy", "--all", "--scope", scope)
        assert first.exit_code == 0, first.stderr
        root = project if scope == "project" else home
        before, stamps = tree(root), mtimes(root)
        again = aiwg(project, "deploy", "--all", "--scope", scope)
        assert again.exit_code == 0
        assert "created" not in again.stdout and "updated" not in again.stdout
        assert tree(root) == before and mtimes(root) == stamps
    assert (project / "AGENTS.md").exists() and (project / ".cursorignore").exists()
    assert aiwg(project, "diff", "--check").exit_code == 0
