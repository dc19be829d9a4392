"""`aiwg mcp`: an MCP server on stdio that lets an agent list, search and read library items.

Always-loaded files carry index lines and summaries to stay small; with this server registered,
an agent fetches the full text of an item when the task is about it. The library is loaded
once, when the server starts, from the same layers `aiwg deploy` uses for the project.
"""

from __future__ import annotations

from typing import Any

from aiwg import library_search
from aiwg.engine import Context
from aiwg.errors import EXIT_OK, AiwgError
from aiwg.library import Library

INSTRUCTIONS = (
    "The aiwg library of this project: rules, agents, commands, skills, MCP servers and hooks. "
    "Use `search` to find items about the task, `read` with level 'full' for an item's whole "
    "text (a rule's index line or summary in AGENTS.md points here), `list` to browse by kind.")


def build_server(library: Library, selected: set[str]) -> Any:
    """The MCPServer with its three tools (imported here: the SDK is heavy to load)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from aiwg import __version__

    server = MCPServer("aiwg", instructions=INSTRUCTIONS, version=__version__)

    def fail(error: AiwgError) -> ToolError:
        return ToolError(str(error))

    @server.tool(name="list", description="Every library item (optionally one kind or tag), "
                 "with its id, description and whether the project's selection deploys it.")
    def list_items(kind: str | None = None, tag: str | None = None) -> list[dict[str, Any]]:
        return [library_search.item_summary(item, selected=item.id in selected)
                for item in library_search.list_items(library, kind=kind, tag=tag)]

    @server.tool(name="search", description="Items whose name, description, tags or text "
                 "share words with the query, best first.")
    def search(query: str, kind: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        try:
            hits = library_search.search(library, query, kind=kind, limit=limit)
        except AiwgError as error:
            raise fail(error) from None
        return [{**library_search.item_summary(hit.item, selected=hit.item.id in selected),
                 "score": hit.score} for hit in hits]

    @server.tool(name="read", description="One item's text at a projection: 'index' (one "
                 "line), 'summary' (description and checks) or 'full' (the whole text).")
    def read(item: str, level: str = "full") -> dict[str, Any]:
        try:
            found, text = library_search.read(library, item, level)
        except AiwgError as error:
            raise fail(error) from None
        return {**library_search.item_summary(found), "level": level, "text": text}

    return server


def run(context: Context) -> int:
    library = context.library
    try:
        selected = {item.id for item in context.selection()}
    except AiwgError:  # a library with problems is still readable; `aiwg validate` explains
        selected = set()
    build_server(library, selected).run("stdio")
    return EXIT_OK
