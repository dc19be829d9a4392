"""Printing a plan: per-platform summaries, unified diffs, stats, status rows, loss report, JSON.

Everything here is a view of the same Plan; none of it reads or writes the disk.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from aiwg.outputs import Loss
from aiwg.plan import Action, FileChange, Plan

SUMMARY_ORDER = ("create", "update", "merge", "unchanged", "accepted", "keep-edited", "conflict",
                 "delete", "forget", "missing", "skip-unmanaged")
SUMMARY_WORDS = {
    "create": "created", "update": "updated", "merge": "merged", "unchanged": "unchanged",
    "accepted": "kept (accepted edit)",
    "keep-edited": "kept (edited)", "conflict": "conflicts", "delete": "deleted",
    "forget": "released (edited)", "missing": "missing", "skip-unmanaged": "skipped (unmanaged)",
}
PLANNED_WORDS = {
    "create": "to create", "update": "to update", "merge": "to merge", "delete": "to delete",
    "forget": "to release",
}
STATUS_WORDS = {
    "unchanged": "up to date", "accepted": "up to date (accepted edit)",
    "create": "not deployed", "update": "outdated",
    "merge": "edited (mergeable)", "keep-edited": "edited", "conflict": "edited (conflict)",
    "missing": "missing", "delete": "orphaned", "forget": "orphaned (edited)",
    "skip-unmanaged": "unmanaged",
}


def warn_untrusted(warnings: Iterable[str]) -> None:
    """Manifest entries outside every root computed now (said once each, never acted on), and
    shared sources deployed without the lock pinning them."""
    from aiwg import console

    for text in warnings:
        console.warn(f"warning: {text}")


def platform_counts(actions: Iterable[Action]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for action in actions:
        for platform in action.platforms or ("-",):
            counts[platform][action.kind] += 1
    return dict(sorted(counts.items()))


def summary_lines(plan: Plan, platforms: Iterable[str], *, dry_run: bool) -> list[str]:
    counts = platform_counts(plan.actions)
    lines = []
    for platform in platforms:
        counter = counts.get(platform, Counter())
        words = {**SUMMARY_WORDS, **(PLANNED_WORDS if dry_run else {})}
        parts = [f"{counter[k]} {words[k]}" for k in SUMMARY_ORDER if counter[k]]
        lines.append(f"{platform}: {', '.join(parts) if parts else 'nothing to do'}")
    return lines


def notable_actions(plan: Plan) -> list[Action]:
    """Actions a person should read about: their edits, conflicts, files aiwg left alone."""
    return [a for a in plan.actions
            if a.kind in ("keep-edited", "conflict", "missing", "skip-unmanaged", "forget",
                          "merge") and a.note]


def _text(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def _unified(before: bytes | None, after: bytes | None, old: str, new: str) -> list[str]:
    a, b = _text(before), _text(after)
    if a is None or b is None:
        return [f"Binary file {new} differs\n"]
    lines = []
    for line in difflib.unified_diff(a, b, old, new):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return lines


def file_diff(change: FileChange) -> list[str]:
    old = "/dev/null" if change.before is None else f"a/{change.path}"
    new = "/dev/null" if change.after is None else f"b/{change.path}"
    return _unified(change.before, change.after, old, new)


def drift_diff(action: Action) -> list[str]:
    """A hand edit aiwg keeps: what the library renders against what is on disk."""
    label = action.identity
    return _unified(action.desired, action.current, f"library/{label}", f"disk/{label}")


def diff_lines(plan: Plan) -> Iterator[str]:
    for change in plan.files.values():
        if change.changed:
            yield from file_diff(change)
    for action in plan.actions:
        if action.kind in ("keep-edited", "conflict", "skip-unmanaged") and action.desired:
            yield f"# {action.kind}: {action.path} ({action.note})\n"
            yield from drift_diff(action)
        elif action.kind == "missing":
            yield f"# missing: {action.path} ({action.note})\n"


def stat_rows(plan: Plan) -> list[tuple[str, int, int, str]]:
    rows = []
    for change in plan.files.values():
        if not change.changed:
            continue
        added = removed = 0
        for line in file_diff(change):
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
        how = "create" if change.before is None else "delete" if change.after is None else "update"
        rows.append((change.path, added, removed, how))
    for action in plan.actions:
        if action.kind in ("keep-edited", "conflict", "missing", "skip-unmanaged"):
            rows.append((action.path, 0, 0, action.kind))
    return rows


def always_loaded_change(run_outputs: Iterable[Any], plan: Plan,
                         platforms: Iterable[str]) -> list[tuple[str, int, int]]:
    """Per platform: always-loaded bytes on disk now and after the plan is applied."""
    rows = []
    outputs = list(run_outputs)
    for platform in platforms:
        paths = sorted({o.path for o in outputs if o.always_loaded and platform in o.platforms})
        before = after = 0
        for path in paths:
            change = plan.files.get(path)
            if change is not None:
                before += len(change.before or b"")
                after += len(change.after or b"")
        rows.append((platform, before, after))
    return rows


def status_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per output (a shared path appears once, naming every platform that reads it)."""
    return [{"path": a.path, "grain": a.grain, "part": _part(a), "platforms": list(a.platforms),
             "state": STATUS_WORDS[a.kind], "action": a.kind, "note": a.note}
            for a in sorted(plan.actions, key=lambda a: (a.path, a.identity))]


def _part(action: Action) -> str:
    ref = action.output or action.entry
    if ref is None or action.grain == "file":
        return ""
    if action.grain == "block":
        return f"block {ref.block}"
    if action.grain == "entry":
        return f"entry {ref.block} in {'.'.join(ref.key_path)}"
    return "key " + ".".join(ref.key_path)


def loss_lines(losses: Iterable[Loss]) -> list[str]:
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for loss in losses:
        grouped[(loss.platform, loss.what, loss.reason)].append(loss.item)
    lines = []
    for (platform, what, reason), items in sorted(grouped.items()):
        lines.append(f"{platform}: {what} {len(items)}: {', '.join(sorted(items))} — {reason}")
    return lines


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "scope": plan.scope,
        "differs": plan.differs,
        "actions": [{"action": a.kind, "path": a.path, "grain": a.grain, "part": _part(a),
                     "platforms": list(a.platforms), "note": a.note} for a in plan.actions],
        "files": [{"path": c.path, "change": ("create" if c.before is None else
                                             "delete" if c.after is None else "update")}
                  for c in plan.files.values() if c.changed],
    }
