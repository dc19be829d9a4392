"""Carry out a plan: atomic writes under a lock, the manifest last.

A run killed at any point leaves every file either old or new (each write is a rename), and the
manifest still describes the old state, so the next run sees the new files as already rendered
and converges without touching them again.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from aiwg.errors import LockedError
from aiwg.manifest import StateDir

if TYPE_CHECKING:
    from aiwg.plan import FileChange, Plan

DEFAULT_MODE = 0o644
LOCK_TIMEOUT_SECONDS = 60.0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(destination: Path, executable: bool | None) -> int:
    try:
        mode = destination.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = DEFAULT_MODE & ~_umask()
    if executable:
        mode |= (mode & 0o444) >> 2  # add x wherever r is set
    elif executable is False:
        mode &= ~0o111
    return mode


def atomic_write(destination: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder and a rename, keeping the file's mode."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    final_mode = mode if mode is not None else _mode_for(destination, None)
    fd, temp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.",
                                suffix=".aiwg-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, final_mode)
        os.replace(temp, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _remove_empty_parents(path: Path, stop: Path) -> None:
    """Remove folders aiwg emptied (a deleted skill's folder), never the root or above it."""
    folder = path.parent
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def apply_file(change: FileChange, root: Path) -> None:
    if not change.changed:
        return
    if change.after is None:
        with contextlib.suppress(FileNotFoundError):
            change.destination.unlink()
        _remove_empty_parents(change.destination, root)
        return
    atomic_write(change.destination, change.after,
                 _mode_for(change.destination, change.executable))


@contextlib.contextmanager
def locked(state: StateDir, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise runs on one scope: a second run waits for the first, then sees its result."""
    state.path.mkdir(parents=True, exist_ok=True)
    handle = open(state.lock_file, "a+b")  # noqa: SIM115 - held for the whole block
    try:
        _acquire(handle.fileno(), timeout, state.lock_file)
        yield
    finally:
        handle.close()  # closing releases the lock


def _acquire(fd: int, timeout: float, where: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        deadline = time.monotonic() + timeout
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise LockedError(f"{where}: another aiwg run holds the lock") from None
                time.sleep(0.05)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LockedError(f"{where}: another aiwg run holds the lock; "
                                  f"waited {timeout:.0f}s") from None
            time.sleep(0.05)


def _store_bases(plan: Plan) -> None:
    """Bases are local state (one SQLite file), written before the manifest that needs them."""
    plan.state.bases().update(plan.bases)


def _collect_garbage(plan: Plan) -> None:
    """Drop base copies no manifest entry refers to any more (after the manifest is written)."""
    entries = plan.manifest_after.entries.values()
    keep = {d for entry in entries for d in entry.digests} | {
        e.accepted for e in entries if e.accepted}
    plan.state.bases().update({}, keep)


def _write_side_files(plan: Plan) -> None:
    """`.aiwg/.gitignore` and `.gitattributes`, written once (a person may extend them)."""
    for path, data in plan.state.side_files().items():
        if not os.path.lexists(path):
            atomic_write(path, data, DEFAULT_MODE)


def apply_plan(plan: Plan, root_of: dict[str, Path]) -> bool:
    """Write every changed file, then the bases, then the manifest. True if anything changed.

    `root_of` maps each changed path to the root it must stay inside (for empty-folder cleanup).
    """
    changed = False
    for path, change in plan.files.items():
        if change.changed:
            apply_file(change, root_of[path])
            changed = True
    new_manifest = plan.manifest_after.to_bytes()
    try:
        old_manifest: bytes | None = plan.state.manifest_file.read_bytes()
    except FileNotFoundError:
        old_manifest = None
    legacy = plan.state.legacy_manifest_file.exists()
    if not plan.manifest_after.entries and old_manifest is None and not legacy:
        return changed
    _store_bases(plan)
    if new_manifest != old_manifest or legacy:
        _write_side_files(plan)
        atomic_write(plan.state.manifest_file, new_manifest, DEFAULT_MODE)
        _collect_garbage(plan)
        plan.state.retire_legacy()
        changed = True
    return changed
