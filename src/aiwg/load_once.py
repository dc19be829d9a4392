"""Each client loads each item once: plan the deploy with what every platform reads.

Platforms read more than aiwg writes for them (Claude Code reads AGENTS.md when no CLAUDE.md
exists; Copilot reads `.claude/rules`, AGENTS.md and GEMINI.md beside its own instructions), so
deploying several platforms into one project can give one client the same rule two or four times.
From each adapter's `reads`, this module finds every route by which each deployed client loads
each item, then leaves out per-item files that no client needs: a file is left out only when
every deployed client that reads it still loads the item through another file. A shared block
(AGENTS.md) is never cut, since its writers read nothing else. What still reaches a client
twice is returned as a duplicate, with the files, for the loss report and `aiwg context`.

Pure: the caller says which condition files (`unless_exists`) are on disk.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from aiwg.adapter_specs import glob_regex
from aiwg.adapters import Adapter, ReadSpec
from aiwg.items import KINDS
from aiwg.outputs import Duplicate, Loss, Output

# Path template values of one platform (its roots at user scope, its options), by platform id.
Values = Mapping[str, Mapping[str, str]]


def _item_id(source: str) -> str:
    return source.split("@", 1)[0]


def loaded_items(output: Output, block_items: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The items a client that reads `output` gets from it on every load. A block carries only
    the items in it, not those it lists in its index file."""
    if output.grain == "block":
        return block_items.get(output.identity, frozenset(_item_id(s) for s in output.sources))
    return frozenset(_item_id(s) for s in output.sources if "/" in s
                     and not s.startswith(("adapter/", "config/")))


