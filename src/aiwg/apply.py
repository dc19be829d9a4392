"""Carry out a plan: every file written (a rename each), all made durable together, the manifest last.

A run killed at any point leaves every file either old or new, and the manifest still describes
the old state, so the next run sees the new files as already rendered and converges without
touching them again. The same holds after a power loss: the files are durable before the
manifest that records them is written (see `atomic`).

Each file is re-read just before it is replaced or deleted: a save made since planning (during
the confirm prompt, by an editor, by the platform itself) stops the run before it is overwritten.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aiwg.atomic import (
    DEFAULT_MODE,
    Batch,
    atomic_write,
    clean_temporaries,
    mode_for,
    read_regular,
)
from aiwg.errors import EXIT_DIFFERENCES, AiwgError
from aiwg.fingerprint import file_for as fingerprint_file
from aiwg.lock import LOCK_TIMEOUT_SECONDS, locked
from aiwg.parse_cache import FILE_NAME as PARSE_CACHE_FILE

if TYPE_CHECKING:
    from aiwg.plan import FileChange, Plan

__all__ = ["LOCK_TIMEOUT_SECONDS", "ChangedOnDiskError", "apply_plan", "atomic_write", "locked"]

Progress = Callable[[int], None]


class ChangedOnDiskError(AiwgError):
    """A file changed between planning and writing it; the run stopped before overwriting it."""

    exit_code = EXIT_DIFFERENCES


def _ensure_unchanged(change: FileChange, written: int) -> bool:
    """Stop before replacing or deleting a file that is no longer what the plan was made from.
    True when something is at the path (its mode is then read), False when nothing is."""
    destination = change.destination
    try:
        info: os.stat_result | None = os.lstat(destination)
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode) and change.after is not None:
        # A write goes to a real path (links were resolved when planning): a link there is new.
        # (Deleting an output the person replaced with a link removes the link itself.)
        raise ChangedOnDiskError(f"{change.path}: replaced by a symlink after aiwg read it; "
                                 "stopped before writing it (manifest not updated)")
    now = None if info is None else read_regular(destination, change.path)
    if now != change.before:
        what = "appeared" if change.before is None else (
            "was deleted" if now is None else "changed")
        done = f"{written} file(s) already written" if written else "nothing written"
        raise ChangedOnDiskError(
            f"{change.path}: {what} on disk after aiwg read it; stopped before overwriting it "
            f"({done}, manifest not updated). Run the command again to plan from the new bytes.")
    return info is not None


def _remove_empty_parents(path: Path, stop: Path, batch: Batch | None = None) -> None:
    """Remove folders aiwg emptied (a deleted skill's folder), never the root or above it."""
    batch = batch or Batch()
    folder = path.parent
    while folder != stop and stop in folder.parents:
        try:
            batch.remove_folder(folder)
        except OSError:
            return
        folder = folder.parent


def apply_file(change: FileChange, root: Path, batch: Batch, written: int = 0) -> None:
    """Write or delete one file; a file whose bytes match but whose mode does not is chmodded."""
    if not change.changed:
        return
    exists = _ensure_unchanged(change, written)
    destination = change.destination
    if change.after is None:
        batch.delete(destination)
        _remove_empty_parents(destination, Path(os.path.realpath(root)), batch)
        return
    mode = (mode_for(destination, change.executable) if exists
            else batch.new_file_mode(change.executable))
    if change.after == change.before:
        batch.chmod(destination, mode)
    else:
        batch.write(destination, change.after, mode)


def _store_bases(plan: Plan) -> None:
    """Bases are local state (one SQLite file; its commit is synced), written before the
    manifest that needs them."""
    plan.state.bases().update(plan.bases)


def _collect_garbage(plan: Plan) -> None:
    """Drop base copies no manifest entry refers to any more (after the manifest is written)."""
    entries = plan.manifest_after.entries.values()
    keep = {d for entry in entries for d in entry.digests} | {
        e.accepted for e in entries if e.accepted}
    plan.state.bases().update({}, keep)


def _write_side_files(plan: Plan, batch: Batch) -> None:
    """`.aiwg/.gitignore` and `.gitattributes`, written once (a person may extend them)."""
    for path, data in plan.state.side_files().items():
        if not os.path.lexists(path):
            batch.write(path, data, DEFAULT_MODE)


def _clean_leftovers(plan: Plan) -> None:
    """Temp files of a killed run, next to the files this run writes and in aiwg's state."""
    owned = {(change.destination.parent, change.destination.name)
             for change in plan.files.values()}
    owned.update((path.parent, path.name)
                 for path in (plan.state.manifest_file, *plan.state.side_files(),
                              fingerprint_file(plan.state.path),
                              plan.state.local_dir / PARSE_CACHE_FILE))
    clean_temporaries({folder for folder, _ in owned}, owned)


def apply_plan(plan: Plan, root_of: dict[str, Path], progress: Progress | None = None,
               before_writing: Callable[[], None] | None = None) -> bool:
    """Write every changed file, then the bases, sync them, then the manifest. True if anything
    changed.

    `root_of` maps each changed path to the root it must stay inside (for empty-folder cleanup);
    `progress` is told how many files have been handled so far; `before_writing` runs once
    before the first write, and not at all when the run writes nothing.
    """
    changes = [(path, change) for path, change in plan.files.items() if change.changed]
    new_manifest = plan.manifest_after.to_bytes()
    old_manifest = read_regular(plan.state.manifest_file)
    legacy = plan.state.legacy_manifest_file.exists()
    keep_manifest = not plan.manifest_after.entries and old_manifest is None and not legacy
    manifest_changes = not keep_manifest and (new_manifest != old_manifest or legacy)
    _clean_leftovers(plan)  # a killed run's temp files go even when nothing else changes
    if not changes and not manifest_changes:
        return False
    if before_writing is not None:
        before_writing()
    batch = Batch()
    for written, (path, change) in enumerate(changes):
        apply_file(change, root_of[path], batch, written)
        if progress is not None:
            progress(written + 1)
    if keep_manifest:
        batch.make_durable()
        return bool(changes)
    _store_bases(plan)
    if manifest_changes:
        _write_side_files(plan, batch)
    batch.make_durable()  # the files before the manifest that records them
    if manifest_changes:
        atomic_write(plan.state.manifest_file, new_manifest, DEFAULT_MODE)
        _collect_garbage(plan)
        plan.state.retire_legacy()
    return True
