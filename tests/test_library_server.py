"""`aiwg mcp`, answered by a real MCP client session (the SDK's client over stdio)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from helpers import make_project

from aiwg import library_search
from aiwg.errors import AiwgError
from aiwg.library import Layer, load_library

RULE = """---
name: team-logging
description: Log one structured JSON event per request.
severity: high
tags: [team]
checks:
  - Every handler logs exactly one event
---
# Team logging

Structured events only; no print statements in request handlers.
"""


def _project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, "[library]\nbuiltin = true\n")
    rules = project / ".aiwg" / "library" / "rules"
    rules.mkdir(parents=True)
    (rules / "team-logging.md").write_text(RULE)
    return project


def _structured(result: Any) -> Any:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return data.get("result", data) if isinstance(data, dict) else data
    return json.loads(result.content[0].text)


def test_real_client_lists_searches_and_reads_at_each_level(tmp_path: Path) -> None:
    from mcp import Client, StdioServerParameters

    project = _project(tmp_path)
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "aiwg", "mcp", "--project", str(project)],
                                   env=dict(os.environ), cwd=str(project))

    async def session() -> None:
        async with Client(params, read_timeout_seconds=60) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert tools == {"list", "search", "read"}

            listed = _structured(await client.call_tool("list", {"kind": "rule"}))
            ids = {entry["id"] for entry in listed}
            assert "rule/team-logging" in ids and "rule/stateless-processes" in ids
            assert all(entry["kind"] == "rule" for entry in listed)

            hits = _structured(await client.call_tool("search", {"query": "structured logging"}))
            assert hits[0]["id"] == "rule/team-logging"

            texts = {}
            for level in ("index", "summary", "full"):
                read = _structured(await client.call_tool(
                    "read", {"item": "team-logging", "level": level}))
                assert read["id"] == "rule/team-logging" and read["level"] == level
                texts[level] = read["text"]
            assert "Log one structured JSON event" in texts["index"]
            assert "Every handler logs exactly one event" in texts["summary"]
            assert "no print statements" in texts["full"]
            assert "\n" not in texts["index"].strip()
            assert "no print statements" not in texts["summary"]

            unknown = await client.call_tool("read", {"item": "team-loging"})
            assert unknown.is_error
            assert "did you mean 'team-logging'" in unknown.content[0].text

    anyio.run(session)


def _library(tmp_path: Path) -> Any:
    folder = tmp_path / "lib"
    (folder / "rules").mkdir(parents=True)
    (folder / "rules" / "team-logging.md").write_text(RULE)
    (folder / "rules" / "plain.md").write_text("---\nname: plain\ndescription: Keep it plain.\n"
                                               "---\nNothing about events.\n")
    return load_library([Layer("project", folder)])


def test_search_ranks_name_and_description_above_body(tmp_path: Path) -> None:
    library = _library(tmp_path)
    hits = library_search.search(library, "logging events")
    assert [hit.item.id for hit in hits] == ["rule/team-logging", "rule/plain"]
    assert hits[0].score > hits[1].score
    assert library_search.search(library, "logging", limit=0) == []


def test_search_without_words_and_unknown_level_are_one_line_errors(tmp_path: Path) -> None:
    library = _library(tmp_path)
    with pytest.raises(AiwgError, match="no words"):
        library_search.search(library, "  ?! ")
    with pytest.raises(AiwgError, match="expected one of index, summary, full"):
        library_search.read(library, "plain", "everything")
