"""Reconcile: desired outputs × manifest × disk → a plan of actions and file changes.

This is DESIGN.md §4's table, for every grain. Planning reads the disk but never writes it:
`diff`, `status`, `--dry-run` and `--check` print the same plan that `apply` carries out.

    D = desired payload now, M = what the manifest says aiwg wrote, F = what is on disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import merge3

from aiwg.errors import InputError
from aiwg.formats.block import BlockError, read_block, remove_block, write_block
from aiwg.keyed import MISSING, DocumentError, KeyedEditor, editor_for, is_skeleton
from aiwg.manifest import Entry, Manifest, StateDir, payload_digest
from aiwg.outputs import Grain, Output, canonical_json
from aiwg.safety import safe_destination

ActionKind = Literal[
    "create", "update", "unchanged", "keep-edited", "merge", "conflict", "delete",
    "skip-unmanaged", "missing", "forget",
]
# Actions after which the disk matches the library for that output.
IN_SYNC: frozenset[str] = frozenset({"unchanged"})


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
class FileChange:
    path: str
    destination: Path
    before: bytes | None
    after: bytes | None  # None: delete the file
    executable: bool | None = None
    platforms: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after


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


# --- reading what is on disk ---------------------------------------------------------------


def _decode(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; aiwg shares only text files") from None


def _read_part(path: str, host: str | None, grain: Grain, block: str,
               key_path: tuple[str, ...], syntax: str | None, comment: str) -> bytes | None:
    """F for a block or key: its payload inside the host text, or None when absent."""
    if host is None:
        return None
    if grain == "block":
        try:
            text = read_block(host, block, comment)
        except BlockError as error:
            raise InputError(f"{path}: {error}; fix or remove the markers") from None
        return None if text is None else text.encode("utf-8")
    assert syntax is not None
    try:
        value = editor_for(syntax).read(host, key_path)
    except DocumentError as error:
        raise InputError(f"{path}: {error}") from None
    return None if value is MISSING else canonical_json(value).encode("utf-8")


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
            if flags.force or flags.adopt:
                return "update", desired, "taken over (--adopt/--force)"
            return "skip-unmanaged", None, "exists and aiwg did not write it; --adopt takes it over"
        if current is None:
            if flags.force:
                return "create", desired, "recreated (--force)"
            return "missing", None, "deleted by hand; --force recreates it"
        if current == desired:
            return "unchanged", None, ""
        if payload_digest(current) == entry.sha256:
            return "update", desired, ""
        if flags.force:
            return "update", desired, "hand edit overwritten (--force)"
        if payload_digest(desired) == entry.sha256:
            return "keep-edited", None, "edited by hand; kept"
        merged = merge_three_way(grain, base, desired, current) if base is not None else None
        if merged is None:
            why = "" if base is not None else " (no base copy to merge from)"
            return "conflict", None, f"hand edit conflicts with the library change{why}; kept"
        return "merge", merged, "library change merged with the hand edit"
    assert entry is not None
    if current is None:
        return "forget", None, "already gone"
    if payload_digest(current) == entry.sha256 or flags.force:
        return "delete", None, "no longer rendered"
    return "forget", None, "no longer rendered, but edited by hand: kept and no longer managed"


# --- assembling file changes -------------------------------------------------------------------


@dataclass
class _Host:
    """One file on disk and the text it will have after every planned edit."""

    path: str
    destination: Path
    before: bytes | None
    text: str | None
    raw: bytes | None = None  # a whole file's new bytes (files share their path with nothing)
    # Key writes not yet applied to `text`: applied together, so many keys cost one parse.
    pending: list[tuple[tuple[str, ...], Any]] = field(default_factory=list)
    pending_syntax: str | None = None
    executable: bool | None = None
    deleted: bool = False
    platforms: set[str] = field(default_factory=set)


class Planner:
    def __init__(self, scope: str, state: StateDir, manifest: Manifest, flags: Flags) -> None:
        self.scope = scope
        self.state = state
        self.manifest = manifest
        self.flags = flags
        self.hosts: dict[str, _Host] = {}
        self.actions: list[Action] = []
        self.after = Manifest(scope, dict(manifest.entries))
        self.bases: dict[str, bytes] = {}

    def _host(self, path: str, root: str) -> _Host:
        host = self.hosts.get(path)
        if host is None:
            destination = safe_destination(root, path)
            try:
                before: bytes | None = destination.read_bytes()
            except FileNotFoundError:
                before = None
            except OSError as error:
                raise InputError(f"{path}: cannot read ({error.strerror})") from None
            host = _Host(path, destination, before, None)
            self.hosts[path] = host
        return host

    def _host_text(self, host: _Host, *, flush: bool = True) -> str | None:
        """The host's text after the planned edits. Reading one key needs no flush: pending
        writes touch other keys only (each key is one output)."""
        if host.text is None and host.before is not None and not host.deleted:
            host.text = _decode(host.path, host.before)
        if flush and host.pending:
            assert host.pending_syntax is not None
            edits, host.pending = host.pending, []
            try:
                host.text = editor_for(host.pending_syntax).write_many(host.text or "", edits)
            except DocumentError as error:
                raise InputError(f"{host.path}: {error}") from None
        return host.text

    def plan_output(self, identity: str, output: Output | None, entry: Entry | None) -> None:
        ref = output or entry
        assert ref is not None
        host = self._host(ref.path, ref.root)
        desired = output.payload() if output is not None else None
        base = self.state.read_base(entry.sha256) if entry is not None else None
        if ref.grain == "file":
            current = host.before
        elif ref.grain == "entry":
            current = self._read_entry(host, ref, desired, base)
        else:
            current = _read_part(ref.path, self._host_text(host, flush=ref.grain != "keys"),
                                 ref.grain, ref.block, ref.key_path, ref.syntax, ref.comment)
        kind, result, note = decide(desired, entry, current, base, ref.grain, self.flags)
        platforms = output.platforms if output is not None else entry.platforms if entry else ()
        action = Action(kind, identity, ref.path, ref.grain, platforms, desired, current,
                        result, note, output, entry)
        self.actions.append(action)
        host.platforms.update(platforms)
        self._record(action, host)
        if result is not None or kind == "delete":
            self._edit(host, action)

    def _record(self, action: Action, host: _Host) -> None:
        output, entry = action.output, action.entry
        if action.kind in ("delete", "forget"):
            self.after.entries.pop(action.identity, None)
            return
        if output is None or action.kind in ("skip-unmanaged", "conflict", "missing"):
            return
        desired = output.payload()
        digest = payload_digest(desired)
        if action.kind == "keep-edited" and entry is not None:
            digest = entry.sha256
        created = entry.created_file if entry is not None else host.before is None
        created_from = entry.created_from if entry is not None else self._created_from(host, output)
        self.after.entries[action.identity] = Entry.for_output(output, digest, created,
                                                               created_from)
        self.bases[digest] = desired

    def _list(self, host: _Host, ref: Output | Entry) -> list[Any]:
        """The list an entry lives in, as it stands after the edits planned so far."""
        assert ref.syntax is not None
        try:
            value = editor_for(ref.syntax).read(self._host_text(host) or "", ref.key_path)
        except DocumentError as error:
            raise InputError(f"{ref.path}: {error}") from None
        if value is MISSING:
            return []
        # `read: FILE` is Aider's shorthand for a one-item list of file names; a string where aiwg
        # adds an object (`"Stop": "echo"`) is the person's value, never rewritten into a list.
        if isinstance(value, str) and (isinstance(ref, Entry) or isinstance(ref.content, str)):
            return [value]
        if not isinstance(value, list):
            raise InputError(f"{ref.path}: {'.'.join(ref.key_path)}: expected a list, found "
                             f"{type(value).__name__}; left as it is (make it a list for aiwg "
                             "to add its entry)")
        return value

    def _read_entry(self, host: _Host, ref: Output | Entry, desired: bytes | None,
                    base: bytes | None) -> bytes | None:
        """F for a list entry: what it is known by. An entry is found by its value: the one aiwg
        wants (D) or the one it wrote (M); anything else in the list is someone else's."""
        present = {canonical_json(value).encode("utf-8") for value in self._list(host, ref)}
        if desired is not None and desired in present:
            return desired
        if base is not None and base in present:
            return base
        return None

    def _created_from(self, host: _Host, output: Output) -> int | None:
        """How much of a new key's (or entry list's) path is missing from the file."""
        if output.grain not in ("keys", "entry") or output.syntax is None:
            return None
        text = self._host_text(host, flush=False) or ""
        editor = editor_for(output.syntax)
        for depth in range(len(output.key_path)):
            if editor.read(text, output.key_path[:depth + 1]) is MISSING:
                return depth
        return len(output.key_path) - (1 if output.grain == "keys" else 0)

    def _prune_containers(self, text: str, ref: Entry | Output, editor: KeyedEditor,
                          top: int) -> str:
        """Remove containers aiwg created for its keys once the last key in them is gone.

        `top` is the depth of the deepest container that may go (the parent of a key).
        """
        floors = [e.created_from for e in self.manifest.entries.values()
                  if e.path == ref.path and e.created_from is not None
                  and e.key_path[:top] == ref.key_path[:top]]
        floor = min(floors, default=top)
        for depth in range(top, floor, -1):
            if editor.read(text, ref.key_path[:depth]) != {}:
                break
            text = editor.remove(text, ref.key_path[:depth])
        return text

    def _edit(self, host: _Host, action: Action) -> None:
        ref = action.output or action.entry
        assert ref is not None
        if action.grain == "file":
            if action.kind == "delete":
                host.deleted = True
                host.text = None
                return
            assert action.result is not None and action.output is not None
            host.deleted = False
            host.raw = action.result
            host.executable = action.output.executable
            return
        if action.grain == "keys" and action.kind != "delete":
            assert action.result is not None
            # Write the adapter's own key order; a merge result is only known canonically.
            value = (action.output.content if action.output is not None
                     and action.result == action.desired else json.loads(action.result))
            host.pending.append((ref.key_path, value))
            host.pending_syntax = ref.syntax
            host.deleted = False
            return
        text = self._host_text(host) or ""
        if action.grain == "block":
            if action.kind == "delete":
                text = remove_block(text, ref.block, ref.comment)
            else:
                assert action.result is not None
                text = write_block(text, ref.block, action.result.decode("utf-8"), ref.comment)
        elif action.grain == "entry":
            text = self._edit_entry(host, action, ref)
        else:
            assert ref.syntax is not None
            editor = editor_for(ref.syntax)
            text = self._prune_containers(editor.remove(text, ref.key_path), ref, editor,
                                          len(ref.key_path) - 1)
        host.text = text
        host.deleted = False
        created = action.entry.created_file if action.entry else host.before is None
        if action.kind == "delete" and created and is_skeleton(text, ref.syntax):
            host.deleted = True

    def _edit_entry(self, host: _Host, action: Action, ref: Output | Entry) -> str:
        """Append, replace or take out one entry of a list; the other entries stay as they are."""
        assert ref.syntax is not None
        editor = editor_for(ref.syntax)
        text = self._host_text(host) or ""
        entries = list(self._list(host, ref))
        position = next((i for i, value in enumerate(entries)
                         if canonical_json(value).encode("utf-8") == action.current), None)
        if action.kind == "delete":
            if position is not None:
                del entries[position]
            created = [e.created_from for e in self.manifest.entries.values()
                       if e.path == ref.path and e.key_path == ref.key_path
                       and e.created_from is not None]
            if not entries and min(created, default=len(ref.key_path)) < len(ref.key_path):
                # aiwg created this list; with its last entry gone, the list goes too.
                text = editor.remove(text, ref.key_path)
                return self._prune_containers(text, ref, editor, len(ref.key_path) - 1)
            return _write_list(editor, text, ref.key_path, entries)
        assert action.result is not None
        value = (action.output.content if action.output is not None
                 and action.result == action.desired else json.loads(action.result))
        if position is None:
            entries.append(value)
        else:
            entries[position] = value
        return _write_list(editor, text, ref.key_path, entries)

    def file_changes(self) -> dict[str, FileChange]:
        changes: dict[str, FileChange] = {}
        for path, host in sorted(self.hosts.items()):
            self._host_text(host)  # apply pending key writes
            if host.deleted:
                after: bytes | None = None
            elif host.raw is not None:
                after = host.raw
            elif host.text is not None:
                after = host.text.encode("utf-8")
            else:
                after = host.before
            changes[path] = FileChange(path, host.destination, host.before, after,
                                       host.executable, tuple(sorted(host.platforms)))
        return changes


