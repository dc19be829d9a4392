"""What a client loads besides aiwg's own bytes: the person's text in the files aiwg shares.

A platform's size limit covers the whole file it loads, so the text a person keeps around aiwg's
managed block counts against it. Rendering is pure, so the caller reads those files here first
and hands their text to `render` through `Target.hosts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aiwg.config import Config
from aiwg.errors import UnsafePathError
from aiwg.safety import safe_destination


def read_hosts(places: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The current text of each (path, root) that exists and is UTF-8 text.

    Files that cannot be read are left out: the plan reads them again and reports why.
    """
    texts: dict[str, str] = {}
    for path, root in places:
        try:
            file = safe_destination(root, path)
            # Only regular files: reading a named pipe would wait forever (the plan refuses it).
            if file.is_file():
                texts[path] = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError, UnsafePathError):
            continue
    return texts


def pinned_names(config: Config) -> frozenset[str]:
    """Items named exactly (no wildcard) in `[select] names`: the person asked for them by name,
    so they stay in the always-loaded text however small the budget."""
    return frozenset(name for name in config.selection.names
                     if not any(ch in name for ch in "*?["))


def candidates(path: str, project_root: Path) -> list[Path]:
    """Where a condition file counts: a relative path in the project root or any folder above
    it, as platforms look for CLAUDE.md there too."""
    if Path(path).is_absolute():
        return [Path(path)]
    return [folder / path for folder in (project_root, *project_root.parents)]


def present(paths: Iterable[str], project_root: Path) -> frozenset[str]:
    """Which condition paths exist (see `candidates`)."""
    return frozenset(path for path in paths
                     if any(c.exists() for c in candidates(path, project_root)))
