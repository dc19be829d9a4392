"""Where aiwg may write: inside the root it was given, never through a symlink that leaves it,
never from a name with `..` in it."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aiwg.errors import UnsafePathError

# What pathlib's exists()/is_dir() take as "nothing there"; any other error is raised.
_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _mode(path: str, *, follow: bool = True) -> int | None:
    """The file's mode, or None when nothing is there (as pathlib sees it)."""
    try:
        return (os.stat if follow else os.lstat)(path).st_mode
    except OSError as error:
        if error.errno in _ABSENT:
            return None
        raise


def _is_link(path: str) -> bool:
    """What os.path.realpath sees: a symlink, or not (any error counts as not)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _inside(path: str, root: str) -> bool:
    """`path` is `root` or below it (both normalised, no trailing separator but for `/`)."""
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


@dataclass(frozen=True)
class Destination:
    """Where one output is written, and what was there when it was resolved."""

    path: Path  # the real path
    through_link: bool  # the output's own name is a symlink (inside the root)
    mode: int | None  # st_mode of what is at `path`, None when nothing is


class Destinations:
    """`safe_destination` for the many paths of one plan.

    A plan writes thousands of files into a few dozen folders; resolving every path component
    by component (an lstat per component) and probing every parent again per file was most of
    planning. Here each folder is resolved, and its nearest existing ancestor checked, once.
    The answers are those of a fresh resolution at the time the folder was first asked about;
    one instance lives for one plan only (apply re-checks each file before replacing it).
    """

    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._folder_problem: dict[str, str | None] = {}
        self._normal_roots: dict[str, str] = {}
        self._shown_roots: dict[str, str] = {}

    def real(self, path: str) -> str:
        """os.path.realpath of a folder, resolved once, from its parent's resolution: realpath
        resolves left to right, so the parent's real path and then the name give the same."""
        real = self._real.get(path)
        if real is None:
            parent, name = os.path.split(path)
            if name in ("", ".", "..") or not parent or parent == path:
                real = os.path.realpath(path)
            else:
                joined = os.path.join(self.real(parent), name)
                real = os.path.realpath(joined) if _is_link(joined) else joined
            self._real[path] = real
        return real

    def resolve(self, root: str | Path, path: str) -> Path:
        """The real path to write `path` (relative to `root`, or absolute inside it) at.

        Symlinks are followed only while they stay inside the root, so a link the user made
        inside the project (CLAUDE.md -> AGENTS.md) is written through, and one that leaves it
        is refused.
        """
        return self.lookup(root, path).path

    def lookup(self, root: str | Path, path: str) -> Destination:
        """`resolve`, with whether the name is a link and what is there (one lstat for a plain
        file, so the caller need not look again)."""
        root_text = os.fspath(root)
        target = self._target(root_text, path)
        if not _inside(os.path.normpath(target), self._normal(root_text)):
            raise UnsafePathError(f"{path}: refusing to write outside {Path(root_text)}")
        real_root = self.real(root_text)
        real_target, through_link, mode = self._real_file(target)
        if not _inside(real_target, real_root):
            raise UnsafePathError(
                f"{path}: refusing to write through a symlink that leads outside "
                f"{Path(root_text)} (to {real_target})")
        if mode is not None and stat.S_ISDIR(mode):
            raise UnsafePathError(f"{path}: a folder is in the way of a file aiwg writes")
        # A file where a folder must be is found now, while planning, not half-way through the
        # writes of a run.
        problem = self._folder_check(os.path.dirname(real_target))
        if problem is not None:
            raise UnsafePathError(f"{path}: {problem} is a file where aiwg needs a folder")
        return Destination(Path(real_target), through_link, mode)

    def _normal(self, root: str) -> str:
        normal = self._normal_roots.get(root)
        if normal is None:
            normal = self._normal_roots[root] = os.path.normpath(root)
        return normal

    def _target(self, root: str, path: str) -> str:
        """`path` joined to `root` as pathlib joins it; a plain relative path (the common case)
        without building Path objects. A path with `..` in it is refused."""
        parts = path.split("/")
        if ".." in parts:
            raise UnsafePathError(f"{path}: refusing a path with '..' in it")
        shown = self._shown_roots.get(root)
        if shown is None:
            shown = self._shown_roots[root] = str(Path(root))
        if path and parts[0] and "" not in parts and "." not in parts and not shown.endswith("/"):
            return f"{shown}/{path}"
        posix = PurePosixPath(path)
        return os.fspath(Path(posix) if posix.is_absolute() else Path(root) / posix)

    def _real_file(self, target: str) -> tuple[str, bool, int | None]:
        """realpath(target), whether its own name is a link, and the mode of what is there."""
        folder, name = os.path.split(target)
        if name in ("", ".", "..") or not folder:
            real = os.path.realpath(target)
            return real, _is_link(target), _mode(real)
        joined = os.path.join(self.real(folder), name)
        try:
            mode: int | None = os.lstat(joined).st_mode
        except OSError:
            mode = None  # realpath takes any error as "not a link"; the stat below decides
        if mode is not None and stat.S_ISLNK(mode):
            real = os.path.realpath(joined)
            return real, True, _mode(real)
        return joined, False, mode if mode is not None else _mode(joined)

    def _folder_check(self, folder: str) -> str | None:
        """The first existing folder at or above `folder` (a real path): None when it is a
        folder, else its path (a file is in the way)."""
        if folder in self._folder_problem:
            return self._folder_problem[folder]
        mode = _mode(folder)
        if mode is not None:
            problem = None if stat.S_ISDIR(mode) else folder
        else:
            parent = os.path.dirname(folder)
            problem = None if parent == folder else self._folder_check(parent)
        self._folder_problem[folder] = problem
        return problem


def safe_destination(root: str | Path, path: str) -> Path:
    """The real path to write one `path` at (see `Destinations.resolve`)."""
    return Destinations().resolve(root, path)
