"""Which folder is the project: light enough for the start-up path (no engine, no adapters)."""

from __future__ import annotations

from pathlib import Path

PROJECT_MARKERS = ("aiwg.toml", ".aiwg", ".git")


def find_project_root(start: Path, home: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds aiwg.toml, .aiwg or .git; else `start`.

    The search stops below the home folder: a dotfiles repository in ~ must not turn every
    folder under it into one project that aiwg writes into.
    """
    start = start.resolve()
    home = (home or Path.home()).resolve()
    for folder in (start, *start.parents):
        if folder == home and start != home:
            break
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return start