def _write_list(editor: KeyedEditor, text: str, path: tuple[str, ...], entries: list[Any]) -> str:
    """Editors that can change a list entry by entry (YAML) keep the other entries' style."""
    write_list = getattr(editor, "write_list", None)
    if write_list is not None:
        result: str = write_list(text, path, entries)
        return result
    return editor.write(text, path, entries)


def build_plan(scope: str, state: StateDir, manifest: Manifest,
               desired: Mapping[str, Output], considered: Mapping[str, Entry],
               flags: Flags) -> Plan:
    """Reconcile every desired output and every manifest entry in play for this run."""
    planner = Planner(scope, state, manifest, flags)
    # Files first, then blocks and keys, so edits to a shared host compose in a fixed order.
    identities = sorted(set(desired) | set(considered),
                        key=lambda i: (_grain_of(desired, considered, i) != "file", i))
    for identity in identities:
        planner.plan_output(identity, desired.get(identity), considered.get(identity))
    return Plan(scope, state, planner.actions, planner.file_changes(), manifest, planner.after,
                planner.bases)


def _grain_of(desired: Mapping[str, Output], considered: Mapping[str, Entry],
              identity: str) -> str:
    ref = desired.get(identity) or considered.get(identity)
    return ref.grain if ref is not None else "file"
