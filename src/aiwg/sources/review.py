"""What a person should see before a source is locked in: every hook and MCP server it brings
(they run programs on the developer's machine once deployed), and what changed since the lock."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiwg.items import Item

if TYPE_CHECKING:
    from aiwg.library import Library
    from aiwg.sources.resolve import Sources


def runs(item: Item) -> str:
    """What a hook or MCP server item makes the assistant run or connect to, in one line."""
    meta = item.meta
    if item.kind == "hook":
        event = meta.get("event", "?")
        matcher = f" ({meta['matcher']})" if meta.get("matcher") else ""
        return f"on {event}{matcher} runs `{meta.get('command', '?')}`"
    if meta.get("url"):
        return f"connects to {meta['url']}"
    args = meta.get("args")
    parts = [meta.get("command", "?"), *(args if isinstance(args, list) else [])]
    command = " ".join(shlex.quote(str(part)) for part in parts)
    return f"runs `{command}`"


@dataclass(frozen=True)
class Change:
    added: list[str]
    removed: list[str]
    changed: list[str]

    @classmethod
    def between(cls, before: Mapping[str, str] | None, after: Mapping[str, str]) -> Change:
        old = before or {}
        return cls(added=sorted(set(after) - set(old)), removed=sorted(set(old) - set(after)),
                   changed=sorted(i for i in after if i in old and old[i] != after[i]))


def reviewed(items: Sequence[Item], before: Mapping[str, str] | None,
             after: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each hook and MCP server: id, what it runs, and "new", "changed" or "unchanged" against
    the item digests locked `before`."""
    found = []
    for item in items:
        if item.kind not in ("hook", "mcp"):
            continue
        if before is None or item.id not in before:
            status = "new"
        else:
            status = "changed" if before[item.id] != after.get(item.id) else "unchanged"
        found.append({"id": item.id, "runs": runs(item), "status": status})
    return found


def sources_json(sources: Sources, library: Library) -> list[dict[str, Any]]:
    """Each source of a run as the --json plan shows it: what it is pinned to, whether the lock
    pins it, and the hooks and MCP servers it gives."""
    found = []
    for state in sources.states:
        items = sorted((i for i in library.all_items() if i.layer == state.layer.name),
                       key=lambda i: i.id)
        found.append({
            "name": state.spec.name, "kind": state.spec.kind, "location": state.spec.location,
            "ref": state.spec.ref, "commit": state.located.commit,
            "version": state.located.version, "pinned": state.entry is not None,
            "items": len(items),
            "runs": [{"id": i.id, "runs": runs(i)} for i in items if i.kind in ("hook", "mcp")],
        })
    return found
