"""Platform adapters: one declarative TOML file per platform in `adapters/`.

The specs live in `aiwg.adapter_specs`, the parsing in `aiwg.adapter_loader`; this module is the
registry the rest of aiwg asks (by id or alias) and re-exports both. It knows no platform by name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aiwg.adapter_loader import AdapterError, AdapterFile, load_adapter_file, parse_adapter
from aiwg.adapter_specs import (
    CONFIDENCES,
    FORMATS,
    KEY_SYNTAXES,
    PER_ITEM_FORMATS,
    STATUSES,
    Adapter,
    FieldSpec,
    HookShape,
    IgnoreSpec,
    KindSpec,
    McpShape,
    OptionSpec,
    Provenance,
    ReadSpec,
    RegisterSpec,
    RootSpec,
)
from aiwg.errors import UsageError
from aiwg.resources import adapters_dir

__all__ = [
    "CONFIDENCES", "FORMATS", "KEY_SYNTAXES", "PER_ITEM_FORMATS", "STATUSES", "Adapter",
    "AdapterError", "AdapterFile", "FieldSpec", "HookShape", "IgnoreSpec", "KindSpec",
    "McpShape", "OptionSpec", "Provenance", "ReadSpec", "RegisterSpec", "Registry", "RootSpec",
    "default_registry", "load_adapter_file", "load_registry", "parse_adapter",
]


@dataclass(frozen=True)
class Registry:
    """Every known adapter, with lookup by id or alias (case-insensitive)."""

    adapters: tuple[Adapter, ...]

    def ids(self) -> list[str]:
        return [a.id for a in self.adapters]

    def keys(self) -> set[str]:
        """Every id and alias; frontmatter blocks under these names are platform overrides."""
        return {name for a in self.adapters for name in a.names}

    def find(self, name: str) -> Adapter | None:
        wanted = name.strip().lower()
        for adapter in self.adapters:
            if wanted in (n.lower() for n in adapter.names):
                return adapter
        return None

    def get(self, name: str) -> Adapter:
        adapter = self.find(name)
        if adapter is None:
            names = {n.lower(): a.id for a in self.adapters for n in a.names}
            close = difflib.get_close_matches(name.strip().lower(), list(names), n=1, cutoff=0.6)
            hint = f"did you mean {names[close[0]]!r}? " if close else ""
            raise UsageError(f"unknown platform {name!r}; {hint}valid platforms: "
                             f"{', '.join(self.ids())}")
        return adapter

    def resolve(self, names: Iterable[str]) -> list[Adapter]:
        """Adapters for the given names, de-duplicated, in registry order."""
        wanted = {self.get(n).id for n in names}
        return [a for a in self.adapters if a.id in wanted]

    def names_of(self, ids: Iterable[str]) -> set[str]:
        """The given ids with every alias of theirs (the names a manifest may record)."""
        names = set(ids)
        for name in list(names):
            adapter = self.find(name)
            if adapter is not None:
                names.update(adapter.names)
        return names

    def canonical(self, name: str) -> str:
        """The id an override block or `targets` entry refers to (aliases map to ids)."""
        adapter = self.find(name)
        return adapter.id if adapter else name


def load_registry(directory: Path | None = None) -> Registry:
    folder = directory or adapters_dir()
    adapters = tuple(load_adapter_file(p) for p in sorted(folder.glob("*.toml")))
    seen: dict[str, Path] = {}
    for adapter in adapters:
        for name in adapter.names:
            key = name.lower()
            if key in seen:
                raise AdapterError(f"{adapter.file}: name {name!r} is also used by {seen[key]}")
            seen[key] = adapter.file
    for adapter in adapters:
        if adapter.successor is not None and adapter.successor not in seen:
            raise AdapterError(f"{adapter.file}: successor: no adapter is named "
                               f"{adapter.successor!r}")
    return Registry(adapters)


@cache
def default_registry() -> Registry:
    return load_registry()
