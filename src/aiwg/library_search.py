"""Look items up in a loaded library: list, search and read at a projection.

Pure functions over a `Library`, shared by `aiwg mcp` (an agent asks) and tests; nothing here
reads the disk or prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiwg.errors import UsageError
from aiwg.items import LEVELS, Item
from aiwg.library import Library

_WORD = re.compile(r"[\w-]+", re.UNICODE)
# How much a query word found in each part of an item counts: the name and the description are
# what a person searches by; the body only breaks ties.
_WEIGHTS = (("name", 6), ("description", 3), ("tags", 3), ("body", 1))


@dataclass(frozen=True)
class Hit:
    item: Item
    score: int


def item_summary(item: Item, *, selected: bool | None = None) -> dict[str, Any]:
    """What an agent needs to decide whether to read an item in full."""
    data: dict[str, Any] = {"id": item.id, "kind": item.kind, "name": item.name,
                            "description": item.description, "layer": item.layer,
                            "tags": list(item.tags)}
    if item.severity:
        data["severity"] = item.severity
    if selected is not None:
        data["selected"] = selected
    return data


def list_items(library: Library, *, kind: str | None = None,
               tag: str | None = None) -> list[Item]:
    return sorted((i for i in library.items.values()
                   if (kind is None or i.kind == kind) and (tag is None or tag in i.tags)),
                  key=lambda i: i.id)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _score(item: Item, query: set[str]) -> int:
    parts = {"name": _words(item.name.replace("-", " ")) | {item.name.lower()},
             "description": _words(item.description), "tags": {t.lower() for t in item.tags},
             "body": _words(item.body)}
    return sum(weight for part, weight in _WEIGHTS for word in query if word in parts[part])


def search(library: Library, query: str, *, kind: str | None = None,
           limit: int = 10) -> list[Hit]:
    """Items that share words with the query, best first (ties broken by id)."""
    words = _words(query)
    if not words:
        raise UsageError("search: the query has no words")
    hits = [Hit(item, score) for item in list_items(library, kind=kind)
            if (score := _score(item, words)) > 0]
    hits.sort(key=lambda h: (-h.score, h.item.id))
    return hits[:max(limit, 0)]


def read(library: Library, ref: str, level: str = "full") -> tuple[Item, str]:
    """One item's text at one projection (index, summary or full)."""
    chosen = next((known for known in LEVELS if known == level), None)
    if chosen is None:
        raise UsageError(f"level: expected one of {', '.join(LEVELS)}, got {level!r}")
    item = library.find(ref)
    return item, item.projection(chosen).text
