"""Rendering: selected items × adapters → outputs. Pure: no disk access, no clock.

Per-item kinds become whole files or owned keys directly. Aggregated kinds (a managed block in
AGENTS.md and the like) are collected from every platform that reads the same file and rendered
once, from the union of their items and within the tightest of their budgets, so a file that
ten platforms read has exactly one owner and one content.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from aiwg.adapters import Adapter, KindSpec
from aiwg.errors import InputError, UnsafePathError
from aiwg.formats.aggregate import fit_section, measure, related_order
from aiwg.formats.block import BlockError, begin_marker, end_marker, remove_block, write_block
from aiwg.formats.fields import build_fields
from aiwg.formats.json_doc import render_json
from aiwg.formats.markdown import render_markdown
from aiwg.formats.mcp import mcp_entry
from aiwg.formats.mdc import render_mdc
from aiwg.formats.skill import render_skill_md
from aiwg.formats.toml_doc import render_toml
from aiwg.gitattributes import GITATTRIBUTES, linguist_block
from aiwg.items import ARGUMENTS_PLACEHOLDER, COMMON_FIELDS, Item, Kind
from aiwg.load_once import condition_paths, plan_load_once
from aiwg.outputs import BlockBudget, Loss, Output, RenderResult
from aiwg.roots import PROJECT_ROOT_ID, root_id, user_roots

Scope = Literal["project", "user"]


@dataclass(frozen=True)
class Target:
    """Where a run writes: the scope, and the values path templates are filled with."""

    scope: Scope
    project_root: Path
    env: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    budgets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()  # paths assistants should not read (aiwg.toml `ignore`)
    # A host path that is a symlink to another file in the same root → that file's path, so
    # two names for one file are planned as one file (GEMINI.md -> AGENTS.md). Computed by the
    # engine from the disk; rendering only looks it up.
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Names (or kind/name ids) the config pins: always in the always-loaded text, never cut.
    pinned: frozenset[str] = frozenset()
    # The current text of each file that would carry a managed block (see `block_hosts`), read
    # by the caller: what a client loads around aiwg's block counts against its budget.
    hosts: Mapping[str, str] = field(default_factory=dict)
    # Which of the adapters' `unless_exists` paths (see `condition_paths`) are on disk now.
    present: frozenset[str] = frozenset()
    # Mark the whole files written linguist-generated in .gitattributes (project scope).
    linguist: bool = False



def adapter_options(adapter: Adapter, configured: Mapping[str, Any]) -> dict[str, str]:
    values = {name: spec.default for name, spec in adapter.options.items()}
    for key, value in configured.items():
        spec = adapter.options.get(key)
        if spec is None:
            known = ", ".join(sorted(adapter.options)) or "none"
            raise InputError(f"aiwg.toml: platform.{adapter.id}.{key}: unknown option "
                             f"(options of {adapter.id}: {known})")
        if spec.choices and value not in spec.choices:
            raise InputError(f"aiwg.toml: platform.{adapter.id}.{key}: expected one of "
                             f"{list(spec.choices)}, got {value!r}")
        values[key] = str(value)
    return values


@dataclass(frozen=True)
class _Place:
    path: str
    root: str
    root_id: str = PROJECT_ROOT_ID


class _Paths:
    """Fills an adapter's path templates for one target, refusing anything that could escape."""

    def __init__(self, adapter: Adapter, target: Target) -> None:
        self.adapter = adapter
        self.scope = target.scope
        self.options = adapter_options(adapter, target.options.get(adapter.id, {}))
        self.roots = user_roots(adapter, target.env) if target.scope == "user" else {}
        self.project_root = target.project_root.as_posix()
        self.aliases = target.aliases

    def place(self, template: str, name: str = "") -> _Place:
        if name and ("/" in name or "\\" in name or name in (".", "..") or ".." in name):
            raise UnsafePathError(f"{self.adapter.id}: refusing item name {name!r}: "
                                  "names may not contain path separators or '..'")
        values = {**self.options, **self.roots, "name": name}
        path = template
        for key, value in values.items():
            path = path.replace("{" + key + "}", value)
        path = posixpath.normpath(path)
        path = self.aliases.get(path, path)
        if self.scope == "project":
            return _Place(path, self.project_root)
        root_name = template[1:template.index("}")]
        return _Place(path, self.roots[root_name], root_id(self.adapter.id, root_name))


