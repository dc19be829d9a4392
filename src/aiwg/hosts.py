"""Composing every planned edit to one host file: whole files, blocks, owned keys, list entries.

A host is known by its real path, so two names for one file (`GEMINI.md -> AGENTS.md`,
`.junie/AGENTS.md -> ../AGENTS.md`) collect their edits into one text instead of the second
write replacing the first. Nothing here decides *whether* to edit (that is `aiwg.plan`); this
module reads what is on disk and computes the bytes each host will have afterwards.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiwg.atomic import is_executable, read_regular
from aiwg.errors import InputError
from aiwg.formats.block import BlockError, read_block, remove_block, write_block
from aiwg.keyed import MISSING, DocumentError, KeyedEditor, editor_for, is_skeleton
from aiwg.manifest import Entry
from aiwg.outputs import Grain, Output, canonical_json
from aiwg.safety import Destinations

if TYPE_CHECKING:
    from aiwg.plan import Action


@dataclass
class FileChange:
    path: str
    destination: Path
    before: bytes | None
    after: bytes | None  # None: delete the file
    executable: bool | None = None
    platforms: tuple[str, ...] = ()
    was_executable: bool | None = None  # the file on disk when planned; None when absent

    @property
    def changed(self) -> bool:
        """New bytes, or the same bytes with the executable bit to set or clear."""
        return self.before != self.after or self.mode_changed

    @property
    def mode_changed(self) -> bool:
        return (self.after is not None and self.executable is not None
                and self.was_executable is not None and self.executable != self.was_executable)


@dataclass
class Host:
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
    # Set when the output path itself is a symlink the person made: deleting the output removes
    # that link, never the file it points to.
    link: Path | None = None
    was_executable: bool | None = None


def _decode(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; aiwg shares only text files") from None


def read_part(path: str, host: str | None, grain: Grain, block: str,
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


def _edit_block(text: str, action: Action, ref: Output | Entry) -> str:
    """The host text with the block written or removed; marker trouble is the file's problem."""
    try:
        if action.kind == "delete":
            return remove_block(text, ref.block, ref.comment)
        assert action.result is not None
        first = isinstance(ref, Output) and ref.first
        return write_block(text, ref.block, action.result.decode("utf-8"), ref.comment, first)
    except BlockError as error:
        raise InputError(f"{ref.path}: {error}") from None


def _own_link(root: str, path: str, destinations: Destinations) -> Path | None:
    """The output path itself, when it is a symlink (its folder resolved), else None."""
    lexical = Path(root) / path if not os.path.isabs(path) else Path(path)
    if not lexical.is_symlink():
        return None
    return Path(destinations.real(os.fspath(lexical.parent))) / lexical.name


class Hosts:
    """The hosts of one plan, keyed by real path, and the edits planned to each."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries  # the manifest before the run (which containers aiwg created)
        self.by_real: dict[Path, Host] = {}
        self.destinations = Destinations()  # folders resolved once per plan

    def get(self, path: str, root: str) -> Host:
        found = self.destinations.lookup(root, path)
        destination = found.path
        host = self.by_real.get(destination)
        if host is None:
            before: bytes | None = None
            executable: bool | None = None
            if found.mode is not None:  # nothing there when resolved: nothing to read
                try:
                    before = read_regular(destination, path)  # a pipe or device: refused
                    executable = None if before is None else is_executable(destination)
                except OSError as error:
                    raise InputError(f"{path}: cannot read ({error.strerror})") from None
            link = _own_link(root, path, self.destinations) if found.through_link else None
            host = Host(path, destination, before, None, link=link, was_executable=executable)
            self.by_real[destination] = host
        return host

    def text(self, host: Host, *, flush: bool = True) -> str | None:
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

    def current(self, host: Host, ref: Output | Entry, desired: bytes | None,
                base: bytes | None) -> bytes | None:
        """F: what is on disk now for this output (after the edits planned before it)."""
        if ref.grain == "file":
            return host.before
        if ref.grain == "entry":
            return self._read_entry(host, ref, desired, base)
        return read_part(ref.path, self.text(host, flush=ref.grain != "keys"), ref.grain,
                         ref.block, ref.key_path, ref.syntax, ref.comment)

    def _list(self, host: Host, ref: Output | Entry) -> list[Any]:
        """The list an entry lives in, as it stands after the edits planned so far."""
        assert ref.syntax is not None
        try:
            value = editor_for(ref.syntax).read(self.text(host) or "", ref.key_path)
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

    def _read_entry(self, host: Host, ref: Output | Entry, desired: bytes | None,
                    base: bytes | None) -> bytes | None:
        """F for a list entry: what it is known by. An entry is found by its value: the one aiwg
        wants (D) or the one it wrote (M); anything else in the list is someone else's."""
        present = {canonical_json(value).encode("utf-8") for value in self._list(host, ref)}
        if desired is not None and desired in present:
            return desired
        if base is not None and base in present:
            return base
        return None

    def created_from(self, host: Host, output: Output) -> int | None:
        """How much of a new key's (or entry list's) path is missing from the file."""
        if output.grain not in ("keys", "entry") or output.syntax is None:
            return None
        text = self.text(host, flush=False) or ""
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
        floors = [e.created_from for e in self.entries
                  if e.path == ref.path and e.created_from is not None
                  and e.key_path[:top] == ref.key_path[:top]]
        floor = min(floors, default=top)
        for depth in range(top, floor, -1):
            if editor.read(text, ref.key_path[:depth]) != {}:
                break
            text = editor.remove(text, ref.key_path[:depth])
        return text

    def edit(self, host: Host, action: Action) -> None:
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
        text = self.text(host) or ""
        if action.grain == "block":
            text = _edit_block(text, action, ref)
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

    def _edit_entry(self, host: Host, action: Action, ref: Output | Entry) -> str:
        """Append, replace or take out one entry of a list; the other entries stay as they are."""
        assert ref.syntax is not None
        editor = editor_for(ref.syntax)
        text = self.text(host) or ""
        entries = list(self._list(host, ref))
        position = next((i for i, value in enumerate(entries)
                         if canonical_json(value).encode("utf-8") == action.current), None)
        if action.kind == "delete":
            if position is not None:
                del entries[position]
            created = [e.created_from for e in self.entries
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
        for host in sorted(self.by_real.values(), key=lambda h: h.path):
            self.text(host)  # apply pending key writes
            destination = host.destination
            if host.deleted:
                after: bytes | None = None
                destination = host.link or destination
            elif host.raw is not None:
                after = host.raw
            elif host.text is not None:
                after = host.text.encode("utf-8")
            else:
                after = host.before
            changes[host.path] = FileChange(host.path, destination, host.before, after,
                                            host.executable, tuple(sorted(host.platforms)),
                                            host.was_executable)
        return changes


def _write_list(editor: KeyedEditor, text: str, path: tuple[str, ...], entries: list[Any]) -> str:
    """Editors that can change a list entry by entry (YAML) keep the other entries' style."""
    write_list = getattr(editor, "write_list", None)
    if write_list is not None:
        result: str = write_list(text, path, entries)
        return result
    return editor.write(text, path, entries)
