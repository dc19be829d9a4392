import os
import stat
import threading
import time
from pathlib import Path

import pytest

from aiwg.apply import locked
from aiwg.atomic import atomic_write
from aiwg.errors import LockedError
from aiwg.manifest import StateDir


def test_atomic_write_keeps_the_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.sh"
    target.write_text("old")
    target.chmod(0o750)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["x.sh"]  # no temp file left


def test_atomic_write_creates_folders(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a" / "b" / "c.md", b"x", 0o644)
    assert (tmp_path / "a/b/c.md").read_bytes() == b"x"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"old")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_lock_serialises_two_runs(tmp_path: Path) -> None:
    state = StateDir(tmp_path / ".aiwg")
    order: list[str] = []

    def second() -> None:
        with locked(state):
            order.append("second")

    with locked(state):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]


def test_lock_times_out_with_one_line(tmp_path: Path) -> None:
    state = StateDir(tmp_path / ".aiwg")
    with (locked(state), pytest.raises(LockedError, match="another aiwg run holds the lock"),
          locked(state, timeout=0.2)):
        pass
