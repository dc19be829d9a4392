"""`aiwg pull [PATH…]`: a person's edit of an output written back into the item it came from.

The edited file (a whole file, a managed block, or an owned MCP key) is read back through the
adapter that wrote it, the library item is updated, and the output is recorded as up to date:
`status` is clean and `diff --check` green for it. Other outputs of the same items update on the
next sync. What cannot be mapped back (a section written as a summary, an edit across two items,
a reduced or emulated output) is refused with the reason, and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiwg import console
from aiwg.adapters import Adapter, KindSpec
from aiwg.apply import locked
from aiwg.commands.edits import accepted_entry, actions_at, record
from aiwg.commands.import_ import library_layer, write_item
from aiwg.engine import Context, Run, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from aiwg.importers.block import pull_block
from aiwg.importers.mcp import item_from_entry
from aiwg.importers.model import Imported
from aiwg.importers.native import item_from_native
from aiwg.items import KIND_DIRS, Item, Resource
from aiwg.manifest import Entry
from aiwg.plan import Action
from aiwg.render import Scope

EDITED = ("keep-edited", "merge", "conflict", "accepted")
LAUNCH_KEYS = ("command", "args", "env", "url", "headers")


def _as_imported(item: Item) -> Imported:
    """A library item as the frontmatter and body its file holds now."""
    meta: dict[str, Any] = {**item.meta, **{k: dict(v) for k, v in item.overrides.items()}}
    return Imported(item.kind, item.name, meta, item.body, str(item.source),
                    resources=item.resources)


def _layer_of(context: Context, scope: Scope, item: Item) -> Path:
    """The library folder the item's file sits in; a built-in (or other-scope) item is
    overridden in the scope's own layer instead."""
    if (item.layer.startswith("project") and scope == "project") or (
            item.layer == "user" and scope == "user"):
        depth = 3 if item.kind == "skill" else 2
        return item.source.parents[depth - 1]
    return library_layer(context, scope)


def _spec(adapter: Adapter, kind: str) -> KindSpec:
    spec = adapter.target_spec(kind)  # type: ignore[arg-type]
    if spec is None:
        raise UsageError(f"{adapter.name} has no {kind}s")
    return spec


def _fields_from(adapter: Adapter, spec: KindSpec, item: Item, pulled: Imported) -> Imported:
    """The item with what the platform file carries replaced by the pulled values."""
    merged = _as_imported(item)
    mapped = {f.source for f in spec.fields if f.source not in (None, "body")}
    for source in mapped | {"description"}:
        key = "always" if source == "scope" else source
        merged.meta.pop(key, None)
    if "globs" in mapped:
        merged.meta.pop("always", None)
    merged.meta.update({k: v for k, v in pulled.meta.items() if k not in ("name", adapter.id)})
    if adapter.id in pulled.meta:
        merged.meta[adapter.id] = pulled.meta[adapter.id]
    merged.body = pulled.body
    return merged


def _pull_file(context: Context, action: Action, adapter: Adapter, item: Item) -> Imported:
    assert action.current is not None
    spec = _spec(adapter, item.kind)
    text = action.current.decode("utf-8")
    if item.kind == "skill" and not action.path.endswith("/SKILL.md"):
        folder = action.path.rsplit("/", 1)[0]
        while not folder.endswith(f"/{item.name}") and "/" in folder:
            folder = folder.rsplit("/", 1)[0]
        relative = action.path[len(folder) + 1:]
        merged = _as_imported(item)
        merged.resources = tuple(
            Resource(r.path, action.current if r.path == relative else r.data, r.executable)
            for r in item.resources)
        return merged
    if f"/{KIND_DIRS[item.kind]}/{item.name}.md" in f"/{action.path}" and ".aiwg/context" in (
            action.path):
        merged = _as_imported(item)
        merged.body = text  # the full text beside an always-loaded file
        return merged
    pulled = item_from_native(adapter, spec, item.kind, item.name, action.path, text)
    return _fields_from(adapter, spec, item, pulled)


