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
from aiwg.formats.block import begin_marker, end_marker
from aiwg.formats.fields import build_fields
from aiwg.formats.json_doc import render_json
from aiwg.formats.markdown import render_markdown
from aiwg.formats.mcp import mcp_entry
from aiwg.formats.mdc import render_mdc
from aiwg.formats.skill import render_skill_md
from aiwg.formats.toml_doc import render_toml
from aiwg.items import ARGUMENTS_PLACEHOLDER, COMMON_FIELDS, Item, Kind
from aiwg.outputs import Loss, Output, RenderResult
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


@dataclass
class _Contribution:
    platforms: list[str] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    budgets: list[tuple[int, str]] = field(default_factory=list)
    root: str = ""
    root_id: str = PROJECT_ROOT_ID
    details: dict[str, str] = field(default_factory=dict)  # platform -> details template


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
    for name in adapter.names:
        if name in item.overrides:
            return item.for_platform(name)
    return item


class Renderer:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.result = RenderResult()
        self.blocks: dict[tuple[str, str], _Contribution] = defaultdict(_Contribution)

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
            # Config may lower a platform's budget, never raise it past what the platform reads.
            configured = self.target.budgets.get(adapter.id, {}).get(item.kind)
            budget = min(b for b in (spec.budget, configured) if b is not None) if (
                spec.budget or configured) else None
            if budget is not None:
                contribution.budgets.append((budget, spec.budget_unit))
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

    def finish_blocks(self) -> None:
        for (path, block), contribution in sorted(self.blocks.items()):
            items = related_order(list(contribution.items.values()))
            budget, unit = min(contribution.budgets, default=(None, "bytes"))
            label = f"{path} (read by {', '.join(contribution.platforms)})"
            # The platform reads the markers too (and the blank line before them).
            fitted = fit_section(items, budget, unit, details_path, label=label,
                                 overhead=marker_overhead(block, unit))
            platforms = tuple(contribution.platforms)
            self.result.outputs.append(Output(
                path=path, grain="block", content=fitted.text, platforms=platforms,
                sources=tuple(i.versioned_id for i in items), root=contribution.root,
                root_id=contribution.root_id, block=block, always_loaded=True))
            for item in items:
                level = fitted.levels[item.id]
                if level != "full":
                    # The agent reads the full text on demand from beside the shared file.
                    where = posixpath.join(posixpath.dirname(path), details_path(item))
                    self.result.outputs.append(Output(
                        path=where, grain="file", content=item.body.encode("utf-8"),
                        platforms=platforms, sources=(item.versioned_id,),
                        root=contribution.root, root_id=contribution.root_id))
                    for platform in platforms:
                        self.result.losses.append(Loss(
                            platform, "reduced", item.id,
                            f"{level} in {posixpath.basename(path)} (budget {budget} {unit}); "
                            f"full text in {details_path(item)}"))
            for platform in platforms:
                self.result.projections.setdefault(platform, {}).update(fitted.levels)


def marker_overhead(block: str, unit: str) -> int:
    framing = f"\n{begin_marker(block)}\n{end_marker(block)}\n"
    return framing.count("\n") if unit == "lines" else len(framing.encode("utf-8"))


def details_path(item: Item) -> str:
    """Where an item reduced in an always-loaded file keeps its full text, relative to that file."""
    return f".aiwg/context/{item.kind}s/{item.name}.md"


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


def render(adapters: Sequence[Adapter], items: Sequence[Item], target: Target) -> RenderResult:
    """Every output the given platforms read, for the items selected for each of them."""
    renderer = Renderer(target)
    for adapter in adapters:
        paths = _Paths(adapter, target)
        for item in items:
            if item.targets_platform(adapter.id, adapter.aliases):
                renderer.render_item(adapter, paths, item)
        if target.ignore:
            renderer.render_ignore(adapter, paths, target.ignore)
    renderer.finish_blocks()
    renderer.result.outputs = _merge_duplicates(renderer.result.outputs)
    renderer.result.losses.sort()
    return renderer.result
