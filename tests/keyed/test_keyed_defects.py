"""Issue 14's keyed-file defects end to end through the CLI: what a person wrote in a config
file aiwg edits is never removed, rewritten or crashed on."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import aiwg, make_project, tree, write_item

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
MCP = "name: github\ndescription: GitHub.\ncommand: npx\nargs: [x]\n"
HOOK = "name: on-stop\ndescription: After each turn.\nevent: stop\ncommand: ./done.sh\n"


def test_defect_5_remove_keeps_a_file_aiwg_created_once_the_person_commented_in_it(
        tmp_path: Path) -> None:
    root = make_project(tmp_path, CONFIG)
    write_item(root, "mcp/github.yaml", MCP)
    assert aiwg(root, "deploy", "-p", "copilot").exit_code == 0
    mcp = root / ".vscode/mcp.json"
    text = mcp.read_text()
    mcp.write_text("// servers for this repository\n" + text)
    assert aiwg(root, "remove", "-p", "copilot", "--yes").exit_code == 0
    assert mcp.read_text() == "// servers for this repository\n{}\n"


def test_defect_5_remove_deletes_a_file_aiwg_created_when_only_its_skeleton_is_left(
        tmp_path: Path) -> None:
    root = make_project(tmp_path, CONFIG)
    write_item(root, "mcp/github.yaml", MCP)
    assert aiwg(root, "deploy", "-p", "copilot").exit_code == 0
    assert aiwg(root, "remove", "-p", "copilot", "--yes").exit_code == 0
    assert not (root / ".vscode/mcp.json").exists()


def test_defect_14_a_string_where_aiwg_adds_a_hook_is_refused_never_rewritten_into_a_list(
        tmp_path: Path) -> None:
    root = make_project(tmp_path, CONFIG)
    write_item(root, "hooks/on-stop.yaml", HOOK)
    settings = root / ".claude/settings.json"
    settings.parent.mkdir()
    mine = '{\n  "hooks": {\n    "Stop": "echo"\n  }\n}\n'
    settings.write_text(mine)
    before = tree(root)
    result = aiwg(root, "deploy", "-p", "claude-code", "--yes")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert ".claude/settings.json" in message and "hooks.Stop" in message
    assert "expected a list, found str" in message
    assert "Traceback" not in result.stderr + result.stdout
    assert tree(root) == before
    assert json.loads(settings.read_text()) == {"hooks": {"Stop": "echo"}}
