"""`aiwg diff`: the plan as unified diffs; `--check` exits 1 when anything differs."""

from __future__ import annotations

from collections.abc import Sequence

from aiwg import console, fingerprint, progress, report
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK
from aiwg.launch import NO_DIFFERENCES
from aiwg.render import Scope


def run(context: Context, platforms: Sequence[str], *, scope: Scope = "project",
        stat: bool = False, check: bool = False, as_json: bool = False,
        sarif: bool = False) -> int:
    if (not (platforms or stat or as_json or sarif or console.settings.verbose)
            and fingerprint.answer(context, scope) is not None):
        console.line(NO_DIFFERENCES, style="dim")  # nothing changed since an in-sync run
        return EXIT_OK
    with progress.for_run(as_json=as_json or sarif).phase("planning"):
        planned = prepare(context, scope, "deploy" if platforms else "sync", platforms)
    report.warn_untrusted(planned.warnings)
    plan = planned.plan
    exit_code = EXIT_DIFFERENCES if check and plan.differs else EXIT_OK
    if sarif:
        from aiwg.sarif import sarif_log

        console.print_json(sarif_log(plan))
        return exit_code
    if as_json:
        document = report.plan_json(plan)
        document["diff"] = "".join(report.diff_lines(plan))
        console.print_json(document)
        return exit_code
    if stat:
        for path, added, removed, how in report.stat_rows(plan):
            console.line(f"{path:60} {how:16} +{added} -{removed}")
        for platform, before, after in report.always_loaded_change(
                planned.rendered.outputs, plan, planned.platforms):
            console.line(f"{platform}: always-loaded context {before:,} B -> {after:,} B "
                         f"({after - before:+,} B)")
    else:
        console.diff(list(report.diff_lines(plan)))
    if not plan.differs:
        console.line(NO_DIFFERENCES, style="dim")
    return exit_code
