"""Where aiwg may write: inside the root it was given, never through a symlink that leaves it,
never from a name with `..` in it."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from aiwg.errors import UnsafePathError


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def safe_destination(root: str | Path, path: str) -> Path:
    """The real path to write `path` (relative to `root`, or absolute inside it) at.

    Symlinks are followed only while they stay inside the root, so a link the user made inside
    the project (CLAUDE.md -> AGENTS.md) is written through, and one that leaves it is refused.
    """
    posix = PurePosixPath(path)
    if ".." in posix.parts:
        raise UnsafePathError(f"{path}: refusing a path with '..' in it")
    root_path = Path(root)
    target = Path(posix) if posix.is_absolute() else root_path / posix
    if not _inside(Path(os.path.normpath(target)), Path(os.path.normpath(root_path))):
        raise UnsafePathError(f"{path}: refusing to write outside {root_path}")
    real_root = Path(os.path.realpath(root_path))
    real_target = Path(os.path.realpath(target))
    if not _inside(real_target, real_root):
        raise UnsafePathError(
            f"{path}: refusing to write through a symlink that leads outside {root_path} "
            f"(to {real_target})")
    if real_target.is_dir():
        raise UnsafePathError(f"{path}: a folder is in the way of a file aiwg writes")
    # A file where a folder must be is found now, while planning, not half-way through the
    # writes of a run.
    for parent in real_target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UnsafePathError(f"{path}: {parent} is a file where aiwg needs a folder")
            break
    return real_target