@dataclass(frozen=True)
class _Budget:
    """One platform's say on the size of a shared always-loaded file."""

    platform: str
    name: str
    unit: str
    cap: int | None  # the platform's own limit for the whole file, or None
    target: int | None  # how much of it aiwg's block may take (lean default or [budgets])


@dataclass
class _Contribution:
    platforms: list[str] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    budgets: list[_Budget] = field(default_factory=list)
    root: str = ""
    root_id: str = PROJECT_ROOT_ID


def _body(item: Item, spec: KindSpec) -> str:
    if spec.arguments and spec.arguments != ARGUMENTS_PLACEHOLDER:
        return item.body.replace(ARGUMENTS_PLACEHOLDER, spec.arguments)
    return item.body


def _extras(item: Item, adapter: Adapter, spec: KindSpec) -> dict[str, Any]:
    if not spec.extra_fields:
        return {}
    for name in adapter.names:
        block = item.overrides.get(name)
        if block:
            return {k: v for k, v in block.items() if k not in COMMON_FIELDS}
    return {}


def _for_platform(item: Item, adapter: Adapter) -> Item:
    return item.for_platform(adapter.id, adapter.aliases)


# Stands for the item name in a path template, so per-item paths of two platforms compare.
_ANY_NAME = "\x00"


class Renderer:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.result = RenderResult()
        self.blocks: dict[tuple[str, str], _Contribution] = defaultdict(_Contribution)
        # block identity -> the items loaded with it (not those only in its index file)
        self.block_items: dict[str, frozenset[str]] = {}
        self.block_levels: dict[str, dict[str, str]] = {}
        # Path (with _ANY_NAME for the item name) -> the rendered platforms that read it.
        self.readers: dict[str, list[Adapter]] = defaultdict(list)

    def add_readers(self, adapter: Adapter, paths: _Paths) -> None:
        for spec in adapter.kinds.values():
            target = adapter.kinds.get(spec.emulate) if spec.emulate else spec
            template = adapter.path_template(target, paths.scope) if target else None
            if template is not None:
                readers = self.readers[paths.place(template, _ANY_NAME).path]
                if adapter not in readers:
                    readers.append(adapter)

    def _excluded_by_another_reader(self, adapter: Adapter, paths: _Paths, template: str,
                                    item: Item) -> bool:
        """An output several platforms read carries only items every one of them may see:
        a `!codex` rule selected for OpenCode must not land in the AGENTS.md Codex reads."""
        shared = paths.place(template, _ANY_NAME).path
        excluded = [other.id for other in self.readers.get(shared, ())
                    if other.id != adapter.id
                    and not item.targets_platform(other.id, other.aliases)]
        if not excluded:
            return False
        where = shared.replace(_ANY_NAME, item.name)
        self._loss(adapter, "dropped", item,
                   f"left out of {where}: {', '.join(excluded)} also read"
                   f"{'s' if len(excluded) == 1 else ''} it, and the item's targets exclude "
                   f"{'it' if len(excluded) == 1 else 'them'}")
        return True

    def _file(self, place: _Place, text: str | bytes, adapter: Adapter, item: Item,
              executable: bool = False, always_loaded: bool = False) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.result.outputs.append(Output(
            path=place.path, grain="file", content=data, platforms=(adapter.id,),
            sources=(item.versioned_id,), root=place.root, root_id=place.root_id, executable=executable,
            always_loaded=always_loaded))

    def render_item(self, adapter: Adapter, paths: _Paths, item: Item) -> None:
        kind: Kind = item.kind
        spec = adapter.kinds.get(kind)
        if spec is None:
            self._loss(adapter, "dropped", item, f"{adapter.name} has no {kind}s")
            return
        if spec.emulate:
            emulated = adapter.kinds[spec.emulate]
            self._loss(adapter, "emulated", item,
                       spec.note or f"written as a {spec.emulate}, since {adapter.name} "
                                    f"has no {kind}s")
            spec = emulated
        template = adapter.path_template(spec, paths.scope)
        if template is None:
            self._loss(adapter, "dropped", item,
                       spec.note or f"{adapter.name} has no {paths.scope}-scope {kind}s")
            return
        if paths.scope == "user" and spec.user_format:
            spec = replace(spec, format=spec.user_format, budget=spec.user_budget)
        if self._excluded_by_another_reader(adapter, paths, template, item):
            return
        item = _for_platform(item, adapter)
        for reason in _reductions(adapter, spec, item):
            self._loss(adapter, "reduced", item, reason)
        body = _body(item, spec)
        extras = _extras(item, adapter, spec)
        if spec.format == "block":
            self._contribute(adapter, paths, spec, template, item)
        elif spec.format in ("markdown", "mdc", "toml", "json"):
            place = paths.place(template, item.name)
            text = _item_text(spec, item, body, extras)
            if spec.budget is not None and measure(text, spec.budget_unit) > spec.budget:
                # Over the platform's per-file limit: the file carries the summary and points
                # to the full text, written beside the project's other aiwg context files.
                details = details_path(item)
                where = posixpath.join(place.root, details) if paths.scope == "user" else details
                summary = f"{item.summary_text()}\n\nFull text: `{where}`.\n"
                text = _item_text(spec, item, summary, extras)
                self._file(_Place(where, place.root, place.root_id), item.body, adapter, item)
                self._loss(adapter, "reduced", item,
                           f"summary only: over {adapter.name}'s limit of {spec.budget} "
                           f"{spec.budget_unit} per file; full text in {where}")
            self._file(place, text, adapter, item,
                       always_loaded=item.kind == "rule" and item.scope == "always")
        elif spec.format == "skill":
            folder = paths.place(template, item.name)
            self._file(_Place(f"{folder.path}/SKILL.md", folder.root, folder.root_id),
                       render_skill_md(item, body, extras), adapter, item)
            for resource in item.resources:
                self._resource(adapter, folder, item, resource.path, resource.data,
                               resource.executable)
        elif spec.format == "keys":
            self._keys(adapter, paths, spec, template, item)
        elif spec.format == "entries" and item.kind == "mcp":
            self._mcp_entry(adapter, paths, spec, template, item)
        elif spec.format == "entries" and item.kind == "hook":
            self._hook(adapter, paths, spec, template, item)
        elif spec.format == "entries":
            # Any other kind as a list entry built from the field mapping (Roo's customModes).
            place = paths.place(template)
            self.result.outputs.append(Output(
                path=place.path, grain="entry",
                content=build_fields(item, spec.fields, body, extras=extras),
                platforms=(adapter.id,), sources=(item.versioned_id,), root=place.root, root_id=place.root_id,
                block=item.id, key_path=spec.container, syntax=spec.syntax))
        if spec.constants:
            place = paths.place(template, item.name)
            for key, value in spec.constants.items():
                self.result.outputs.append(Output(
                    path=place.path, grain="keys", content=value, platforms=(adapter.id,),
                    sources=(f"adapter/{adapter.id}",), root=place.root, root_id=place.root_id,
                    key_path=(key,), syntax=spec.syntax))

    def _resource(self, adapter: Adapter, folder: _Place, item: Item, relative: str,
                  data: bytes, executable: bool) -> None:
        parts = relative.split("/")
        if relative.startswith("/") or ".." in parts:
            raise UnsafePathError(f"{item.source}: refusing resource path {relative!r}")
        self._file(_Place(f"{folder.path}/{relative}", folder.root, folder.root_id), data, adapter, item,
                   executable)

    def _keys(self, adapter: Adapter, paths: _Paths, spec: KindSpec, template: str,
              item: Item) -> None:
        if spec.mcp is None or item.kind != "mcp":
            self._loss(adapter, "dropped", item, f"no key mapping for {item.kind}s")
            return
        entry, notes = mcp_entry(item, spec.mcp)
        for note in notes:
            self._loss(adapter, "reduced", item, note)
        place = paths.place(template)
        self.result.outputs.append(Output(
            path=place.path, grain="keys", content=entry, platforms=(adapter.id,),
            sources=(item.versioned_id,), root=place.root, root_id=place.root_id,
            key_path=(*spec.mcp.container, item.name), syntax=spec.syntax))

    def _mcp_entry(self, adapter: Adapter, paths: _Paths, spec: KindSpec, template: str,
                   item: Item) -> None:
        """An MCP server as a named entry of a list (Continue's `mcpServers:` YAML list)."""
        assert spec.mcp is not None
        entry, notes = mcp_entry(item, spec.mcp)
        for note in notes:
            self._loss(adapter, "reduced", item, note)
        place = paths.place(template)
        self.result.outputs.append(Output(
            path=place.path, grain="entry", content={"name": item.name, **entry},
            platforms=(adapter.id,), sources=(item.versioned_id,), root=place.root, root_id=place.root_id,
            block=item.id, key_path=spec.mcp.container, syntax=spec.syntax))

    def _hook(self, adapter: Adapter, paths: _Paths, spec: KindSpec, template: str,
              item: Item) -> None:
        shape = spec.hook
        if shape is None or item.kind != "hook":
            self._loss(adapter, "dropped", item, f"no list mapping for {item.kind}s")
            return
        event = shape.events.get(str(item.meta.get("event")))
        if event is None:
            self._loss(adapter, "dropped", item,
                       f"{adapter.name} has no {item.meta.get('event')} hook event")
            return
        handler: dict[str, Any] = {}
        if shape.type_value:
            handler["type"] = shape.type_value
        handler[shape.command_key] = item.meta["command"]
        timeout = item.meta.get("timeout")
        if timeout and shape.timeout_key:
            handler[shape.timeout_key] = timeout
        handler.update(shape.extra)
        matcher = item.meta.get("matcher")
        if matcher and not shape.matcher:
            self._loss(adapter, "reduced", item,
                       f"{adapter.name} cannot filter hooks by tool; it runs for every tool")
        key_path = (*shape.container, event)
        if shape.shape == "grouped":
            element: dict[str, Any] = {"matcher": matcher} if matcher else {}
            element["hooks"] = [handler]
        elif shape.shape == "listed":
            element = {"name": item.name, shape.event_key: event,
                       **({"matcher": matcher} if matcher and shape.matcher else {}),
                       "action": {k: v for k, v in handler.items() if k != shape.timeout_key}}
            if timeout and shape.timeout_key:
                element[shape.timeout_key] = timeout
            key_path = shape.container
        else:
            element = {**handler, **({"matcher": matcher} if matcher and shape.matcher else {})}
        place = paths.place(template)
        self.result.outputs.append(Output(
            path=place.path, grain="entry", content=element, platforms=(adapter.id,),
            sources=(item.versioned_id,), root=place.root, root_id=place.root_id, block=item.id,
            key_path=key_path, syntax=spec.syntax))
        if shape.version is not None:
            self.result.outputs.append(Output(
                path=place.path, grain="keys", content=shape.version, platforms=(adapter.id,),
                sources=(item.versioned_id,), root=place.root, root_id=place.root_id, key_path=("version",),
                syntax=spec.syntax))

    def render_ignore(self, adapter: Adapter, paths: _Paths, patterns: tuple[str, ...]) -> None:
        spec = adapter.ignore
        template = None
        if spec is not None:
            template = spec.project if paths.scope == "project" else spec.user
        if spec is None or template is None:
            self.result.losses.append(Loss(adapter.id, "dropped", "config/ignore",
                                           f"{adapter.name} has no {paths.scope}-scope ignore "
                                           "list aiwg can write"))
            return
        place = paths.place(template)
        if spec.format == "block":
            self.result.outputs.append(Output(
                path=place.path, grain="block", content="".join(f"{p}\n" for p in patterns),
                platforms=(adapter.id,), sources=("config/ignore",), root=place.root, root_id=place.root_id,
                block="ignore", comment="hash"))
            return
        for pattern in patterns:
            self.result.outputs.append(Output(
                path=place.path, grain="entry", content=spec.template.replace("{pattern}", pattern),
                platforms=(adapter.id,), sources=("config/ignore",), root=place.root, root_id=place.root_id,
                block=f"ignore:{pattern}", key_path=spec.container, syntax=spec.syntax))

    def _contribute(self, adapter: Adapter, paths: _Paths, spec: KindSpec, template: str,
                    item: Item) -> None:
        place = paths.place(template)
        contribution = self.blocks[(place.path, spec.block)]
        contribution.root = place.root
        contribution.root_id = place.root_id
        if adapter.id not in contribution.platforms:
            contribution.platforms.append(adapter.id)
            # Config may lower or raise aiwg's share, never past what the platform reads.
            configured = self.target.budgets.get(adapter.id, {}).get(item.kind)
            target = configured or DEFAULT_TARGETS.get(spec.budget_unit)
            contribution.budgets.append(_Budget(adapter.id, adapter.name, spec.budget_unit,
                                                spec.budget, target))
        contribution.items[item.id] = item
        register = spec.register
        where = None if register is None else (
            register.project if paths.scope == "project" else register.user)
        if register is not None and where is not None:
            config = paths.place(where)
            listed = place.path if paths.scope == "user" else posixpath.relpath(
                place.path, posixpath.dirname(config.path) or ".")
            self.result.outputs.append(Output(
                path=config.path, grain="entry", content=listed, platforms=(adapter.id,),
                sources=(f"adapter/{adapter.id}",), root=config.root, root_id=config.root_id,
                block=f"read:{listed}", key_path=register.container, syntax=register.syntax))

    def _loss(self, adapter: Adapter, what: Any, item: Item, reason: str) -> None:
        self.result.losses.append(Loss(adapter.id, what, item.id, reason))

    def note_readers(self) -> None:
        """A client that reads a block written for others (Claude Code reading Codex's
        AGENTS.md) gets its projections and budget in the report too."""
        for output in self.result.outputs:
            levels = self.block_levels.get(output.identity)
            if levels is None:
                continue
            budgets = [b for entries in self.result.budgets.values() for b in entries
                       if b.path == output.path]
            for client in self.result.loaded_by.get(output.identity, ()):
                if any(b.path == output.path for b in self.result.budgets.get(client, ())):
                    continue
                self.result.projections.setdefault(client, {}).update(levels)
                if budgets:
                    tightest = min(budgets, key=lambda b: (b.limit is None, b.limit or 0))
                    self.result.budgets.setdefault(client, []).append(tightest)

    def finish_blocks(self) -> None:
        for (path, block), contribution in sorted(self.blocks.items()):
            self._finish_block(path, block, contribution)

    def _finish_block(self, path: str, block: str, contribution: _Contribution) -> None:
        items = related_order(list(contribution.items.values()))
        platforms = tuple(contribution.platforms)
        host = self.target.hosts.get(path)
        around = _outside_block(host, block)
        unit = _unit(contribution.budgets)
        around_size = measure(around, unit)
        budget, binding = _block_budget(contribution.budgets, around_size)
        folder = posixpath.dirname(path)

        def details(item: Item) -> str:
            return posixpath.join(folder, details_path(item))

        index_path = posixpath.join(folder, index_file_path(path))
        pinned = {i.id for i in items if i.id in self.target.pinned
                  or i.name in self.target.pinned}
        label = f"{path} (read by {', '.join(platforms)})"
        if around:
            label += (f"; your text around aiwg's block takes {measure(around, unit):,} {unit}"
                      f" of {binding.name}'s {binding.cap:,}" if binding and binding.cap
                      else "")
        overhead = marker_overhead(block, unit)
        while True:
            # The platform reads the markers too (and the blank line before them).
            fitted = fit_section(items, budget, unit, details, label=label,
                                 index_path=index_path, pinned=pinned, overhead=overhead)
            cap = binding.cap if binding else None
            try:
                loaded = measure(write_block(host, block, fitted.text), unit)
            except BlockError as error:
                raise InputError(f"{path}: {error}; fix or remove the markers") from None
            if budget is None or cap is None or loaded <= cap:
                break
            # The host's own newlines can add a byte or two the estimate missed: fit again.
            budget -= loaded - cap
        output = Output(
            path=path, grain="block", content=fitted.text, platforms=platforms,
            sources=tuple(i.versioned_id for i in items), root=contribution.root,
            root_id=contribution.root_id, block=block, always_loaded=True)
        self.result.outputs.append(output)
        self.block_items[output.identity] = frozenset(
            i.id for i in items if fitted.levels[i.id] != "listed")
        self.block_levels[output.identity] = dict(fitted.levels)
        if fitted.index is not None:
            listed = [i for i in items if fitted.levels[i.id] == "listed"]
            self.result.outputs.append(Output(
                path=index_path, grain="file", content=fitted.index.encode("utf-8"),
                platforms=platforms, sources=tuple(i.versioned_id for i in listed),
                root=contribution.root, root_id=contribution.root_id))
        where = f"{posixpath.basename(path)} ({budget or 0:,} {unit} for aiwg's block)"
        for item in items:
            level = fitted.levels[item.id]
            if level == "full":
                continue
            # The agent reads the full text on demand from beside the shared file.
            self.result.outputs.append(Output(
                path=details(item), grain="file", content=item.body.encode("utf-8"),
                platforms=platforms, sources=(item.versioned_id,), root=contribution.root,
                root_id=contribution.root_id))
            said = (f"only listed in {index_path}" if level == "listed"
                    else f"{'an index line' if level == 'index' else 'a summary'} in {where}")
            for platform in platforms:
                self.result.losses.append(Loss(platform, "reduced", item.id,
                                               f"{said}; full text in {details(item)}"))
        for entry in contribution.budgets:
            self.result.budgets.setdefault(entry.platform, []).append(BlockBudget(
                path, unit, entry.cap, entry.target, budget, around_size))
        for platform in platforms:
            self.result.projections.setdefault(platform, {}).update(fitted.levels)


