"""`aiwg resolve PATH… [--markers]`: show a conflict three ways, or put the markers in the file.

Without `--markers` the live file is not touched: the three versions (base, library, disk) are
printed and kept in the side file. With `--markers` the file (or the managed block) gets the
diff3 markers, so the person can merge in place; `aiwg accept PATH` (or the next sync, when
the merge carries the library change) then sees it as resolved.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiwg import console
from aiwg.apply import apply_plan, locked
from aiwg.commands.edits import actions_at
from aiwg.conflicts import has_markers, three_way_view, write_side_file
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from aiwg.formats.block import write_block
from aiwg.plan import FileChange, Plan
from aiwg.render import Scope
from aiwg.safety import safe_destination


def run(context: Context, paths: Sequence[str], *, scope: Scope = "project",
        markers: bool = False) -> int:
    with locked(context.state(scope)):
        planned = prepare(context, scope, "sync", [])
        state = planned.plan.state
        conflicts = [a for a in actions_at(context, planned, paths) if a.kind == "conflict"]
        if not conflicts:
            console.line("no conflicts" + (" there" if paths else ""))
            return EXIT_OK
        changes: dict[str, FileChange] = {}
        for action in conflicts:
            assert action.current is not None and action.desired is not None
            view = three_way_view(state, action)
            side = write_side_file(state, action.identity, view)
            if not markers:
                console.line(f"# {action.identity} (also in {side})")
                console.diff(view.decode("utf-8").splitlines(keepends=True))
                continue
            if action.grain not in ("file", "block"):
                raise UsageError(f"{action.path}: markers would break this config file; merge "
                                 f"by hand using {side}, then `aiwg accept {action.path}`")
            if has_markers(action.current):
                continue
            ref = action.output or action.entry
            assert ref is not None
            destination = safe_destination(ref.root, ref.path)
            before = destination.read_bytes()
            after = view if action.grain == "file" else write_block(
                before.decode("utf-8"), ref.block, view.decode("utf-8"),
                ref.comment).encode("utf-8")
            changes[action.path] = FileChange(action.path, destination, before, after)
            console.line(f"markers written into {action.path}; merge by hand, then "
                         f"`aiwg accept {action.path}`")
        if changes:
            plan = planned.plan
            apply_plan(Plan(plan.scope, state, [], changes, plan.manifest_before,
                            plan.manifest_before), {p: planned.roots[p] for p in changes})
    return EXIT_OK if markers else EXIT_DIFFERENCES
