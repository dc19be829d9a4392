import os
import stat
import threading
import time
from pathlib import Path

import pytest

from aiwg.apply import locked
from aiwg.atomic import Batch, atomic_write
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


def test_a_batch_remakes_a_folder_removed_after_it_saw_it(tmp_path: Path) -> None:
    batch = Batch()
    batch.write(tmp_path / "a" / "b" / "one.md", b"1", 0o644)
    (tmp_path / "a" / "b" / "one.md").unlink()
    (tmp_path / "a" / "b").rmdir()
    (tmp_path / "a").rmdir()
    batch.write(tmp_path / "a" / "b" / "two.md", b"2", 0o644)
    assert (tmp_path / "a/b/two.md").read_bytes() == b"2"
    assert [p.name for p in (tmp_path / "a/b").iterdir()] == ["two.md"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_batch_modes_are_exact_under_any_umask(tmp_path: Path, umask: int) -> None:
    """New files get 0644 under the umask; an existing file's mode (umask or not) is kept."""
    old = os.umask(umask)
    try:
        batch = Batch()
        new_mode = batch.new_file_mode(None)
        batch.write(tmp_path / "new.md", b"x", new_mode)
        batch.write(tmp_path / "script.sh", b"x", batch.new_file_mode(True))
        batch.write(tmp_path / "shared.md", b"x", 0o666)  # a mode the umask would strip
    finally:
        os.umask(old)
    assert new_mode == 0o644 & ~umask
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644 & ~umask
    assert stat.S_IMODE((tmp_path / "script.sh").stat().st_mode) == 0o755 & ~umask
    assert stat.S_IMODE((tmp_path / "shared.md").stat().st_mode) == 0o666


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
