"""Issue 4: the seed platforms, shared AGENTS.md and skills, TOML and JSON5 owned keys."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import json5
from helpers import (
    aiwg,
    make_project,
    manifest_outputs,
    mirror_to_user_scope,
    rule_text,
    write_item,
)

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
USER_TEXT = "# Our agents guide\n\nHand-written team notes.\n"


def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path, CONFIG)
    write_item(root, "rules/alpha.md", rule_text("alpha"))
    write_item(root, "rules/py.md", rule_text("py", globs='["**/*.py"]'))
    write_item(root, "agents/helper.md", "---\nname: helper\ndescription: Helps.\n---\nHelp out.\n")
    write_item(root, "commands/go.md", "---\nname: go\ndescription: Go.\n---\nGo with $ARGUMENTS.\n")
    write_item(root, "skills/tidy/SKILL.md", "---\nname: tidy\ndescription: Tidies code; use when asked.\n---\nTidy.\n")
    write_item(root, "mcp/github.yaml", "name: github\ndescription: GitHub.\ncommand: npx\n"
               "env:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n")
    return root


def test_seed_platforms_write_every_path(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "AGENTS.md").write_text(USER_TEXT)
    (root / ".vscode").mkdir()
    (root / ".vscode/mcp.json").write_text(
        '{\n  // mine\n  "servers": {\n    "own": {"type": "stdio", "command": "own"}\n  }\n}\n')
    result = aiwg(root, "deploy", "--platform", "codex", "--platform", "copilot", "--platform", "warp")
    assert result.exit_code == 0, result.stderr
    agents = (root / "AGENTS.md").read_text()
    assert agents.startswith(USER_TEXT) and "<!-- aiwg:begin rules -->" in agents
    assert "_Applies when working on files matching `**/*.py`._" in agents
    agent = tomllib.loads((root / ".codex/agents/helper.toml").read_text())
    assert agent == {"name": "helper", "description": "Helps.", "developer_instructions": "Help out.\n"}
    config = tomllib.loads((root / ".codex/config.toml").read_text())
    assert config["mcp_servers"]["github"] == {"command": "npx", "env_vars": ["GITHUB_TOKEN"]}
    assert (root / ".agents/skills/tidy/SKILL.md").exists()
    assert "Go with $ARGUMENTS." in (root / ".agents/skills/go/SKILL.md").read_text()
    # Copilot reads AGENTS.md and .agents/skills, so it gets the rules and the command there,
    # once, instead of from its own instructions and prompt files too (issue 10).
    assert not (root / ".github/prompts/go.prompt.md").exists()
    assert not (root / ".github/instructions").exists()
    assert (root / ".github/agents/helper.agent.md").exists()
    vscode = json5.loads((root / ".vscode/mcp.json").read_text())
    assert vscode["servers"]["own"] == {"type": "stdio", "command": "own"}
    assert vscode["servers"]["github"]["env"] == {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}"}
    assert "// mine" in (root / ".vscode/mcp.json").read_text()
    assert json.loads((root / ".warp/.mcp.json").read_text())["mcpServers"]["github"]
    assert not (root / "WARP.md").exists()


def test_shared_paths_are_written_once_and_listed_once_with_their_readers(tmp_path: Path) -> None:
    root = project(tmp_path)
    aiwg(root, "deploy", "-p", "codex", "-p", "warp")
    manifest = {"outputs": manifest_outputs(root)}
    block = manifest["outputs"]['AGENTS.md#block:rules']
    assert block["platforms"] == ["codex", "warp"]
    skill = manifest["outputs"][".agents/skills/tidy/SKILL.md"]
    assert skill["platforms"] == ["codex", "warp"]
    rows = aiwg(root, "status", "--json").json()["outputs"]
    agents_rows = [r for r in rows if r["path"] == "AGENTS.md"]
    assert len(agents_rows) == 1 and agents_rows[0]["platforms"] == ["codex", "warp"]


def test_user_text_survives_deploy_sync_remove_and_the_block_stays_while_a_reader_remains(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "AGENTS.md").write_text(USER_TEXT)
    aiwg(root, "deploy", "-p", "codex")
    aiwg(root, "deploy", "-p", "warp")
    aiwg(root, "sync")
    assert (root / "AGENTS.md").read_text().startswith(USER_TEXT)
    assert aiwg(root, "remove", "-p", "codex").exit_code == 0
    text = (root / "AGENTS.md").read_text()
    assert text.startswith(USER_TEXT) and "<!-- aiwg:begin rules -->" in text
    assert (root / ".agents/skills/tidy/SKILL.md").exists()  # warp still reads it
    assert not (root / ".codex/agents/helper.toml").exists()
    assert aiwg(root, "remove", "-p", "warp").exit_code == 0
    assert (root / "AGENTS.md").read_text() == USER_TEXT
    assert not (root / ".agents").exists()


def test_aiwg_created_agents_md_is_removed_with_its_block(tmp_path: Path) -> None:
    root = project(tmp_path)
    aiwg(root, "deploy", "-p", "codex")
    assert (root / "AGENTS.md").exists()
    aiwg(root, "remove", "-p", "codex")
    assert not (root / "AGENTS.md").exists()


def test_warp_md_option_writes_warp_md_only(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "aiwg.toml").write_text(CONFIG + '[platform.warp]\nrules_file = "WARP.md"\n')
    assert aiwg(root, "deploy", "-p", "warp").exit_code == 0
    assert (root / "WARP.md").exists() and not (root / "AGENTS.md").exists()
    (root / "aiwg.toml").write_text(CONFIG + '[platform.warp]\nrules_file = "warp.md"\n')
    bad = aiwg(root, "deploy", "-p", "warp")
    assert bad.exit_code == 2 and "expected one of ['AGENTS.md', 'WARP.md']" in bad.stderr


def test_user_scope_openclaw_and_codex(tmp_path: Path) -> None:
    root = project(tmp_path)
    mirror_to_user_scope(root)
    home = Path(os.environ["HOME"])
    openclaw = home / ".openclaw"
    openclaw.mkdir()
    user_config = "// my gateway settings\n{\n  gateway: { port: 18789 }, // keep this\n}\n"
    (openclaw / "openclaw.json").write_text(user_config)
    result = aiwg(root, "deploy", "--scope", "user", "-p", "openclaw", "-p", "codex")
    assert result.exit_code == 0, result.stderr
    written = (openclaw / "openclaw.json").read_text()
    assert "// my gateway settings" in written and "// keep this" in written
    data = json5.loads(written)
    assert data["gateway"] == {"port": 18789}
    assert data["mcp"]["servers"]["github"]["env"] == {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}
    assert "<!-- aiwg:begin rules -->" in (openclaw / "workspace/AGENTS.md").read_text()
    assert (openclaw / "workspace/skills/tidy/SKILL.md").exists()
    assert "<!-- aiwg:begin rules -->" in (home / ".codex/AGENTS.md").read_text()
    assert tomllib.loads((home / ".codex/config.toml").read_text())["mcp_servers"]["github"]
    assert (home / ".agents/skills/tidy/SKILL.md").exists()
    assert aiwg(root, "remove", "--scope", "user", "-p", "openclaw").exit_code == 0
    assert (openclaw / "openclaw.json").read_text() == user_config


def test_codex_home_and_openclaw_profile_move_the_user_roots(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path)
    mirror_to_user_scope(root)
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    monkeypatch.setenv("OPENCLAW_PROFILE", "work")
    assert aiwg(root, "deploy", "--scope", "user", "-p", "codex", "-p", "openclaw").exit_code == 0
    assert (tmp_path / "codex-home/AGENTS.md").exists()
    assert (Path(os.environ["HOME"]) / ".openclaw/workspace-work/AGENTS.md").exists()


def test_openclaw_has_no_project_scope(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = aiwg(root, "deploy", "-p", "openclaw")
    assert result.exit_code == 2
    assert "OpenClaw has no project scope" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (root / "AGENTS.md").exists()


def test_codex_loss_report_says_commands_are_skills(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = aiwg(root, "deploy", "-p", "codex", "--explain")
    assert "codex: emulated 1: command/go — written as a skill: Codex removed custom prompts" in result.stdout


def test_loss_report_names_scopes_and_tools_a_platform_cannot_carry(tmp_path: Path) -> None:
    root = project(tmp_path)
    write_item(root, "agents/helper.md",
               "---\nname: helper\ndescription: Helps.\ntools: [Read]\n---\nHelp out.\n")
    result = aiwg(root, "deploy", "-p", "codex", "-p", "cline", "--explain", "--dry-run")
    assert ("codex: reduced 1: rule/py — always loaded, with its scope stated in words" in result.stdout)
    assert "codex: reduced 1: agent/helper — tools not written" in result.stdout
