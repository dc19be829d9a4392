"""Real assistant CLIs read what aiwg wrote. Every test deploys the same small library (one
always-on rule, one agent, one command, one skill, one MCP server, one session-start hook; see
tests/real_clients.py) and asks the client, offline and without a login, what it loaded: for
every kind the client's adapter deploys, each item must be there. Kinds a client shows only to
its model are read from the first request it sends to a local stand-in endpoint; hooks are
proven by the file the probe hook leaves behind. A test is skipped when its CLI is not
installed (`.ci/run` installs pinned versions from npm when it can; put them on PATH or in
AIWG_CLIENTS_BIN)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from real_clients import (
    AGENT,
    AGENT_TEXT,
    COMMAND,
    COMMAND_EXPANDED,
    COMMAND_TEXT,
    HOOK_MARKER,
    RULE,
    RULE_TEXT,
    SERVER,
    SKILL,
    SKILL_TEXT,
    client,
    deployed,
    home,
    model_endpoint,
    needs,
    node_24,
    run,
    write_json,
)

SCOPES = pytest.mark.parametrize("scope", ["project", "user"])


def merged_json(path: Path, patch: dict[str, object]) -> None:
    """Add the test's own settings to a JSON file aiwg may have written (user scope)."""
    document = json.loads(path.read_text()) if path.is_file() else {}
    document.update(patch)
    write_json(path, document)


@needs("claude")
@SCOPES
def test_claude_code_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`claude -p /context` lists memory files, custom agents and skills (commands among them)
    without a login; `claude mcp list` the servers; the session-start hook runs on startup."""
    project = deployed(tmp_path, "claude-code", scope)
    context = run([str(client("claude")), "-p", "/context"], project)
    assert f"/rules/{RULE}.md" in context, context
    assert f"| {AGENT} |" in context
    assert f"| {SKILL} |" in context and f"| {COMMAND} |" in context
    assert (project / HOOK_MARKER).exists()
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
@SCOPES
def test_copilot_cli_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`instruction list`, `skill list` (commands are written as skills) and `mcp list` answer
    offline; agents are not listed by any subcommand, so they are read from the request a
    bring-your-own-model run (COPILOT_OFFLINE, COPILOT_PROVIDER_BASE_URL) sends; the hook runs
    at session start."""
    project = deployed(tmp_path, "copilot-cli", scope)
    copilot = str(client("copilot"))
    # The CLI loads workspace MCP servers only from a folder the user trusted.
    write_json(home() / ".copilot" / "config.json", {"trusted_folders": [str(project)]})
    assert RULE in run([copilot, "instruction", "list"], project)
    skills = run([copilot, "skill", "list"], project)
    assert SKILL in skills and COMMAND in skills
    listed = json.loads(run([copilot, "mcp", "list", "--json"], project))
    assert listed["mcpServers"][SERVER]["command"] == "aiwg-no-such-server"
    with model_endpoint() as endpoint:
        run([copilot, "-p", "hi"], project, {
            "COPILOT_OFFLINE": "true", "COPILOT_PROVIDER_BASE_URL": f"{endpoint.url}/v1",
            "COPILOT_PROVIDER_API_KEY": "probe", "COPILOT_PROVIDER_MODEL_ID": "gpt-4o",
            "COPILOT_MODEL": "gpt-4o"})
    sent = endpoint.sent()
    assert RULE_TEXT in sent and AGENT_TEXT in sent
    assert SKILL_TEXT in sent and COMMAND_TEXT in sent
    assert (project / HOOK_MARKER).exists()


@needs("auggie")
@SCOPES
def test_auggie_lists_every_kind_but_hooks(tmp_path: Path, scope: str) -> None:
    """`auggie command --help` lists custom commands and skills, `mcp list --json` the servers;
    rules, skills and agents are read from the /chat-stream request sent to a stand-in tenant
    (AUGMENT_SESSION_AUTH) whose /get-models turns on the sub-agent tool, as Augment's tenant
    does. Hooks cannot be shown offline: Auggie 0.36.0 ran no session-start hook, from
    .augment/settings.json or ~/.augment/settings.json, in any run we could make without a
    real tenant."""
    project = deployed(tmp_path, "augment", scope)
    auggie = str(client("auggie"))
    commands = run([auggie, "command", "--help"], project)
    assert f"{COMMAND} [args...]" in commands and f"{SKILL} [args...]" in commands
    output = run([auggie, "mcp", "list", "--json"], project)
    # Warnings about the (offline) account come before and after the document.
    servers, _ = json.JSONDecoder().raw_decode(output[output.index("{"):])
    assert SERVER in {server["name"] for server in servers["servers"]}
    models = {"default_model": "probe", "languages": [],
              "models": [{"name": "probe", "internal_name": "probe",
                          "suggested_prefix_char_count": 0, "suggested_suffix_char_count": 0}],
              "feature_flags": {"beachhead_enable_sub_agent_tool": True}}
    with model_endpoint({"/get-models": models}) as endpoint:
        session = {"accessToken": "probe", "tenantURL": f"{endpoint.url}/", "scopes": ["email"]}
        run([auggie, "-p", "hi"], project, {"AUGMENT_SESSION_AUTH": json.dumps(session)})
    sent = endpoint.sent()
    assert RULE_TEXT in sent and SKILL_TEXT in sent
    assert f"Name: {AGENT}\n- Description: {AGENT_TEXT}" in sent


