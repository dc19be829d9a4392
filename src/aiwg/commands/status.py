"""`aiwg status`: a summary per platform, then the outputs that are not up to date.

Up-to-date outputs are counted, not listed (`--all` lists them too), so a clean 2,000-item
project prints a few lines. Exit 1 when something needs the person (a conflict).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aiwg import console, progress, report
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK
from aiwg.render import Scope

IN_STEP = ("up to date", "up to date (accepted edit)")


def run(context: Context, platforms: Sequence[str], *, scope: Scope = "project",
        as_json: bool = False, show_all: bool = False) -> int:
    with progress.for_run(as_json=as_json).phase("planning"):
        planned = prepare(context, scope, "deploy" if platforms else "sync", platforms)
    report.warn_untrusted(planned.warnings)
    rows = report.status_rows(planned.plan)
    exit_code = EXIT_DIFFERENCES if planned.plan.conflicts else EXIT_OK
    if as_json:
        console.print_json({"scope": scope, "platforms": planned.platforms, "outputs": rows,
                            "conflicts": len(planned.plan.conflicts)})
        return exit_code
    per_platform: dict[str, Counter[str]] = {p: Counter() for p in planned.platforms}
    for row in rows:
        for platform in row["platforms"]:
            per_platform.setdefault(platform, Counter())[row["state"]] += 1
    for platform, counts in sorted(per_platform.items()):
        parts = [f"{n} {state}" for state, n in sorted(counts.items(),
                                                         key=lambda kv: (kv[0] not in IN_STEP, kv[0]))]
        console.line(f"{platform}: {', '.join(parts) if parts else 'nothing deployed'}")
    listed = rows if show_all else [row for row in rows if row["state"] not in IN_STEP]
    # One plain line per output: paths are never cut short, and the output greps well.
    width = max((len(row["state"]) for row in listed), default=0)
    for row in listed:
        part = f"  ({row['part']})" if row["part"] else ""
        style = None if row["state"] in IN_STEP else "yellow"
        console.line(f"{row['state']:<{width}}  {row['path']}{part}  "
                     f"[{', '.join(row['platforms'])}]", style=style)
    hidden = len(rows) - len(listed)
    if hidden and not show_all:
        console.line(f"{hidden} output(s) up to date (--all lists them)", style="dim")
    if planned.plan.conflicts:
        console.line(f"{len(planned.plan.conflicts)} conflict(s): see README, "
                     "'When you and the library both changed a file'", style="red")
    return exit_code
