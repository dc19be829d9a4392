"""`aiwg.lock`: each source pinned (the commit, package version or folder hash) with the
sha256 of every item taken from it.

Deterministic TOML: keys and items sorted, no timestamps, so two people locking the same
sources write the same bytes and a review shows exactly which items an update changed.
Only `aiwg add` and `aiwg update` write it; every other command reads it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiwg.errors import InputError

LOCK_FILE = "aiwg.lock"
FORMAT = 1
HEADER = ("# aiwg.lock: the shared library sources of aiwg.toml, pinned. Written by `aiwg add` "
          "and\n# `aiwg update`; commit it. CI checks it with `aiwg diff --check --frozen`.\n")
# What an entry records of the config; the rest is what locking found.
_RESOLVED = ("commit", "version", "sha256", "items")


@dataclass(frozen=True)
class LockEntry:
    """One source as locked: its config fields, what they resolved to, and the items taken."""

    spec: Mapping[str, Any]
    sha256: str
    items: Mapping[str, str]  # item id -> its sha256
    commit: str | None = None  # git
    version: str | None = None  # package

    def as_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {key: self.spec[key] for key in sorted(self.spec)}
        if self.commit is not None:
            table["commit"] = self.commit
        if self.version is not None:
            table["version"] = self.version
        table["sha256"] = self.sha256
        table["items"] = {item_id: self.items[item_id] for item_id in sorted(self.items)}
        return table


@dataclass(frozen=True)
class Lock:
    entries: Mapping[str, LockEntry] = field(default_factory=dict)

    def text(self) -> str:
        import tomli_w

        document = {"version": FORMAT,
                    "sources": {name: self.entries[name].as_table()
                                for name in sorted(self.entries)}}
        return HEADER + tomli_w.dumps(document)

    def with_entries(self, updated: Mapping[str, LockEntry],
                     keep: set[str] | None = None) -> Lock:
        """This lock with `updated` entries replaced or added; with `keep`, only those names
        (and the updated ones) stay."""
        kept = {n: e for n, e in self.entries.items() if keep is None or n in keep}
        return Lock({**kept, **updated})


def lock_path(folder: Path) -> Path:
    return folder / LOCK_FILE


def read_lock(path: Path) -> Lock | None:
    """The lock at `path`, None when there is none; a broken one is one line naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path.name}: cannot be read ({error}); run `aiwg update` to write "
                         "it again") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path.name}: invalid TOML ({error}); run `aiwg update` to write it "
                         "again") from None
    if data.get("version") != FORMAT or not isinstance(data.get("sources", {}), dict):
        raise InputError(f"{path.name}: expected version = {FORMAT} and a [sources] table; run "
                         "`aiwg update` to write it again")
    entries = {}
    for name, table in data.get("sources", {}).items():
        entries[name] = _entry(path, name, table)
    return Lock(entries)


def _entry(path: Path, name: str, table: object) -> LockEntry:
    def bad(what: str) -> InputError:
        return InputError(f"{path.name}: sources.{name}: expected {what}; run `aiwg update "
                          f"{name}` to lock it again")

    if not isinstance(table, dict):
        raise bad("a table")
    items = table.get("items", {})
    sha256 = table.get("sha256")
    if not isinstance(sha256, str) or not isinstance(items, dict) or not all(
            isinstance(v, str) for v in items.values()):
        raise bad("sha256 and an items table of item id -> sha256")
    commit, version = table.get("commit"), table.get("version")
    if not isinstance(commit, str | None) or not isinstance(version, str | None):
        raise bad("commit and version as strings")
    spec = {k: v for k, v in table.items() if k not in _RESOLVED}
    return LockEntry(spec=spec, sha256=sha256, items=dict(items), commit=commit, version=version)


def write_lock(path: Path, lock: Lock) -> bool:
    """Write the lock when its bytes change; True when it wrote."""
    from aiwg.atomic import atomic_write

    data = lock.text().encode()
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data, 0o644)
    return True
