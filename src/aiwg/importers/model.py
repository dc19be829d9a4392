"""What an importer produces: a library item as the fields and body of its library file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiwg.items import Kind, Resource


@dataclass
class Imported:
    """One library item read back from a platform's file, and what could not come with it."""

    kind: Kind
    name: str
    meta: dict[str, Any]  # the library frontmatter (or the whole YAML mapping for an MCP server)
    body: str = ""
    origin: str = ""  # the native file (relative in a project)
    resources: tuple[Resource, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"
