"""One run at a time per scope: an exclusive lock on `<state>/lock`, held for plan and apply;
the same lock keeps two runs from fetching into one source cache at once."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from aiwg.atomic import refuse_kind
from aiwg.errors import LockedError, UnsafePathError
from aiwg.manifest import StateDir

LOCK_TIMEOUT_SECONDS = 60.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


@contextlib.contextmanager
def locked(state: StateDir, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise runs on one scope: a second run waits for the first, then sees its result."""
    state.path.mkdir(parents=True, exist_ok=True)
    with locked_file(state.lock_file, timeout):
        yield


@contextlib.contextmanager
def locked_file(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if need be; its folder must exist)."""
    fd = _open_lock(path)
    try:
        _acquire(fd, timeout, path)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock(path: Path) -> int:
    """Open (or create) the lock file itself: never through a symlink, never a pipe or device."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePathError(f"{path}: a symlink; aiwg takes its lock only in a regular "
                                  "file inside its own folder") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise refuse_kind(path, info.st_mode)
    return fd


def _acquire(fd: int, timeout: float, where: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if _try_lock(fd):
            return
        if time.monotonic() > deadline:
            raise LockedError(f"{where}: another aiwg run holds the lock; "
                              f"waited {timeout:.0f}s")
        time.sleep(0.05)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