# aiwg's own share of an always-loaded file when [budgets] does not set one: lean, since every
# byte is paid on every request, and well under every platform's hard limit.
DEFAULT_TARGETS: Mapping[str, int] = {"bytes": 8192, "chars": 8192}


def _block_budget(budgets: Sequence[_Budget], around: int) -> tuple[int | None, _Budget | None]:
    """The tightest budget for aiwg's block among the platforms that read the file, and the
    platform with the tightest hard limit: each limit covers the person's text around the block."""
    values = [min(v for v in (b.target, None if b.cap is None else b.cap - around)
                  if v is not None)
              for b in budgets if b.target is not None or b.cap is not None]
    binding = min((b for b in budgets if b.cap is not None),
                  key=lambda b: (b.cap or 0, b.platform), default=None)
    return (min(values) if values else None), binding


def _unit(budgets: Sequence[_Budget]) -> str:
    """One unit for a file several platforms read: bytes are never fewer than characters."""
    units = {b.unit for b in budgets}
    return next((u for u in ("bytes", "chars", "lines") if u in units), "bytes")


def _outside_block(host: str | None, block: str) -> str:
    """The person's text in a host file: all of it but aiwg's block."""
    if not host:
        return ""
    try:
        return remove_block(host, block)
    except BlockError:
        return host  # broken markers are reported when the plan reads the file


