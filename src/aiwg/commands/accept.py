"""`aiwg accept PATH…`: take what is on disk as intended, so the output is up to date.

The manifest then records the disk's bytes together with the library render they were accepted
against: `diff --check` is green while the library renders the same, and a later library change
merges three ways into the accepted edit instead of replacing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiwg import console
from aiwg.apply import locked
from aiwg.commands.edits import accepted_entry, actions_at, record
from aiwg.conflicts import has_markers
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_OK, UsageError
from aiwg.manifest import Entry
from aiwg.render import Scope

EDITED = ("keep-edited", "conflict", "merge")
ACCEPTABLE = ("keep-edited", "conflict", "merge", "accepted", "skip-unmanaged", "unchanged")


def run(context: Context, paths: Sequence[str], *, platforms: Sequence[str] = (),
        scope: Scope = "project", dry_run: bool = False) -> int:
    if not paths and not platforms:
        raise UsageError("name the file(s) whose current content you accept (or --platform "
                         "for every edited output of a platform)")
    with locked(context.state(scope)):
        planned = prepare(context, scope, "deploy" if platforms else "sync", platforms)
        entries: dict[str, Entry] = {}
        blobs: list[bytes] = []
        named = actions_at(context, planned, paths)
        if not paths:  # a whole platform: its edits, never files aiwg does not manage
            named = [a for a in named if a.kind in EDITED]
        for action in named:
            where = action.identity
            if action.kind not in ACCEPTABLE or action.desired is None:
                console.line(f"{where}: {action.kind}; nothing to accept", style="dim")
                continue
            if action.current is None:
                raise UsageError(f"{where}: not on disk; nothing to accept")
            if has_markers(action.current):
                raise UsageError(f"{action.path}: conflict markers are still in it; finish the "
                                 "merge (remove every <<<<<<<, |||||||, ======= and >>>>>>> "
                                 "line) and accept again")
            entry = accepted_entry(action)
            if action.entry == entry:
                continue
            entries[action.identity] = entry
            blobs += [action.current, action.desired]
            console.line(f"accepted: {where}")
        if not entries:
            console.line("nothing changed: everything named is already as recorded")
            return EXIT_OK
        if not dry_run:
            record(planned, entries, blobs)
        else:
            console.line("dry run: nothing was written", style="dim")
    return EXIT_OK
