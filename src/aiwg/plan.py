"""Reconcile: desired outputs × manifest × disk → a plan of actions and file changes.

This is DESIGN.md §4's table, for every grain (the bytes each file gets are composed in
`aiwg.hosts`). Planning reads the disk but never writes it:
`diff`, `status`, `--dry-run` and `--check` print the same plan that `apply` carries out.

    D = desired payload now, M = what the manifest says aiwg wrote, F = what is on disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import merge3

from aiwg.conflicts import finish_merge, has_markers
from aiwg.errors import UnsafePathError
from aiwg.hosts import FileChange as FileChange  # re-exported: apply and report use it
from aiwg.hosts import Host, Hosts
from aiwg.manifest import Entry, Manifest, StateDir, payload_digest
from aiwg.outputs import Grain, Output, canonical_json

ActionKind = Literal[
    "create", "update", "unchanged", "keep-edited", "merge", "conflict", "delete",
    "skip-unmanaged", "missing", "forget", "accepted",
]
# Actions after which the disk matches the library for that output ("accepted": a hand edit
# recorded as intended, against a library render that has not changed since).
IN_SYNC: frozenset[str] = frozenset({"unchanged", "accepted"})
# The note of a conflict the person finished by hand; the result is recorded as accepted.
FINISHED_MERGE = "your merge carries the library change: resolved"


@dataclass(frozen=True)
class Flags:
    force: bool = False
    adopt: bool = False


@dataclass
class Action:
    kind: ActionKind
    identity: str
    path: str
    grain: Grain
    platforms: tuple[str, ...]
    desired: bytes | None
    current: bytes | None
    result: bytes | None = None  # the payload written (merged, or desired), None when none
    note: str = ""
    output: Output | None = None
    entry: Entry | None = None

    @property
    def in_sync(self) -> bool:
        return self.kind in IN_SYNC


@dataclass
class Plan:
    scope: str
    state: StateDir
    actions: list[Action]
    files: dict[str, FileChange]
    manifest_before: Manifest
    manifest_after: Manifest
    bases: dict[str, bytes] = field(default_factory=dict)

    @property
    def conflicts(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "conflict"]

    @property
    def differs(self) -> bool:
        """True when the disk differs in any way from what the library renders."""
        return any(not a.in_sync for a in self.actions)


# --- the reconcile table ---------------------------------------------------------------------


def merge_three_way(grain: Grain, base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """A clean merge of our change and the person's edit, or None when they conflict."""
    try:
        texts = [x.decode("utf-8") for x in (base, ours, theirs)]
    except UnicodeDecodeError:
        return None
    base_lines, our_lines, their_lines = (t.splitlines(keepends=True) for t in texts)
    merger = merge3.Merge3(base_lines, our_lines, their_lines)
    if any(group[0] == "conflict" for group in merger.merge_groups()):
        return None
    merged = "".join(merger.merge_lines())
    if grain == "keys":
        try:
            return canonical_json(json.loads(merged)).encode("utf-8")
        except ValueError:
            return None
    return merged.encode("utf-8")


def decide(desired: bytes | None, entry: Entry | None, current: bytes | None,
           base: bytes | None, grain: Grain, flags: Flags) -> tuple[ActionKind, bytes | None, str]:
    """One row of the reconcile table: the action, the payload to write, and a note."""
    if desired is not None:
        if entry is None:
            if current is None:
                return "create", desired, ""
            if current == desired:
                return "unchanged", None, "already as rendered; now managed by aiwg"
            if flags.force:
                return "update", desired, "taken over, your version overwritten (--force)"
            if flags.adopt:
                # Adopting keeps the person's bytes: they are recorded as their edit of what the
                # library renders, so later library changes merge into them three ways.
                return ("keep-edited", None, "adopted: your version is kept and now managed; "
                        "it differs from the library (diff shows how; --force overwrites)")
            return ("skip-unmanaged", None, "exists and aiwg did not write it; --adopt manages "
                    "it keeping your version, --force overwrites it")
        if current is None:
            if flags.force:
                return "create", desired, "recreated (--force)"
            return "missing", None, "deleted by hand; --force recreates it"
        if current == desired:
            return "unchanged", None, ""
        on_record = entry.owns(payload_digest(current))
        if on_record and entry.accepted is None:
            return "update", desired, ""
        if flags.force:
            return "update", desired, "hand edit overwritten (--force)"
        # Whether the library still renders what the disk was last reconciled with (`base`).
        if (payload_digest(desired) == entry.accepted if entry.accepted
                else entry.owns(payload_digest(desired))):
            if on_record:
                return "accepted", None, "edited by hand and accepted; kept"
            return "keep-edited", None, "edited by hand; kept (`aiwg accept` or `aiwg pull`)"
        markers = has_markers(current)
        merged = (merge_three_way(grain, base, desired, current)
                  if base is not None and not markers else None)
        finished = (finish_merge(base, desired, current)
                    if merged is None and base is not None else None)
        if finished == current:
            return "accepted", None, FINISHED_MERGE
        if finished is not None:
            return "merge", finished, FINISHED_MERGE
        if merged is None:
            why = "" if base is not None else " (no base copy to merge from)"
            if markers:
                why += "; conflict markers are still in it"
            return "conflict", None, (f"hand edit conflicts with the library change{why}; kept "
                                      "(`aiwg resolve` shows the three versions)")
        return "merge", merged, "library change merged with the hand edit"
    assert entry is not None
    if current is None:
        return "forget", None, "already gone"
    if (entry.owns(payload_digest(current)) and entry.accepted is None) or flags.force:
        return "delete", None, "no longer rendered"
    return "forget", None, "no longer rendered, but edited by hand: kept and no longer managed"