def marker_overhead(block: str, unit: str) -> int:
    framing = f"\n{begin_marker(block)}\n{end_marker(block)}\n"
    return framing.count("\n") if unit == "lines" else len(framing.encode("utf-8"))


def details_path(item: Item) -> str:
    """Where an item reduced in an always-loaded file keeps its full text, relative to that file."""
    return f".aiwg/context/{item.kind}s/{item.name}.md"


def index_file_path(host: str) -> str:
    """Where the index of an always-loaded file goes when its index lines do not fit in it."""
    stem = posixpath.splitext(posixpath.basename(host))[0]
    return f".aiwg/context/{stem}.index.md"


def _item_text(spec: KindSpec, item: Item, body: str, extras: dict[str, Any]) -> str:
    fields = build_fields(item, spec.fields, body, extras=extras)
    if spec.format == "toml":
        return render_toml(fields)
    if spec.format == "json":
        return render_json(fields)
    if spec.format == "mdc":
        return render_mdc(fields, body)
    return render_markdown(fields, body)


def _reductions(adapter: Adapter, spec: KindSpec, item: Item) -> list[str]:
    """What of this item the platform's format cannot carry (said in the loss report)."""
    sources = {field.source for field in spec.fields}
    scope_map = next((f.mapping for f in spec.fields if f.source == "scope" and f.mapping), None)
    reasons = []
    if item.kind == "rule" and item.scope != "always":
        if spec.format == "block":
            reasons.append("always loaded, with its scope stated in words: "
                           f"{adapter.name} reads the whole file")
        elif item.scope == "glob" and "globs" not in sources:
            reasons.append(f"always loaded: {adapter.name} cannot limit a rule to matching files")
        elif item.scope == "request" and not (scope_map and "request" in scope_map):
            reasons.append(f"always loaded: {adapter.name} cannot load a rule only when relevant")
    if item.kind == "agent" and item.meta.get("tools") and "tools" not in sources:
        reasons.append(f"tools not written: aiwg has no mapping to {adapter.name}'s tool list, "
                       "so the agent gets the platform's default tools")
    return reasons


