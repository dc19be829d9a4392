"""How `aiwg add` and `aiwg update` show what they lock: per source the commit or version, the
items it gives, what changed, and every hook and MCP server, for the person to check before
committing aiwg.lock (the same, as data, under --json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from aiwg import console
from aiwg.items import KINDS
from aiwg.sources.lockfile import LockEntry
from aiwg.sources.resolve import Locked
from aiwg.sources.review import Change, reviewed


def locked_json(locked: Locked, before: LockEntry | None) -> dict[str, Any]:
    entry = locked.entry
    change = Change.between(before.items if before else None, entry.items)
    return {
        "name": locked.spec.name, "kind": locked.spec.kind, "location": locked.spec.location,
        "ref": locked.spec.ref, "path": locked.spec.path,
        "commit": entry.commit, "version": entry.version, "sha256": entry.sha256,
        "previous": None if before is None else {"commit": before.commit,
                                                 "version": before.version,
                                                 "sha256": before.sha256},
        "items": sorted(entry.items), "added": change.added, "removed": change.removed,
        "changed": change.changed,
        "runs": reviewed(locked.items, before.items if before else None, entry.items),
        "problems": locked.problems,
    }


def _pinned(document: dict[str, Any]) -> str:
    if document["commit"]:
        return f"commit {document['commit'][:12]}"
    if document["version"]:
        return f"version {document['version']}"
    return f"sha256 {document['sha256'][:12]}"


def print_locked(documents: Sequence[dict[str, Any]]) -> None:
    for document in documents:
        where = document["location"] + (f" @ {document['ref']}" if document["ref"] else "")
        previous = document["previous"]
        was = ""
        if previous is not None:
            old = _pinned({**document, **previous})
            was = " (unchanged)" if old == _pinned(document) else f" (was {old})"
        console.line(f"{document['name']}: {document['kind']} {where} -> {_pinned(document)}{was}")
        counts = Counter(item.partition("/")[0] for item in document["items"])
        kinds = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k]) or "no items"
        moves = [f"{len(document[key])} {key}" for key in ("added", "changed", "removed")
                 if document[key]] if previous is not None else []
        console.line(f"  {len(document['items'])} items: {kinds}"
                     + (f" ({', '.join(moves)})" if moves else ""))
        for key in ("added", "changed", "removed"):
            for item_id in document[key] if previous is not None else ():
                console.detail(f"    {key}: {item_id}")
        if document["runs"]:
            console.line("  hooks and MCP servers it brings (they run on your machine once "
                         "deployed; check them before committing aiwg.lock):")
            for entry in document["runs"]:
                mark = "" if entry["status"] == "unchanged" else f"[{entry['status']}] "
                console.line(f"    {mark}{entry['id']}: {entry['runs']}")
        for problem in document["problems"]:
            console.warn(f"  {problem}")
