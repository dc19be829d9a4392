"""What `accept`, `pull` and `resolve` share: finding the outputs a person named, and recording
new manifest entries for them without touching any other file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from aiwg.apply import apply_plan
from aiwg.conflicts import remove_side_file
from aiwg.engine import Context, Run
from aiwg.errors import UsageError
from aiwg.manifest import Entry, payload_digest
from aiwg.plan import Action, Plan
from aiwg.render import Scope


def output_path(context: Context, scope: Scope, argument: str) -> str:
    """A path as the plan names it: relative POSIX in a project, absolute in user scope."""
    given = Path(os.path.expanduser(argument))
    absolute = Path(os.path.abspath(given if given.is_absolute() else Path.cwd() / given))
    if scope == "user":
        return absolute.as_posix()
    root = context.project_root.resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        # A path relative to the project root, given from another folder.
        candidate = Path(os.path.normpath(root / given))
        if not given.is_absolute() and root in candidate.parents:
            return candidate.relative_to(root).as_posix()
        raise UsageError(f"{argument}: not inside the project {root}") from None


def actions_at(context: Context, run: Run, arguments: Sequence[str]) -> list[Action]:
    """The plan's actions for the named paths (every output in a file: blocks, keys); all of
    them when no path is named."""
    if not arguments:
        return list(run.plan.actions)
    chosen: list[Action] = []
    for argument in arguments:
        path = output_path(context, run.scope, argument)
        found = [a for a in run.plan.actions if a.path == path or a.path.startswith(path + "/")]
        if not found:
            raise UsageError(f"{argument}: aiwg renders nothing there (see `aiwg status`)")
        chosen.extend(a for a in found if a not in chosen)
    return chosen


def accepted_entry(action: Action) -> Entry:
    """The manifest entry recording what is on disk as intended, against the current render."""
    assert action.current is not None and action.desired is not None
    digest = payload_digest(action.current)
    rendered = payload_digest(action.desired)
    accepted = None if digest == rendered else rendered
    if action.entry is not None:
        return replace(action.entry, sha256=digest, accepted=accepted)
    assert action.output is not None
    return Entry.for_output(action.output, digest, created_file=False, accepted=accepted)


def record(run: Run, entries: Mapping[str, Entry], blobs: Iterable[bytes]) -> bool:
    """Write the manifest with `entries` replaced, and their base copies; no other file."""
    before = run.plan.manifest_before
    after = replace(before, entries={**before.entries, **entries})
    plan = Plan(run.scope, run.plan.state, [], {}, before, after,
                {payload_digest(blob): blob for blob in blobs})
    changed = apply_plan(plan, {})
    for identity in entries:
        remove_side_file(run.plan.state, identity)
    return changed