def _merge_duplicates(outputs: list[Output]) -> list[Output]:
    """One output per identity; platforms that render the same bytes to one path share it."""
    merged: dict[str, Output] = {}
    for output in outputs:
        seen = merged.get(output.identity)
        if seen is None:
            merged[output.identity] = output
            continue
        if seen.payload() != output.payload() or seen.executable != output.executable:
            raise InputError(
                f"{output.path}: {', '.join(seen.platforms)} and {', '.join(output.platforms)} "
                "would write different content to this shared path; give the item the same "
                "fields for both platforms")
        platforms = tuple(dict.fromkeys((*seen.platforms, *output.platforms)))
        sources = tuple(sorted(set(seen.sources) | set(output.sources)))
        merged[output.identity] = Output(**{**seen.__dict__, "platforms": platforms,
                                            "sources": sources})
    return sorted(merged.values(), key=lambda o: o.identity)


def block_hosts(adapters: Sequence[Adapter], target: Target) -> list[tuple[str, str]]:
    """(path, root) of every file the adapters would write a managed block into, so that the
    caller can read what else is in them before rendering (see `Target.hosts`)."""
    places: dict[str, str] = {}
    for adapter in adapters:
        paths = _Paths(adapter, target)
        for spec in adapter.kinds.values():
            if spec.emulate:
                spec = adapter.kinds[spec.emulate]
            template = adapter.path_template(spec, target.scope)
            scoped = spec.user_format if target.scope == "user" and spec.user_format else None
            if template is not None and (scoped or spec.format) == "block":
                place = paths.place(template)
                places[place.path] = place.root
    if target.linguist and target.scope == "project":
        # The person's own linguist lines there win over aiwg's (see aiwg.gitattributes).
        places[GITATTRIBUTES] = target.project_root.as_posix()
    return sorted(places.items())