def _fill(template: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return posixpath.normpath(template)


def condition_paths(adapters: Sequence[Adapter], scope: str,
                    values: Values) -> list[str]:
    """Every `unless_exists` path of the adapters' reads, filled: the caller checks the disk."""
    paths: set[str] = set()
    for adapter in adapters:
        for kind in KINDS:
            for read in adapter.reads(kind, scope):
                paths.update(_fill(p, values.get(adapter.id, {})) for p in read.unless_exists)
    return sorted(paths)


def _skipped_by(read: ReadSpec, filled: Mapping[str, str], exists: Collection[str]) -> str | None:
    """The condition file that makes the platform skip this read, if one exists."""
    return next((p for p in read.unless_exists if _fill(p, filled) in exists), None)


def skipped_reads(adapters: Sequence[Adapter], scope: str, values: Values,
                  present: frozenset[str]) -> list[str]:
    """'Claude Code skips AGENTS.md while CLAUDE.md exists', for reads a person's file turns off."""
    said = []
    for adapter in adapters:
        for kind in KINDS:
            for read in adapter.reads(kind, scope):
                cause = _skipped_by(read, values.get(adapter.id, {}), present)
                if cause is not None:
                    said.append(f"{adapter.name} skips {read.path} while {cause} exists")
    return sorted(set(said))


def readers(adapters: Sequence[Adapter], outputs: Iterable[Output], scope: str, values: Values,
            present: frozenset[str]) -> dict[str, set[str]]:
    """Output identity -> the deployed platforms that load it (by their `reads`)."""
    outputs = [o for o in outputs if o.grain in ("file", "block")]
    exists = present | {o.path for o in outputs}
    found: dict[str, set[str]] = defaultdict(set)
    for adapter in adapters:
        filled = values.get(adapter.id, {})
        # Each read's glob filled and compiled once per platform, not once per output.
        patterns = [glob_regex(read.pattern(filled)) for kind in KINDS
                    for read in adapter.reads(kind, scope)
                    if _skipped_by(read, filled, exists) is None]
        for output in outputs:
            if any(pattern.fullmatch(output.path) for pattern in patterns):
                found[output.identity].add(adapter.id)
    return found


@dataclass
class LoadPlan:
    outputs: list[Output]
    losses: list[Loss]
    duplicates: list[Duplicate]
    loaded_by: dict[str, tuple[str, ...]]  # output identity -> the clients that load it


def _route_files(route: Output, outputs: Sequence[Output]) -> list[Output]:
    """A skill's SKILL.md brings its folder's other files: they go when it goes."""
    if posixpath.basename(route.path) != "SKILL.md":
        return [route]
    folder = posixpath.dirname(route.path) + "/"
    return [o for o in outputs if o.path == route.path
            or (o.path.startswith(folder) and o.sources == route.sources)]


def plan_load_once(adapters: Sequence[Adapter], outputs: Sequence[Output], scope: str,
                   values: Values, present: frozenset[str],
                   block_items: Mapping[str, frozenset[str]]) -> LoadPlan:
    names = {a.id: a.name for a in adapters}
    by_identity = {o.identity: o for o in outputs}
    reader_map = readers(adapters, outputs, scope, values, present)
    carries = {identity: loaded_items(by_identity[identity], block_items)
               for identity in reader_map}
    # client -> item -> identities of the outputs it loads the item from
    routes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for identity, clients in reader_map.items():
        for client in clients:
            for item in carries[identity]:
                routes[client][item].add(identity)
    dropped: set[str] = set()
    losses: list[Loss] = []
    # Per-item files only, fewest readers first, then by path: the same choice on every run.
    candidates = sorted((i for i in reader_map if by_identity[i].grain == "file"
                         and len(carries[i]) == 1),
                        key=lambda i: (len(reader_map[i]), i))
    for identity in candidates:
        (item,) = carries[identity]
        clients = reader_map[identity]
        if not all(len(routes[c][item] - dropped - {identity}) >= 1 for c in clients):
            continue
        dropped.add(identity)
        for client in clients:
            routes[client][item].discard(identity)
    for identity in sorted(dropped):
        (item,) = carries[identity]
        clients = reader_map[identity]
        output = by_identity[identity]
        kept = sorted({by_identity[i].path for c in clients for i in routes[c][item]})
        notes = sorted({f"{a.name} reads {read.path} {read.note}"
                        for a in adapters if a.id in clients
                        for kind in KINDS for read in a.reads(kind, scope)
                        if read.note and any(read.matches(k, values.get(a.id, {}))
                                             for k in kept)})
        caveat = f" ({'; '.join(notes)})" if notes else ""
        for platform in output.platforms:
            losses.append(Loss(platform, "reduced", item,
                               f"{output.path} not written: every client that reads it "
                               f"({', '.join(names.get(c, c) for c in sorted(clients))}) "
                               f"loads it from {' and '.join(kept)}{caveat}"))
    removed = {o.identity for identity in dropped
               for o in _route_files(by_identity[identity], outputs)}
    # A platform whose file was left out is served by the file kept instead: it is recorded
    # there, so a sync still knows it and `aiwg context` counts that file for it.
    served: dict[str, set[str]] = defaultdict(set)
    for identity in dropped:
        (item,) = carries[identity]
        for platform in by_identity[identity].platforms:
            for route in routes.get(platform, {}).get(item, ()):
                served[route].add(platform)
    kept_outputs = [replace(o, platforms=tuple(dict.fromkeys(
                        (*o.platforms, *sorted(served[o.identity] - set(o.platforms))))))
                    if o.identity in served else o
                    for o in outputs if o.identity not in removed]
    duplicates = [Duplicate(client, item, tuple(sorted(by_identity[i].path for i in ids)))
                  for client, items in sorted(routes.items())
                  for item, ids in sorted(items.items()) if len(ids) > 1]
    skipped = skipped_reads(adapters, scope, values, present)
    why = f" ({'; '.join(skipped)})" if skipped else ""
    for duplicate in duplicates:
        losses.append(Loss(duplicate.platform, "reduced", duplicate.item,
                           f"loaded {len(duplicate.paths)} times, from "
                           f"{', '.join(duplicate.paths)}: each file is the only one another "
                           f"deployed platform reads{why}"))
    loaded_by = {identity: tuple(sorted(clients)) for identity, clients in reader_map.items()
                 if identity not in removed}
    return LoadPlan(kept_outputs, losses, duplicates, loaded_by)
