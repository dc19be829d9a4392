"""Real assistant CLIs read what aiwg wrote. Every test deploys the same small library (one
always-on rule, one agent, one command, one skill, one MCP server) and asks the client, offline,
to list what it loaded; each item of every kind the client can list must be there. A test is
skipped when its CLI is not installed (`.ci/run` installs pinned versions from npm when it can;
put them on PATH or in AIWG_CLIENTS_BIN)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mirror_to_user_scope, write_item, write_user_config

SERVER = "aiwg-probe"
RULE, AGENT, COMMAND, SKILL = "probe-rule", "probe-agent", "probe-command", "probe-skill"
CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"


def client(name: str) -> str | None:
    folder = os.environ.get("AIWG_CLIENTS_BIN")
    if folder and (Path(folder) / name).exists():
        return str(Path(folder) / name)
    return shutil.which(name)


def needs(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(client(name) is None, reason=f"{name} CLI not installed")


def probe_library(project: Path) -> None:
    write_item(project, f"rules/{RULE}.md",
               f"---\nname: {RULE}\ndescription: Probe rule.\n---\nAlways write small commits.\n")
    write_item(project, f"agents/{AGENT}.md",
               f"---\nname: {AGENT}\ndescription: Probe agent; use to review.\n---\nReview.\n")
    write_item(project, f"commands/{COMMAND}.md",
               f"---\nname: {COMMAND}\ndescription: Probe command.\n---\nSummarize $ARGUMENTS.\n")
    write_item(project, f"skills/{SKILL}/SKILL.md",
               f"---\nname: {SKILL}\ndescription: Probe skill; use when probing.\n---\nProbe.\n")
    # A command that does not exist: the client lists the server without starting anything real.
    write_item(project, f"mcp/{SERVER}.yaml",
               f"name: {SERVER}\ndescription: Probe.\ncommand: aiwg-no-such-server\n"
               "env:\n  PROBE_TOKEN: ${PROBE_TOKEN}\n")


def deployed(tmp_path: Path, platform: str, scope: str = "project") -> Path:
    project = make_project(tmp_path, CONFIG)
    # A real repository: some clients find the workspace by its git root.
    shutil.rmtree(project / ".git")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    probe_library(project)
    if scope == "user":  # a user-scope run reads only the user's own config and library
        mirror_to_user_scope(project)
        write_user_config(CONFIG.replace("user = false\n", ""))
    result = aiwg(project, "deploy", "-p", platform, "--scope", scope)
    assert result.exit_code == 0, result.stderr
    return project


def run(command: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> str:
    env = {**os.environ, "NO_COLOR": "1", **(extra_env or {})}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
                          check=False, stdin=subprocess.DEVNULL)
    return done.stdout + done.stderr


@needs("claude")
def test_claude_code_lists_the_rule_agent_command_skill_and_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "claude-code")
    context = run([str(client("claude")), "-p", "/context"], project)
    assert f".claude/rules/{RULE}.md" in context
    assert AGENT in context and SKILL in context
    assert COMMAND in context  # commands are listed with the skills
    servers = run([str(client("claude")), "mcp", "list"], project)
    assert SERVER in servers and "aiwg-no-such-server" in servers


@needs("claude")
def test_claude_code_reads_agents_md_when_there_is_no_claude_md(tmp_path: Path) -> None:
    """The adapter's reads say so (since 2.1.277); the real client confirms it."""
    project = deployed(tmp_path, "codex")
    context = run([str(client("claude")), "-p", "/context"], project)
    memory_rows = [line for line in context.splitlines() if line.startswith("| Project |")]
    assert any(line.split("|")[2].strip().endswith("/AGENTS.md") for line in memory_rows)


@needs("copilot")
def test_copilot_cli_lists_the_instructions_skills_and_workspace_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "copilot-cli")
    copilot = str(client("copilot"))
    # The CLI loads workspace MCP servers only from a folder the user trusted.
    config = Path(os.environ["HOME"]) / ".copilot" / "config.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"trusted_folders": [str(project)]}))
    assert RULE in run([copilot, "instruction", "list"], project)
    skills = run([copilot, "skill", "list"], project)
    assert SKILL in skills and COMMAND in skills  # commands are written as skills
    assert SERVER in run([copilot, "mcp", "list"], project)


@needs("copilot")
def test_copilot_cli_lists_the_user_server_keyed_mcp_servers(tmp_path: Path) -> None:
    project = deployed(tmp_path, "copilot-cli", "user")
    listed = json.loads(run([str(client("copilot")), "mcp", "list", "--json"], project))
    assert listed["mcpServers"][SERVER]["command"] == "aiwg-no-such-server"


@needs("auggie")
def test_auggie_lists_the_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "augment")
    output = run([str(client("auggie")), "mcp", "list", "--json"], project)
    # Warnings about the (offline) account come before and after the document.
    servers, _ = json.JSONDecoder().raw_decode(output[output.index("{"):])
    assert SERVER in {server["name"] for server in servers["servers"]}


@needs("droid")
def test_factory_droid_lists_the_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "factory-droid")
    assert SERVER in run([str(client("droid")), "mcp", "list"], project)


@needs("codex")
def test_codex_lists_the_server_from_codex_home(tmp_path: Path) -> None:
    project = deployed(tmp_path, "codex", "user")
    codex_home = Path(os.environ["HOME"]) / ".codex"
    output = run([str(client("codex")), "mcp", "list"], project, {"CODEX_HOME": str(codex_home)})
    assert SERVER in output and "aiwg-no-such-server" in output


@needs("gemini")
def test_gemini_lists_the_project_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "gemini-cli")
    output = run([str(client("gemini")), "mcp", "list"], project)
    assert SERVER in output and "aiwg-no-such-server" in output


@needs("opencode")
def test_opencode_lists_the_project_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "opencode")
    output = run([str(client("opencode")), "mcp", "list"], project)
    assert SERVER in output


@needs("qwen")
def test_qwen_lists_the_project_server(tmp_path: Path) -> None:
    project = deployed(tmp_path, "qwen-code")
    output = run([str(client("qwen")), "mcp", "list"], project)
    assert SERVER in output and "aiwg-no-such-server" in output