def _template_values(adapters: Sequence[Adapter], target: Target) -> dict[str, dict[str, str]]:
    values = {}
    for adapter in adapters:
        paths = _Paths(adapter, target)
        values[adapter.id] = {**paths.options, **paths.roots}
    return values


def condition_places(adapters: Sequence[Adapter], target: Target) -> list[str]:
    """The files whose presence changes what the adapters' platforms read (`unless_exists`),
    for the caller to look for on disk (see `Target.present`)."""
    return condition_paths(adapters, target.scope, _template_values(adapters, target))


def render(adapters: Sequence[Adapter], items: Sequence[Item], target: Target) -> RenderResult:
    """Every output the given platforms read, for the items selected for each of them."""
    renderer = Renderer(target)
    all_paths = [(adapter, _Paths(adapter, target)) for adapter in adapters]
    for adapter, paths in all_paths:
        renderer.add_readers(adapter, paths)
    for adapter, paths in all_paths:
        for item in items:
            if item.targets_platform(adapter.id, adapter.aliases):
                renderer.render_item(adapter, paths, item)
        if target.ignore:
            renderer.render_ignore(adapter, paths, target.ignore)
    renderer.finish_blocks()
    # Each client loads each item once: leave out per-item files another route already gives.
    once = plan_load_once(adapters, _merge_duplicates(renderer.result.outputs), target.scope,
                          _template_values(adapters, target), target.present,
                          renderer.block_items)
    renderer.result.outputs = once.outputs
    renderer.result.losses.extend(once.losses)
    renderer.result.duplicates = once.duplicates
    renderer.result.loaded_by = once.loaded_by
    if target.linguist and target.scope == "project":
        marks = linguist_block(renderer.result.outputs, target.project_root.as_posix(),
                               target.hosts.get(GITATTRIBUTES))
        if marks is not None:
            renderer.result.outputs.append(marks)
    renderer.note_readers()
    renderer.result.losses.sort()
    return renderer.result
