"""`aiwg deploy`, `aiwg sync` and `aiwg remove`: plan, show, and apply."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from aiwg import console, fingerprint, progress, report
from aiwg.apply import apply_plan, locked
from aiwg.commands.platforms import lifecycle_warning
from aiwg.conflicts import record_conflicts
from aiwg.engine import Context, Mode, Run, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from aiwg.plan import Flags
from aiwg.render import Scope
from aiwg.select import judge, left_out, left_out_line


def _confirm(run: Run, yes: bool) -> bool:
    """Ask before deleting files or overwriting hand edits, when someone is there to ask."""
    risky = [a for a in run.plan.actions if a.kind == "delete" or "--force" in a.note]
    if not risky or yes or not sys.stdin.isatty():
        return True
    for action in risky:
        console.line(f"  {action.kind}: {action.path} {action.note}")
    answer = input(f"{len(risky)} file(s) above will be deleted or overwritten. Go on? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _lifecycle_warnings(context: Context, platforms: Sequence[str]) -> list[str]:
    """Deploying to a platform that reached its end (or is going there) names its successor."""
    adapters = (context.registry.find(name) for name in platforms)
    return [w for w in (lifecycle_warning(a) for a in adapters if a) if w]


def _warn_lifecycle(context: Context, platforms: Sequence[str]) -> None:
    for warning in _lifecycle_warnings(context, platforms):
        console.warn(warning)


def run(context: Context, mode: Mode, platforms: Sequence[str], *, all_platforms: bool = False,
        scope: Scope = "project", dry_run: bool = False, force: bool = False,
        adopt: bool = False, yes: bool = False, as_json: bool = False,
        explain: bool = False) -> int:
    context = context.for_scope(scope)
    # Read the config first: a mistake in it fails before the lock file is made.
    selection = context.config.selection
    if all_platforms:
        if platforms:
            raise UsageError("give either --platform or --all, not both")
        platforms = [a.id for a in context.registry.adapters if a.has_scope(scope)]
    for name in platforms:
        context.registry.get(name)  # an unknown --platform fails before the lock file is made
    flags = Flags(force=force, adopt=adopt)
    applied = False
    if mode == "sync" and not (dry_run or force or adopt or as_json or explain
                               or console.settings.verbose):
        unchanged = fingerprint.answer(context, scope)  # nothing changed since an in-sync run
        if unchanged is not None:
            for text, style in unchanged:
                console.line(text, style=style)
            return EXIT_OK
    bar = progress.for_run(as_json=as_json)
    if dry_run:
        with bar.phase("planning"):
            planned = prepare(context, scope, mode, platforms, flags)
        report.warn_untrusted(planned.warnings)
    else:
        # Plan under the lock, so a concurrent run's writes are seen before deciding anything.
        with locked(context.state(scope)):
            with bar.phase("planning"):
                # Inputs stat'ed before planning: one changed during the run is seen as a change.
                inputs = fingerprint.watched_inputs(context) if scope == "project" else []
                planned = prepare(context, scope, mode, platforms, flags)
            report.warn_untrusted(planned.warnings)
            if not _confirm(planned, yes):
                console.error("nothing written")
                return EXIT_DIFFERENCES
            known = fingerprint.known_before(context, scope)  # before apply removes it
            changed = sum(1 for change in planned.plan.files.values() if change.changed)
            with bar.phase("writing", total=changed) as advance:
                applied = apply_plan(planned.plan, planned.roots, progress=advance,
                                     before_writing=lambda: fingerprint.before_writing(context,
                                                                                       scope))
            # A run that wrote records a fingerprint; so does a no-op that found none that holds
            # (aiwg upgraded, a library edit that changes no output), or every later no-op would
            # take the full path. Its only write is that file in aiwg's local state; a no-op
            # with a fingerprint that holds writes nothing at all.
            recording = (mode != "remove" and not _lifecycle_warnings(context, planned.platforms)
                         and (applied or fingerprint.answer(context, scope) is None))
            if recording:
                unselected = left_out_line(judge(context.library, selection))
                fingerprint.remember(context, planned, inputs, [unselected] if unselected else [],
                                     known)
            if applied or recording:
                context.parse_cache.save()  # the next run parses only what changed
            for side in record_conflicts(planned.plan):
                shown = side.relative_to(context.project_root) if side.is_relative_to(
                    context.project_root) else side
                console.warn(f"conflict: the three versions are in {shown}")
    if mode != "remove":
        _warn_lifecycle(context, planned.platforms)
    plan = planned.plan
    exit_code = EXIT_DIFFERENCES if plan.conflicts else EXIT_OK
    # Say what the filters left out, so an item that is not deployed is never a mystery.
    verdicts = judge(context.library, selection) if mode != "remove" else {}
    if as_json:
        document = report.plan_json(plan)
        document.update({"command": mode, "dry_run": dry_run, "applied": applied,
                         "platforms": planned.platforms,
                         "losses": [loss.__dict__ for loss in planned.rendered.losses],
                         "left_out": left_out(verdicts)})
        if context.sources is not None:
            from aiwg.sources.review import sources_json

            document["sources"] = sources_json(context.sources, context.library)
        console.print_json(document)
        return exit_code
    for action in report.notable_actions(plan):
        console.warn(f"{action.kind}: {action.path} — {action.note}")
    for action in plan.actions:
        console.detail(f"{action.kind}: {action.path} [{', '.join(action.platforms)}]")
    idle = 0
    for text in report.summary_lines(plan, planned.platforms, dry_run=dry_run):
        # With --all, platforms this run did nothing for are counted rather than listed.
        if all_platforms and text.endswith(": nothing to do"):
            idle += 1
        else:
            console.line(text)
    if idle:
        console.line(f"{idle} other platform(s): nothing to do", style="dim")
    if mode == "remove" and all_platforms and context.config.platforms and not dry_run:
        console.line(f"aiwg.toml still lists {', '.join(context.config.platforms)}: `aiwg sync` "
                     "would deploy them again; empty `platforms` there (or delete aiwg.toml) "
                     "to stop", style="yellow")
    unselected = left_out_line(verdicts)
    if unselected:
        console.line(unselected, style="dim")
    if dry_run:
        console.line("dry run: nothing was written", style="dim")
    if explain:
        losses = report.loss_lines(loss for loss in planned.rendered.losses
                                   if loss.platform in planned.platforms)
        console.line("what these platforms will not see, or see emulated or reduced:"
                     if losses else "no losses: every selected item reaches every platform")
        for text in losses:
            console.line(f"  {text}")
    return exit_code
