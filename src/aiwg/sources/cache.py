"""Where fetched source trees live: the platformdirs user cache (or `AIWG_CACHE_DIR`).

    <cache>/sources/git/<hash of url>/repo.git          a bare, shallow, partial repository
    <cache>/sources/git/<hash of url>/trees/<commit>-<hash of path>/   one exported tree

A tree is written whole into a temporary folder and renamed into place, so a killed fetch never
leaves a tree that looks complete; once there it is never rewritten (the lock's hash says
whether it is still what was fetched). Every name is checked before anything is written: no
`..`, no absolute path, no symlink whose target leaves the tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from aiwg.errors import UnsafePathError

CACHE_VARIABLE = "AIWG_CACHE_DIR"


def cache_root(env: Mapping[str, str]) -> Path:
    """The cache folder: `AIWG_CACHE_DIR` when set, else the platform's user cache for aiwg."""
    configured = env.get(CACHE_VARIABLE)
    base = Path(configured).expanduser() if configured else platformdirs.user_cache_path("aiwg")
    return base / "sources"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class GitCache:
    """The cache folders of one repository URL."""

    folder: Path

    @classmethod
    def of(cls, env: Mapping[str, str], url: str) -> GitCache:
        return cls(cache_root(env) / "git" / _short_hash(url))

    @property
    def repo(self) -> Path:
        return self.folder / "repo.git"

    @property
    def lock_file(self) -> Path:
        return self.folder / "lock"

    def tree(self, commit: str, path: str | None) -> Path:
        return self.folder / "trees" / f"{commit}-{_short_hash(path or '')}"


@dataclass(frozen=True)
class Entry:
    """One file of a tree to write: its POSIX path, and its bytes (a symlink's are its target)."""

    path: str
    data: bytes
    executable: bool = False
    symlink: bool = False


def check_entry(entry: Entry, source: str) -> None:
    """Refuse a name with `..` or an absolute one, and a symlink that leaves the tree."""
    parts = entry.path.split("/")
    if (not entry.path or entry.path.startswith("/") or "\\" in entry.path or "\0" in entry.path
            or any(part in ("", ".", "..", ".git") for part in parts)):
        raise UnsafePathError(f"source {source!r}: refused the file name {entry.path!r} (an "
                              "empty, '.', '..', '.git' or absolute part); aiwg takes nothing "
                              "from this source")
    if entry.symlink:
        target = entry.data.decode("utf-8", "replace")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), target))
        if target.startswith("/") or "\\" in target or joined == ".." or joined.startswith("../"):
            raise UnsafePathError(f"source {source!r}: {entry.path} is a symlink to {target}, "
                                  "which leaves the source's tree; aiwg takes nothing from a "
                                  "source whose links point outside it")


def write_tree(destination: Path, entries: Iterable[Entry], source: str) -> Path:
    """Write `entries` as the tree at `destination` (atomically: temp folder, then rename).

    When another run put the tree there first, its tree is kept: both came from one commit.
    """
    checked = list(entries)
    for entry in checked:
        check_entry(entry, source)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".incoming-", dir=destination.parent))
    try:
        for entry in sorted(checked, key=lambda e: e.path):
            target = temporary.joinpath(*entry.path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.symlink:
                os.symlink(entry.data.decode(), target)
                continue
            target.write_bytes(entry.data)
            os.chmod(target, 0o755 if entry.executable else 0o644)
        _check_links_resolve_inside(temporary, [e for e in checked if e.symlink], source)
        try:
            os.rename(temporary, destination)
        except OSError:
            if not destination.is_dir():
                raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return destination


def _check_links_resolve_inside(tree: Path, links: Iterable[Entry], source: str) -> None:
    """Each link, followed on disk, must end inside the tree. `check_entry` reads a link's text
    alone, but `..` after another link goes up from where that link points (`a/up/..` with `up`
    pointing at the top is above it), so only the written tree can tell."""
    top = os.path.realpath(tree)
    for entry in links:
        real = os.path.realpath(tree.joinpath(*entry.path.split("/")))
        if real != top and not real.startswith(top + os.sep):
            target = entry.data.decode("utf-8", "replace")
            raise UnsafePathError(f"source {source!r}: {entry.path} is a symlink to {target}, "
                                  "which leaves the source's tree through another link; aiwg "
                                  "takes nothing from a source whose links point outside it")


@contextlib.contextmanager
def locked(cache: GitCache) -> Iterator[None]:
    """One fetch into a repository's cache at a time (two projects may share it)."""
    from aiwg.lock import locked_file

    cache.folder.mkdir(parents=True, exist_ok=True)
    with locked_file(cache.lock_file):
        yield
