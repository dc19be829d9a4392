"""The hash over the items a source gives: one sha256 per item, and one over them all.

Per item, the bytes of its file (a skill: its SKILL.md and every resource, with its path and
exec bit), so the lock shows which items an update changed and a tampered cache is caught
whichever item was touched. Paths are relative to the source's root: the same tree hashes the
same wherever the cache is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from aiwg.items import Item


def item_digest(item: Item, root: Path) -> str:
    digest = hashlib.sha256()
    try:
        relative = item.source.relative_to(root).as_posix()
    except ValueError:
        relative = item.source.name
    data = item.source.read_bytes()
    digest.update(f"{item.id}\0{relative}\0{len(data)}\0".encode())
    digest.update(data)
    for resource in item.resources:
        digest.update(f"\0{resource.path}\0{int(resource.executable)}\0{len(resource.data)}\0"
                      .encode())
        digest.update(resource.data)
    return digest.hexdigest()


def item_digests(items: Iterable[Item], root: Path) -> dict[str, str]:
    """Item id -> its digest, sorted by id."""
    found = {item.id: item_digest(item, root) for item in items}
    return {item_id: found[item_id] for item_id in sorted(found)}


def total_digest(digests: Mapping[str, str]) -> str:
    """One sha256 over every item's id and digest, in id order."""
    lines = "".join(f"{item_id} {digests[item_id]}\n" for item_id in sorted(digests))
    return hashlib.sha256(lines.encode()).hexdigest()