@needs("droid")
@SCOPES
def test_factory_droid_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`droid mcp list` lists the servers; rules, droids and skills are read from the request a
    custom model (customModels in ~/.factory/settings.json) sends, the command from the prompt
    it expands to, and the session-start hook leaves its file."""
    project = deployed(tmp_path, "factory-droid", scope)
    droid = str(client("droid"))
    assert SERVER in run([droid, "mcp", "list"], project)
    with model_endpoint() as endpoint:
        write_json(home() / ".factory" / "settings.json", {"customModels": [{
            "model": "probe-model", "displayName": "Probe", "baseUrl": f"{endpoint.url}/v1",
            "apiKey": "probe", "provider": "generic-chat-completion-api",
            "maxOutputTokens": 1000}]})
        run([droid, "exec", "-m", "custom:probe-model", f"/{COMMAND} xyzzy"], project)
    sent = endpoint.sent()
    assert RULE_TEXT in sent and AGENT_TEXT in sent and SKILL_TEXT in sent
    assert COMMAND_EXPANDED in sent
    assert (project / HOOK_MARKER).exists()


@needs("codex")
@SCOPES
def test_codex_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`codex mcp list` lists the servers; AGENTS.md, the agent roles and the skills (commands
    are written as skills) are read from the request `codex exec` sends to a custom model
    provider. Codex runs a hook only after the user reviewed it, so the run passes
    --dangerously-bypass-hook-trust, as a person's review would."""
    project = deployed(tmp_path, "codex", scope)
    codex_home = home() / ".codex"
    env = {"CODEX_HOME": str(codex_home)}
    with model_endpoint() as endpoint:
        # Appended after any tables aiwg wrote (user scope), so both stay valid TOML.
        config = codex_home / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        written = config.read_text() if config.is_file() else ""
        config.write_text(
            f'model = "gpt-5"\nmodel_provider = "probe"\n{written}\n'
            f'[model_providers.probe]\nname = "probe"\nbase_url = "{endpoint.url}/v1"\n'
            'wire_api = "responses"\nrequest_max_retries = 0\nstream_max_retries = 0\n'
            f'[projects."{project}"]\ntrust_level = "trusted"\n')
        output = run([str(client("codex")), "mcp", "list"], project, env)
        assert SERVER in output and "aiwg-no-such-server" in output
        run([str(client("codex")), "exec", "--dangerously-bypass-hook-trust", "hi"], project, env)
    sent = endpoint.sent()
    assert RULE_TEXT in sent and AGENT_TEXT in sent
    assert SKILL_TEXT in sent and COMMAND_TEXT in sent
    assert (project / HOOK_MARKER).exists()


@needs("gemini")
@SCOPES
def test_gemini_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`gemini mcp list` lists the servers; GEMINI.md, the agents and the skills are read from
    the request sent to GOOGLE_GEMINI_BASE_URL, the command from the prompt it expands to, and
    the hook leaves its file. Gemini loads a project agent only once the user acknowledged that
    exact file (~/.gemini/acknowledgments/agents.json), so the test acknowledges it as a person
    would in the interactive prompt."""
    project = deployed(tmp_path, "gemini-cli", scope)
    gemini = str(client("gemini"))
    output = run([gemini, "mcp", "list"], project)
    assert SERVER in output and "aiwg-no-such-server" in output
    gemini_home = home() / ".gemini"
    merged_json(gemini_home / "settings.json", {"security": {"auth": {"selectedType": "gemini-api-key"}}})
    if scope == "project":
        agent = (project / ".gemini" / "agents" / f"{AGENT}.md").read_bytes()
        write_json(gemini_home / "acknowledgments" / "agents.json",
                   {str(project): {AGENT: hashlib.sha256(agent).hexdigest()}})
    with model_endpoint() as endpoint:
        run([gemini, "-p", f"/{COMMAND} xyzzy"], project, {
            "GEMINI_CLI_TRUST_WORKSPACE": "true", "GEMINI_API_KEY": "probe",
            "GOOGLE_GEMINI_BASE_URL": endpoint.url})
    sent = endpoint.sent()
    assert RULE_TEXT in sent and AGENT_TEXT in sent and SKILL_TEXT in sent
    assert COMMAND_EXPANDED in sent
    assert (project / HOOK_MARKER).exists()


@needs("opencode")
@SCOPES
def test_opencode_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`opencode debug config` shows the agents, commands and servers it resolved, `debug skill`
    the skills; AGENTS.md is read from the request `opencode run` sends to a stand-in OpenAI
    endpoint (OPENCODE_CONFIG_CONTENT). The adapter deploys no hooks (OpenCode's are plugins)."""
    project = deployed(tmp_path, "opencode", scope)
    opencode = str(client("opencode"))
    config = json.loads(run([opencode, "debug", "config"], project))
    assert config["agent"][AGENT]["description"] == AGENT_TEXT
    assert config["command"][COMMAND]["description"] == COMMAND_TEXT
    assert config["mcp"][SERVER]["command"] == ["aiwg-no-such-server"]
    skills = json.loads(run([opencode, "debug", "skill"], project))
    assert SKILL in {skill["name"] for skill in skills}
    assert f"{AGENT} (subagent)" in run([opencode, "agent", "list"], project)
    with model_endpoint() as endpoint:
        # The title agent's request would race the session's and end the run first.
        provider = {"model": "openai/gpt-4o", "agent": {"title": {"disable": True}},
                    "provider": {"openai": {"options": {
            "baseURL": f"{endpoint.url}/v1", "apiKey": "probe"}}}}
        run([opencode, "run", "hi"], project, {"OPENCODE_CONFIG_CONTENT": json.dumps(provider)})
    sent = endpoint.sent()
    assert RULE_TEXT in sent and SKILL_TEXT in sent