def _pull_keys(action: Action, adapter: Adapter, item: Item) -> Imported:
    assert action.current is not None
    spec = _spec(adapter, "mcp")
    if spec.mcp is None:
        raise UsageError(f"{action.path}: {adapter.name} keeps no MCP keys there")
    pulled = item_from_entry(item.name, json.loads(action.current), spec.mcp, action.path)
    merged = _as_imported(item)
    for key in LAUNCH_KEYS:
        merged.meta.pop(key, None)
    merged.meta.update({k: v for k, v in pulled.meta.items() if k in LAUNCH_KEYS})
    merged.notes = pulled.notes
    return merged


def _items_of(run: Run, context: Context, action: Action) -> list[Item]:
    ids = [source.split("@", 1)[0] for source in (action.output.sources if action.output else ())]
    items = [context.library.items[i] for i in ids if i in context.library.items]
    if not items:
        raise UsageError(f"{action.path}: aiwg wrote it from no library item it can change")
    return items


def _pull(context: Context, run: Run, action: Action) -> list[Imported]:
    items = _items_of(run, context, action)
    adapter = context.registry.get(action.platforms[0])
    if action.grain == "block":
        assert action.desired is not None and action.current is not None
        changed = pull_block(action.desired.decode("utf-8"), action.current.decode("utf-8"),
                             items)
        return [_as_imported(item) for item in changed.values()]
    if len(items) != 1 or action.grain == "entry":
        raise UsageError(f"{action.path}: this output cannot be mapped back to one item")
    if action.grain == "keys":
        return [_pull_keys(action, adapter, items[0])]
    return [_pull_file(context, action, adapter, items[0])]


def run(context: Context, paths: Sequence[str], *, scope: Scope = "project",
        dry_run: bool = False) -> int:
    with locked(context.state(scope)):
        planned = prepare(context, scope, "sync", [])
        chosen = [a for a in actions_at(context, planned, paths)
                  if a.kind in EDITED and a.current is not None and a.current != a.desired]
        if not chosen:
            console.line("nothing to pull: no output named there was edited by hand")
            return EXIT_OK
        updates: dict[str, tuple[Imported, Item]] = {}
        for action in chosen:
            for imported in _pull(context, planned, action):
                item = context.library.items[imported.id]
                updates[imported.id] = (imported, item)
                for note in imported.notes:
                    console.warn(note)
                console.line(f"{'would pull' if dry_run else 'pulled'} {action.path} into "
                             f"{imported.id}")
        if dry_run:
            console.line("dry run: nothing was written", style="dim")
            return EXIT_OK
        for imported, item in updates.values():
            write_item(_layer_of(context, scope, item), imported)
        return _record_pulled(context, scope, chosen)


def _record_pulled(context: Context, scope: Scope, chosen: list[Action]) -> int:
    """Re-plan with the updated library; the pulled outputs are now what it renders."""
    fresh = Context(project_root=context.project_root, env=context.env)
    again = prepare(fresh, scope, "sync", [])
    wanted = {a.identity for a in chosen}
    entries: dict[str, Entry] = {}
    blobs: list[bytes] = []
    still = 0
    for action in again.plan.actions:
        if action.identity not in wanted or action.current is None or action.desired is None:
            continue
        if action.current != action.desired:
            still += 1
            console.warn(f"{action.path}: pulled, but the library renders it differently "
                         "(`aiwg diff` shows how; `aiwg accept` keeps the file as it is)")
            continue
        entries[action.identity] = accepted_entry(action)
        blobs.append(action.current)
    if entries:
        record(again, entries, blobs)
    others = sum(1 for a in again.plan.actions
                 if a.identity not in wanted and a.kind in ("update", "merge"))
    if others:
        console.line(f"{others} other output(s) of these items change on the next `aiwg sync`")
    return EXIT_DIFFERENCES if still else EXIT_OK
