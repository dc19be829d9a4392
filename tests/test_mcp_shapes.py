"""Every MCP shape in adapters/: the written file parses with its format's own parser and holds
the server, with secrets only as references, and the user's own entries survive."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import json5
import pytest
import yaml
from helpers import aiwg, make_project, mirror_to_user_scope, write_item

from aiwg.adapters import default_registry

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
SECRET = "s3cr3t-value-never-written"

CASES = [(adapter, scope) for adapter in default_registry().adapters if "mcp" in adapter.kinds
         for scope in ("project", "user") if adapter.supports("mcp", scope)]


def parse(syntax: str, text: str) -> Any:
    if syntax == "json":
        return json.loads(text)
    if syntax in ("jsonc", "json5"):
        return json5.loads(text)
    if syntax == "toml":
        return tomllib.loads(text)
    return yaml.safe_load(text)


@pytest.mark.parametrize(("adapter", "scope"), CASES, ids=[f"{a.id}-{s}" for a, s in CASES])
def test_mcp_server_is_found_by_the_formats_own_parser(tmp_path: Path, adapter, scope: str,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    project = make_project(tmp_path, CONFIG)
    write_item(project, "mcp/github.yaml", "name: github\ndescription: G.\ncommand: npx\n"
                                           "args: [server]\nenv:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n")
    write_item(project, "mcp/remote.yaml", "name: remote\ndescription: R.\n"
                                           "url: https://mcp.example.test/x\n")
    if scope == "user":
        mirror_to_user_scope(project)
    result = aiwg(project, "deploy", "-p", adapter.id, "--scope", scope)
    assert result.exit_code == 0, result.stderr
    spec = adapter.kinds["mcp"]
    manifest_paths = {row["path"] for row in aiwg(project, "status", "--scope", scope, "--json")
                      .json()["outputs"]}
    files = sorted(manifest_paths)
    assert len(files) == 1, files  # the library has only MCP servers: one config file
    path = Path(files[0]) if scope == "user" else project / files[0]
    text = path.read_text()
    assert SECRET not in text
    data = parse(spec.syntax, text)
    container = data
    for key in spec.mcp.container:
        container = container[key]
    servers = ({entry["name"]: entry for entry in container} if isinstance(container, list)
               else container)
    assert "github" in servers and "remote" in servers
    github = servers["github"]
    command = github["command"]
    assert command == "npx" or command == ["npx", "server"]
    assert "GITHUB_TOKEN" in json.dumps(github)
    assert os.environ["GITHUB_TOKEN"] == SECRET
