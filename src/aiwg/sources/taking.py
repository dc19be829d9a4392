"""Which items a source gives: its `include` and `exclude` filters.

`include` narrows: an item is taken when it matches every field given (any of the listed
kinds, any of the listed tags, any of the name globs), so `include = { kinds = ["rule"],
tags = ["security"] }` takes the security rules. `exclude` removes: an item matching any field
given is left out, so `exclude = { kinds = ["hook"], names = ["go-*"] }` drops every hook and
every go-* item. With neither, a source gives everything it has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from aiwg.items import Item
from aiwg.sources.spec import Filter, SourceSpec


def _named(item: Item, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(item.name, p) or fnmatchcase(item.id, p) for p in patterns)


def _tagged(item: Item, tags: tuple[str, ...]) -> bool:
    return any(tag in item.tags for tag in tags)


def matches_all(item: Item, wanted: Filter) -> bool:
    return ((not wanted.kinds or item.kind in wanted.kinds)
            and (not wanted.tags or _tagged(item, wanted.tags))
            and (not wanted.names or _named(item, wanted.names)))


def matches_any(item: Item, unwanted: Filter) -> bool:
    return (item.kind in unwanted.kinds or _tagged(item, unwanted.tags)
            or _named(item, unwanted.names))


@dataclass(frozen=True)
class Taker:
    """A source's filters as the predicate a library layer applies to each item it loads."""

    include: Filter
    exclude: Filter

    def __call__(self, item: Item) -> bool:
        if not self.include.empty and not matches_all(item, self.include):
            return False
        return not matches_any(item, self.exclude)


def taker(spec: SourceSpec) -> Callable[[Item], bool] | None:
    """The predicate for `spec`, or None when it takes everything."""
    if spec.include.empty and spec.exclude.empty:
        return None
    return Taker(spec.include, spec.exclude)
