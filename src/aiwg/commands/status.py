"""`aiwg status`: per platform and file, up to date / edited / missing / orphaned / unmanaged."""

from __future__ import annotations

from collections.abc import Sequence

from aiwg import console, report
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_OK
from aiwg.render import Scope


def run(context: Context, platforms: Sequence[str], *, scope: Scope = "project",
        as_json: bool = False) -> int:
    planned = prepare(context, scope, "deploy" if platforms else "sync", platforms)
    report.warn_untrusted(planned.warnings)
    rows = report.status_rows(planned.plan)
    if as_json:
        console.print_json({"scope": scope, "platforms": planned.platforms, "outputs": rows})
        return EXIT_OK
    # One plain line per output: paths are never cut short, and the output greps well.
    width = max((len(row["state"]) for row in rows), default=0)
    for row in rows:
        part = f"  ({row['part']})" if row["part"] else ""
        style = None if row["state"] == "up to date" else "yellow"
        console.line(f"{row['state']:<{width}}  {row['path']}{part}  "
                     f"[{', '.join(row['platforms'])}]", style=style)
    return EXIT_OK
