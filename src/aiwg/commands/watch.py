"""`aiwg watch`: sync again whenever the library or the config changes.

Library folders are watched with watchfiles (debounced, so an editor's burst of writes is one
run); the config files are compared by their stat between events, because editors replace them
by rename and a file watch would lose them. A failing run (a broken item mid-edit) prints its
one-line error and the watch goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from aiwg import console
from aiwg.engine import Context
from aiwg.errors import EXIT_OK, AiwgError
from aiwg.render import Scope

CONFIG_FILES = ("aiwg.toml", "pyproject.toml")
DEBOUNCE_MS = 300
POLL_MS = 500

Stamp = tuple[tuple[str, int, int], ...]


def _config_stamp(root: Path) -> Stamp:
    stamps = []
    for name in CONFIG_FILES:
        try:
            info = (root / name).stat()
        except OSError:
            continue
        stamps.append((name, info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def watched_folders(context: Context) -> list[Path]:
    """The library layers a run reads, plus the project library folder even before it exists
    (its parent is watched then, so creating it is seen)."""
    try:
        folders = [layer.path for layer in context.library.layers]
    except AiwgError:  # a broken config: watch what a fixed one would most likely read
        folders = []
    default = context.project_root / ".aiwg" / "library"
    folders.append(default if default.is_dir() else context.project_root / ".aiwg")
    return sorted({f for f in folders if f.is_dir()} or {context.project_root})


def watch_loop(make_context: Callable[[], Context], run_once: Callable[[Context], int],
               stop: threading.Event, *, debounce_ms: int = DEBOUNCE_MS) -> None:
    """Run, wait for a change, run again, until `stop` is set."""
    import watchfiles

    while not stop.is_set():
        context = make_context()
        folders = watched_folders(context)
        stamp = _config_stamp(context.project_root)
        changes = watchfiles.watch(*folders, debounce=debounce_ms, stop_event=stop,
                                   yield_on_timeout=True, rust_timeout=POLL_MS,
                                   raise_interrupt=False)
        # The first step registers the watcher (it returns on the first event or the poll
        # timeout), so an edit saved while the run below is busy is still seen afterwards.
        next(changes, None)
        try:
            run_once(context)
        except AiwgError as error:
            console.error(str(error), error.exit_code)
        console.line(f"watching {len(folders)} folder(s) and the config; Ctrl-C stops",
                     style="dim")
        ours = context.project_root / ".aiwg"
        for batch in changes:
            # aiwg's own state sits beside the project library; its writes are not changes.
            relevant = [path for _, path in batch
                        if not Path(path).is_relative_to(ours)
                        or Path(path).is_relative_to(ours / "library")]
            if relevant or _config_stamp(context.project_root) != stamp:
                break


def run(make_context: Callable[[], Context], *, scope: Scope = "project") -> int:
    from aiwg.commands import deploy

    def sync(context: Context) -> int:
        # Nobody is there to answer a prompt between runs: orphans aiwg owns (never edited
        # ones) are deleted, exactly as `aiwg sync --yes` would.
        return deploy.run(context, "sync", [], scope=scope, yes=True)

    stop = threading.Event()
    try:
        watch_loop(make_context, sync, stop)
    except KeyboardInterrupt:
        stop.set()
    return EXIT_OK
