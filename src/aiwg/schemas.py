"""The JSON Schemas `aiwg schema KIND` prints, generated from the models the validators use
(`aiwg.config_model`, `aiwg.item_model`, `aiwg.adapter_model`), never kept by hand.

The repository's `schemas/` folder holds the same documents for editors to fetch by `$id`;
tests/test_schemas.py fails when they are stale (AIWG_UPDATE_GOLDEN=1 rewrites them).
"""

from __future__ import annotations

import json
from collections.abc import Collection

from aiwg.items import KINDS, Kind
from aiwg.model import Schema

SCHEMA_KINDS: tuple[str, ...] = ("config", *KINDS, "adapter")
DIALECT = "http://json-schema.org/draft-07/schema#"  # what Taplo and VS Code YAML read fully
BASE_URL = "https://raw.githubusercontent.com/aiwg/aiwg/main/schemas/"

_TITLES = {
    "config": "aiwg.toml (or [tool.aiwg] in pyproject.toml)",
    "rule": "aiwg rule frontmatter (rules/<name>.md)",
    "agent": "aiwg agent frontmatter (agents/<name>.md)",
    "command": "aiwg command frontmatter (commands/<name>.md)",
    "skill": "aiwg skill frontmatter (skills/<name>/SKILL.md)",
    "mcp": "aiwg MCP server (mcp/<name>.yaml)",
    "hook": "aiwg hook (hooks/<name>.yaml)",
    "adapter": "aiwg adapter (adapters/<id>.toml)",
}


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def schema(kind: str, platforms: Collection[str] | None = None) -> Schema:
    """The schema of `kind` (one of SCHEMA_KINDS); item kinds list `platforms` (ids and
    aliases) as override blocks, by default every adapter's."""
    if kind == "config":
        from aiwg.config_model import CONFIG

        body = CONFIG.json_schema()
    elif kind == "adapter":
        from aiwg.adapter_model import ADAPTER

        body = ADAPTER.json_schema()
    elif kind in KINDS:
        from aiwg.item_model import frontmatter_schema

        item_kind: Kind = kind
        body = frontmatter_schema(item_kind, _platform_names() if platforms is None
                                  else platforms)
    else:
        raise KeyError(kind)
    description = body.pop("description", None) or (
        f"The frontmatter of an aiwg {kind} item (docs/library-format.md).")
    return {"$schema": DIALECT, "$id": BASE_URL + file_name(kind), "title": _TITLES[kind],
            "description": description, **body}


def text(kind: str) -> str:
    """The schema as the file `schemas/<kind>.schema.json` holds it."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def _platform_names() -> list[str]:
    from aiwg.adapters import default_registry

    return sorted(default_registry().keys())