# --- planning every output ----------------------------------------------------------------


class Planner:
    def __init__(self, scope: str, state: StateDir, manifest: Manifest, flags: Flags) -> None:
        self.scope = scope
        self.state = state
        self.manifest = manifest
        self.flags = flags
        self.hosts = Hosts(list(manifest.entries.values()))
        self.store = state.bases()
        self.actions: list[Action] = []
        self.after = Manifest(scope, dict(manifest.entries))
        self.bases: dict[str, bytes] = {}
        # (host, grain, part) written by a desired output in this plan: a manifest entry that
        # names the same part under another path (a symlink now joins them) is superseded.
        self.written: dict[tuple[Path, str, str], str] = {}

    def _base(self, entry: Entry | None) -> bytes | None:
        if entry is None:
            return None
        for digest in (entry.accepted, *entry.digests) if entry.accepted else entry.digests:
            base = self.store.get(digest)
            if base is not None:
                return base
        return None

    def plan_output(self, identity: str, output: Output | None, entry: Entry | None) -> None:
        ref = output or entry
        assert ref is not None
        try:
            host = self.hosts.get(ref.path, ref.root)
        except UnsafePathError as error:
            if output is not None:
                raise
            # A recorded output that now resolves outside its root (a link made since): the
            # entry is dropped, and nothing is deleted through the link.
            self.after.entries.pop(identity, None)
            self.manifest.ignored.append(f"{self.state.manifest_file}: {error}; "
                                         "ignored, never acted on")
            return
        part = (host.destination, ref.grain, _part_key(ref))
        platforms = output.platforms if output is not None else entry.platforms if entry else ()
        if output is None and self.written.get(part, identity) != identity:
            # The same bytes are now planned under the host's real name: forget this one.
            self.actions.append(Action("forget", identity, ref.path, ref.grain, platforms, None,
                                       None, None, f"now written as {self.written[part]}",
                                       None, entry))
            self.after.entries.pop(identity, None)
            return
        desired = output.payload() if output is not None else None
        base = self._base(entry)
        current = self.hosts.current(host, ref, desired, base)
        kind, result, note = decide(desired, entry, current, base, ref.grain, self.flags)
        if (kind == "unchanged" and output is not None and entry is not None
                and host.was_executable == entry.executable != output.executable):
            # `chmod +x` on a library script: the mode is part of what aiwg wrote.
            kind, result, note = "update", desired, "executable bit changed in the library"
        action = Action(kind, identity, ref.path, ref.grain, platforms, desired, current,
                        result, note, output, entry)
        self.actions.append(action)
        host.platforms.update(platforms)
        if output is not None:
            self.written[part] = identity
        self._record(action, host)
        if result is not None or kind == "delete":
            self.hosts.edit(host, action)

    def _record(self, action: Action, host: Host) -> None:
        output, entry = action.output, action.entry
        if action.kind in ("delete", "forget"):
            self.after.entries.pop(action.identity, None)
            return
        adopted = action.kind == "keep-edited" and entry is None
        if output is None or action.kind in ("skip-unmanaged", "conflict", "missing"):
            return
        desired = output.payload()
        digest = payload_digest(desired)
        accepted: str | None = None
        # What stays on disk when it is not the render: the person's accepted bytes, recorded
        # with the render they were reconciled with, so the next run sees them as up to date.
        # A merge into an unaccepted edit stays drift until the person accepts or pulls it.
        kept = action.current if action.kind == "accepted" else (
            action.result if action.kind == "merge" and entry is not None
            and (entry.accepted or action.note == FINISHED_MERGE) else None)
        if action.kind == "keep-edited" and entry is not None:
            digest, accepted = entry.sha256, entry.accepted
        elif kept is not None:
            digest, accepted = payload_digest(kept), digest
            self.bases[digest] = kept
        created = entry.created_file if entry is not None else (
            host.before is None and not adopted)
        created_from = (entry.created_from if entry is not None
                        else self.hosts.created_from(host, output))
        self.after.entries[action.identity] = Entry.for_output(output, digest, created,
                                                               created_from, accepted)
        self.bases[accepted or digest] = desired

    def file_changes(self) -> dict[str, FileChange]:
        return self.hosts.file_changes()


def _part_key(ref: Output | Entry) -> str:
    return json.dumps([ref.block, list(ref.key_path)], ensure_ascii=False)


def build_plan(scope: str, state: StateDir, manifest: Manifest,
               desired: Mapping[str, Output], considered: Mapping[str, Entry],
               flags: Flags) -> Plan:
    """Reconcile every desired output and every manifest entry in play for this run."""
    planner = Planner(scope, state, manifest, flags)
    # Files first, then blocks and keys, so edits to a shared host compose in a fixed order;
    # removals last, so a part that a symlink now joins to another name is written, not removed.
    identities = sorted(set(desired) | set(considered),
                        key=lambda i: (i not in desired,
                                       _grain_of(desired, considered, i) != "file", i))
    for identity in identities:
        planner.plan_output(identity, desired.get(identity), considered.get(identity))
    return Plan(scope, state, planner.actions, planner.file_changes(), manifest, planner.after,
                planner.bases)


def _grain_of(desired: Mapping[str, Output], considered: Mapping[str, Entry],
              identity: str) -> str:
    ref = desired.get(identity) or considered.get(identity)
    return ref.grain if ref is not None else "file"
