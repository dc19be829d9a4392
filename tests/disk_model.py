"""A stand-in for the `os` module inside `aiwg.atomic`: counts every write, can kill the run at any
one of them, and models what a power loss drops (whatever was not yet made durable).

Syncs are only recorded (the real disk is not flushed), which keeps the tests fast.

Durability model (ext4-like, per path): a change to a path survives a power loss only once
  - its bytes reached the disk (the file, or the temp file it was renamed from, was fsynced), and
  - its folder entry did (the parent folder was fsynced after the change),
or a `syncfs` ran after it. At a power loss, every path whose last change is not durable is
independently kept or put back to its last durable state (a new folder vanishes with its files).
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Killed(KeyboardInterrupt):
    """The process died here; nothing after this point runs (not even cleanup)."""


@dataclass
class Pending:
    durable: tuple[Any, ...]  # ("file", bytes, mode) | ("dir",) | ("absent",)
    data_ok: bool = False
    entry_ok: bool = False


def _state(path: str) -> tuple[Any, ...]:
    if os.path.islink(path) or os.path.isfile(path):
        with open(path, "rb") as handle:
            return ("file", handle.read(), os.stat(path).st_mode & 0o7777)
    if os.path.isdir(path):
        return ("dir",)
    return ("absent",)


class Disk:
    WRITES = ("replace", "unlink", "mkdir", "rmdir", "chmod", "create")

    def __init__(self, die_at: int | None = None) -> None:
        self.die_at = die_at
        self.dead = False
        self.points: list[str] = []
        self.pending: dict[str, Pending] = {}
        self._fd_paths: dict[int, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    # --- write points ------------------------------------------------------------------------

    def _point(self, what: str) -> None:
        if self.dead:
            raise Killed
        if self.die_at is not None and len(self.points) == self.die_at:
            self.dead = True
            raise Killed
        self.points.append(what)

    def _touch(self, path: str, *, data_ok: bool = False) -> Pending:
        path = os.path.abspath(path)
        pending = self.pending.get(path)
        if pending is None:
            pending = self.pending[path] = Pending(_state(path))
        pending.data_ok = data_ok
        pending.entry_ok = False
        return pending

    def open(self, path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if flags & os.O_CREAT and not os.path.exists(path):
            self._point(f"create {path}")
            self._touch(os.fspath(path))
        fd = os.open(path, flags, mode, **kwargs)
        self._fd_paths[fd] = os.path.abspath(os.fspath(path))
        return fd

    def close(self, fd: int) -> None:
        self._fd_paths.pop(fd, None)
        os.close(fd)

    def write(self, fd: int, data: Any) -> int:
        if self.dead:
            raise Killed
        path = self._fd_paths.get(fd)
        if path in self.pending:
            self.pending[path].data_ok = False
        return os.write(fd, data)

    def replace(self, source: Any, destination: Any) -> None:
        self._point(f"replace {destination}")
        source, destination = os.fspath(source), os.fspath(destination)
        synced = self.pending.get(os.path.abspath(source), Pending(("absent",), True)).data_ok
        self._touch(source, data_ok=True)
        self._touch(destination, data_ok=synced)
        os.replace(source, destination)

    def unlink(self, path: Any) -> None:
        self._point(f"unlink {path}")
        self._touch(os.fspath(path), data_ok=True)
        os.unlink(path)

    def mkdir(self, path: Any, mode: int = 0o777) -> None:
        self._point(f"mkdir {path}")
        self._touch(os.fspath(path), data_ok=True)
        os.mkdir(path, mode)

    def rmdir(self, path: Any) -> None:
        self._point(f"rmdir {path}")
        self._touch(os.fspath(path), data_ok=True)
        os.rmdir(path)

    def chmod(self, path: Any, mode: int) -> None:
        self._point(f"chmod {path}")
        self._touch(os.fspath(path), data_ok=False).entry_ok = True
        os.chmod(path, mode)

    def fchmod(self, fd: int, mode: int) -> None:
        if self.dead:
            raise Killed
        os.fchmod(fd, mode)

    # --- durability --------------------------------------------------------------------------

    def fsync(self, fd: int) -> None:
        if self.dead:
            raise Killed
        path = self._fd_paths.get(fd)
        if path is None:
            return
        if path in self.pending:
            self.pending[path].data_ok = True
        for child, pending in self.pending.items():
            if os.path.dirname(child) == path:
                pending.entry_ok = True
        self._forget_durable()

    def syncfs(self, fd: int) -> int:
        if self.dead:
            raise Killed
        for pending in self.pending.values():
            pending.data_ok = pending.entry_ok = True
        self._forget_durable()
        return 0

    def _forget_durable(self) -> None:
        self.pending = {p: s for p, s in self.pending.items() if not (s.data_ok and s.entry_ok)}

    def power_loss(self, rng: random.Random) -> list[str]:
        """Put each path whose change is not durable back to its durable state, or keep it."""
        dropped = sorted(p for p in self.pending if rng.random() < 0.5)
        for path in sorted(dropped, key=len):  # folders deleted by the run come back first
            if self.pending[path].durable == ("dir",) and not os.path.isdir(path):
                os.makedirs(path, exist_ok=True)
        for path in dropped:
            durable = self.pending[path].durable
            if durable[0] == "file":
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                Path(path).write_bytes(durable[1])
                os.chmod(path, durable[2])
            elif durable == ("absent",) and os.path.isfile(path):
                os.unlink(path)
        for path in sorted(dropped, key=len, reverse=True):  # new folders vanish, with files
            if self.pending[path].durable == ("absent",) and os.path.isdir(path):
                shutil.rmtree(path)
        self.pending.clear()
        return dropped