@needs("qwen")
@SCOPES
def test_qwen_lists_every_kind(tmp_path: Path, scope: str) -> None:
    """`qwen -o json` opens with an init message naming the agents, slash commands (commands
    and skills) and MCP servers it loaded; the rule and the agent are read from the request
    sent to a stand-in OpenAI endpoint, `/hooks` lists the hook, and the hook leaves its file."""
    project = deployed(tmp_path, "qwen-code", scope)
    qwen = str(client("qwen"))
    output = run([qwen, "mcp", "list"], project)
    assert SERVER in output and "aiwg-no-such-server" in output
    with model_endpoint() as endpoint:
        model = ["--auth-type", "openai", "--openai-base-url", f"{endpoint.url}/v1"]
        env = {"OPENAI_API_KEY": "probe"}
        assert f"touch {HOOK_MARKER}" in run([qwen, *model, "/hooks"], project, env)
        output = run([qwen, *model, "-o", "json", "hi"], project, env)
    init = next(message for message in json.loads(output[output.index("[{"):].splitlines()[0])
                if message.get("subtype") == "init")
    assert AGENT in init["agents"]
    assert {COMMAND, SKILL} <= set(init["slash_commands"])
    assert SERVER in {server["name"] for server in init["mcp_servers"]}
    sent = endpoint.sent()
    assert RULE_TEXT in sent and AGENT_TEXT in sent and SKILL_TEXT in sent
    assert (project / HOOK_MARKER).exists()


@needs("openclaw")
@pytest.mark.skipif(node_24() is None, reason="OpenClaw needs Node >= 24.16, none installed")
def test_openclaw_lists_every_kind(tmp_path: Path) -> None:
    """OpenClaw has only the user scope. `openclaw skills list --json` lists the workspace
    skills (commands and agents are written as skills), `mcp list --json` the servers; the
    workspace AGENTS.md is read from the request `openclaw agent --local` sends to a provider
    in models.providers. The adapter writes no agents.entries: those are isolated agents (own
    workspace, auth and sessions, no prompt), a lone entry replaces `main` as the default agent
    and takes its workspace, and two make the config invalid unless agents.ownership is set
    (seen with 2026.9.6). No hooks: OpenClaw's are plugin packs."""
    project = deployed(tmp_path, "openclaw", "user")
    node = node_24()
    assert node is not None
    env = {"PATH": f"{Path(node).parent}{os.pathsep}{os.environ['PATH']}"}
    openclaw = str(client("openclaw"))
    skills = json.loads(run([openclaw, "skills", "list", "--json"], project, env, stderr=False))
    workspace = {skill["name"]: skill["description"] for skill in skills["skills"]
                 if skill["source"] == "openclaw-workspace"}
    assert workspace == {SKILL: SKILL_TEXT, COMMAND: COMMAND_TEXT, AGENT: AGENT_TEXT}
    servers = json.loads(run([openclaw, "mcp", "list", "--json"], project, env, stderr=False))
    assert servers[SERVER]["command"] == "aiwg-no-such-server"
    with model_endpoint() as endpoint:
        merged_json(home() / ".openclaw" / "openclaw.json", {
            "models": {"mode": "replace", "providers": {"probe": {
                "baseUrl": f"{endpoint.url}/v1", "apiKey": "probe", "api": "openai-completions",
                "models": [{"id": "probe-model", "name": "probe-model"}]}}},
            "agents": {"defaults": {"model": "probe/probe-model"}}})
        run([openclaw, "agent", "--local", "--agent", "main", "--message", "hi"], project, env)
    sent = endpoint.sent()
    assert RULE_TEXT in sent and SKILL_TEXT in sent and AGENT_TEXT in sent
