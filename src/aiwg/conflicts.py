"""Conflicts a person can finish: the three versions side by side, and telling when they are merged.

When a hand edit and a library change touch the same lines, aiwg leaves the file as it is and
writes the three versions (what it last wrote, what the library renders now, what is on disk)
with diff3 markers to a side file under the state folder. The live file gets markers only when
the person asks (`aiwg resolve PATH --markers`). A hand-finished merge is recognised by its
content: no markers left, and every line the library change added is in it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import merge3

if TYPE_CHECKING:
    from aiwg.manifest import StateDir
    from aiwg.plan import Action, Plan

DISK_LABEL = "disk (your edit)"
BASE_LABEL = "base (what aiwg last wrote)"
LIBRARY_LABEL = "library (what aiwg would write now)"
_MARKER = re.compile(r"^(<{7}|>{7})( |$)|^={7}$|^\|{7}( |$)", re.M)


def has_markers(data: bytes) -> bool:
    """Whether the text still holds conflict-marker lines."""
    return _MARKER.search(data.decode("utf-8", "replace")) is not None


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


def with_markers(base: bytes, library: bytes, disk: bytes) -> bytes:
    """The disk text with every conflicting region shown three ways, diff3 style."""
    merger = merge3.Merge3(_lines(base), _lines(disk), _lines(library))
    text = "".join(merger.merge_lines(name_a=DISK_LABEL, name_b=LIBRARY_LABEL,
                                      name_base=BASE_LABEL, base_marker="|||||||"))
    return text.encode("utf-8")


def finish_merge(base: bytes, library: bytes, disk: bytes) -> bytes | None:
    """The disk's hand-made merge, with the library's non-overlapping changes applied too; None
    while any overlapping region lacks the library's change.

    An overlapping region counts as merged when each line the library added there is in the
    disk's version of it and each line it removed is gone. A library change that only removes
    lines cannot be told apart from the unmerged edit, so it never counts (`aiwg accept` then
    records the person's decision).
    """
    try:
        merger = merge3.Merge3(_lines(base), _lines(library), _lines(disk))
    except UnicodeDecodeError:
        return None
    if has_markers(disk):
        return None
    merged: list[str] = []
    overlapping = False
    for group in merger.merge_groups():
        if group[0] != "conflict":
            merged.extend(group[1])
            continue
        overlapping = True
        _, base_part, library_part, disk_part = group
        if not _carries(base_part, library_part, disk_part):
            return None
        merged.extend(disk_part)
    return "".join(merged).encode("utf-8") if overlapping else None


def _carries(base: Sequence[str], library: Sequence[str], disk: Sequence[str]) -> bool:
    added: list[str] = []
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(None, base, library, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.extend(base[i1:i2])
            added.extend(library[j1:j2])
    kept = set(disk)
    if not added or any(line not in kept for line in added):
        return False
    return not any(line in kept and line not in added for line in removed)


def conflicts_dir(state: StateDir) -> Path:
    return state.local_dir / "conflicts"


def side_file(state: StateDir, identity: str) -> Path:
    """Where the three-way view of one output's conflict is kept: local state, never committed."""
    safe = identity.lstrip("/").replace("#", ".").replace(":", "-")
    safe = re.sub(r'[\\"<>|?*\[\]]', "_", safe).replace("..", "_")
    return conflicts_dir(state) / f"{safe}.diff3"


def write_side_file(state: StateDir, identity: str, view: bytes) -> Path:
    from aiwg.atomic import atomic_write

    path = side_file(state, identity)
    try:
        if path.read_bytes() == view:
            return path
    except OSError:
        pass
    atomic_write(path, view)
    return path


def remove_side_file(state: StateDir, identity: str) -> bool:
    from aiwg.apply import _remove_empty_parents

    path = side_file(state, identity)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    _remove_empty_parents(path, state.local_dir)
    return True


def three_way_view(state: StateDir, action: Action) -> bytes:
    """A conflict's disk version with diff3 markers against the base and the library."""
    assert action.desired is not None and action.current is not None
    entry = action.entry
    base = None
    if entry is not None:
        for digest in (entry.accepted or entry.sha256, *entry.digests):
            base = state.read_base(digest)
            if base is not None:
                break
    return with_markers(base or b"", action.desired, action.current)


def record_conflicts(plan: Plan) -> list[Path]:
    """After a run: the three-way view of each conflict in its side file; side files of outputs
    that are no longer in conflict removed. Returns the side files written."""
    written = []
    # With no conflicts folder there is no side file to remove: one stat, not one per output.
    any_side_files = conflicts_dir(plan.state).is_dir()
    for action in plan.actions:
        if action.kind != "conflict":
            if any_side_files:
                remove_side_file(plan.state, action.identity)
            continue
        view = three_way_view(plan.state, action)
        written.append(write_side_file(plan.state, action.identity, view))
    return written
