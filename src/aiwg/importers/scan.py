"""Find a platform's native files (paths from its adapter) and read each back into items."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiwg.adapters import Adapter, KindSpec
from aiwg.errors import AiwgError, InputError
from aiwg.importers.mcp import item_from_entry
from aiwg.importers.model import Imported
from aiwg.importers.native import item_from_native
from aiwg.importers.sections import rules_from_sections
from aiwg.items import Resource
from aiwg.keyed import MISSING, DocumentError, editor_for
from aiwg.render import Scope, adapter_options
from aiwg.roots import user_roots
from aiwg.safety import safe_destination

NAME = "{name}"
SKILL_FILE = "SKILL.md"


@dataclass
class Scan:
    items: list[Imported] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Where:
    """How one adapter's templates are filled for one scope."""

    adapter: Adapter
    scope: Scope
    root: Path  # the project root (project scope) or "/" (user scope: paths are absolute)
    values: Mapping[str, str]

    @classmethod
    def of(cls, adapter: Adapter, scope: Scope, project_root: Path, env: Mapping[str, str],
           options: Mapping[str, Any]) -> Where:
        values = dict(adapter_options(adapter, options))
        if scope == "user":
            values.update(user_roots(adapter, env))
        return cls(adapter, scope, project_root if scope == "project" else Path("/"), values)

    def fill(self, template: str) -> str:
        for key, value in self.values.items():
            template = template.replace("{" + key + "}", value)
        return posixpath.normpath(template) if NAME not in template else template

    def file(self, path: str) -> Path | None:
        """The file at `path`, if it is a regular file that stays inside the root."""
        try:
            destination = safe_destination(self.root.as_posix(), path)
        except AiwgError:
            return None
        return destination if destination.is_file() else None

    def shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if self.scope == "project" else str(path)


def _read(path: Path, shown: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{shown}: not UTF-8 text") from None


def named(where: Where, template: str) -> Iterator[tuple[str, Path]]:
    """(name, path) of every existing file or folder the template with `{name}` matches."""
    parts = where.fill(template).split("/")
    index = next((i for i, part in enumerate(parts) if NAME in part), None)
    if index is None or any(NAME in part for part in parts[index + 1:]):
        return
    prefix, _, suffix = parts[index].partition(NAME)
    directory = where.root.joinpath(*parts[:index])
    if not directory.is_dir() or directory.is_symlink():
        return
    for entry in sorted(directory.iterdir()):
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)) or name.startswith("."):
            continue
        stem = name[len(prefix):len(name) - len(suffix)]
        if stem:
            yield stem, entry.joinpath(*parts[index + 1:])


def _skill(where: Where, spec: KindSpec, name: str, folder: Path) -> Imported | None:
    if not folder.is_dir() or folder.is_symlink() or not (folder / SKILL_FILE).is_file():
        return None
    shown = where.shown(folder / SKILL_FILE)
    item = item_from_native(where.adapter, spec, "skill", name, shown,
                            _read(folder / SKILL_FILE, shown))
    resources = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(files):
            path = Path(current, file_name)
            relative = path.relative_to(folder).as_posix()
            if file_name.startswith(".") or relative == SKILL_FILE or path.is_symlink():
                continue
            executable = bool(path.stat().st_mode & stat.S_IXUSR)
            resources.append(Resource(relative, path.read_bytes(), executable))
    item.resources = tuple(resources)
    return item


def _mcp(where: Where, spec: KindSpec, scan: Scan) -> None:
    template = where.adapter.path_template(spec, where.scope)
    if template is None or spec.mcp is None or spec.syntax is None:
        return
    path = where.file(where.fill(template))
    if path is None:
        return
    shown = where.shown(path)
    try:
        found = editor_for(spec.syntax).read(_read(path, shown), spec.mcp.container)
    except DocumentError as error:
        raise InputError(f"{shown}: {error}") from None
    if found is MISSING:
        return
    entries: list[tuple[str, Any]] = (
        list(found.items()) if isinstance(found, dict)
        else [(str(e.get("name")), {k: v for k, v in e.items() if k != "name"})
              for e in found if isinstance(e, dict) and e.get("name")]
        if isinstance(found, list) else [])
    for name, entry in entries:
        if isinstance(entry, dict):
            scan.items.append(item_from_entry(name, entry, spec.mcp, shown))


def _sections(where: Where, path_text: str, scan: Scan, seen: set[str]) -> None:
    path = where.file(path_text)
    if path is None or str(path) in seen:
        return
    seen.add(str(path))
    shown = where.shown(path)
    if ".local." in path.name:
        scan.notes.append(f"{shown}: personal (local) instructions; not imported into a shared "
                          "library")
        return
    stem = path.stem if path.stem.upper() != path.stem else path.stem.lower()
    scan.items.extend(rules_from_sections(_read(path, shown), shown, stem))
    scan.notes.append(f"{shown}: its sections were imported as rules; the text stays in the "
                      "file, outside aiwg's block: remove it there once deployed, or the "
                      "assistant reads it twice")


def scan_platform(where: Where) -> Scan:
    """Every item the platform's own files hold at this scope."""
    adapter, scan = where.adapter, Scan()
    sectioned: set[str] = set()
    for kind, spec in adapter.kinds.items():
        template = adapter.path_template(spec, where.scope)
        fmt = spec.user_format if where.scope == "user" and spec.user_format else spec.format
        if spec.emulate:
            scan.notes.append(f"{adapter.name} writes {kind}s as {spec.emulate}s; they come back "
                              f"as {spec.emulate}s")
            continue
        if template is None:
            continue
        if kind == "hook" or (fmt == "entries" and kind != "mcp"):
            scan.notes.append(f"{adapter.name} {kind}s are not imported; write them in the "
                              "library by hand")
            continue
        if fmt in ("markdown", "mdc", "toml", "json"):
            for name, path in named(where, template):
                if path.is_file() and not path.is_symlink():
                    shown = where.shown(path)
                    scan.items.append(item_from_native(adapter, spec, kind, name, shown,
                                                       _read(path, shown)))
        elif fmt == "skill":
            for name, folder in named(where, template):
                skill = _skill(where, spec, name, folder)
                if skill is not None:
                    scan.items.append(skill)
        elif fmt in ("keys", "entries"):
            _mcp(where, spec, scan)
        elif fmt == "block" and kind == "rule":
            _sections(where, where.fill(template), scan, sectioned)
    if "rule" in adapter.kinds:
        for read in adapter.reads("rule", where.scope):
            pattern = read.pattern(where.values)
            skipped = any(where.file(posixpath.normpath(other)) for other in read.unless_exists)
            if "*" not in pattern and "?" not in pattern and not skipped:
                _sections(where, posixpath.normpath(pattern), scan, sectioned)
    return scan
