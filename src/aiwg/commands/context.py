"""`aiwg context`: per platform, what is paid on every request and what is loaded on demand.

Sizes are of whole files as the client loads them, the person's own text included: "before" is
what is on disk now, "after" what the planned deploy leaves there (the same once deployed).
A file over its platform's limit is flagged with what the client will cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from aiwg import console
from aiwg.engine import Context, Run, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK
from aiwg.formats.aggregate import PLACEMENTS, OverBudget, measure
from aiwg.items import estimate_tokens
from aiwg.outputs import BlockBudget, Output
from aiwg.render import Scope


def _read(path: str, root: Path) -> bytes | None:
    file = Path(path) if Path(path).is_absolute() else root / path
    try:
        return file.read_bytes()
    except OSError:
        return None


def _size(data: bytes | None, unit: str = "bytes") -> tuple[int, int]:
    text = (data or b"").decode("utf-8", errors="replace")
    return (len(data or b"") if unit == "bytes" else measure(text, unit)), estimate_tokens(text)


_SECTION = re.compile(r"^(?:### (.+?)(?: \((?:critical|high|medium|low)\))?|- \*\*(.+?)\*\*.*)$",
                      re.M)


def _cut(data: bytes, limit: int, unit: str) -> dict[str, Any]:
    """What a client that stops reading at `limit` loses: the size, and the sections in it."""
    text = data.decode("utf-8", errors="replace")
    keep = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore") if unit == "bytes" \
        else text[:limit]
    lost = text[len(keep):]
    names = [m.group(1) or m.group(2) for m in _SECTION.finditer(lost)]
    return {"over_by": measure(text, unit) - limit, "sections": names}


def _file_report(output: Output, run: Run, root: Path,
                 budgets: Mapping[str, BlockBudget]) -> dict[str, Any]:
    change = run.plan.files.get(output.path)
    before = _read(output.path, root) if change is None else change.before
    after = before if change is None else change.after
    budget = budgets.get(output.path)
    unit = budget.unit if budget else "bytes"
    size, tokens = _size(after)
    report: dict[str, Any] = {"path": output.path, "bytes": size, "tokens": tokens,
                              "before": {"bytes": _size(before)[0], "tokens": _size(before)[1]}}
    if budget is not None:
        loaded = _size(after, unit)[0]
        report["budget"] = {"unit": unit, "limit": budget.limit, "target": budget.target,
                            "block": budget.budget, "around_block": budget.around,
                            "loaded": loaded}
        for key, data in (("cut_now", before), ("cut", after)):
            if budget.limit is not None and data is not None and \
                    _size(data, unit)[0] > budget.limit:
                report[key] = _cut(data, budget.limit, unit)
    return report


def platform_report(run: Run, platform: str, root: Path) -> dict[str, Any]:
    outputs = [o for o in run.rendered.outputs if platform in o.platforms]
    # What the client loads on every request, whoever it was written for (Copilot reads
    # .claude/rules and AGENTS.md too).
    loads = [o for o in run.rendered.outputs
             if platform in run.rendered.loaded_by.get(o.identity, ())]
    always = sorted({o.path: o for o in (*outputs, *loads) if o.always_loaded}.values(),
                    key=lambda o: o.path)
    budgets = {b.path: b for b in run.rendered.budgets.get(platform, [])}
    files = [_file_report(output, run, root, budgets) for output in always]
    on_demand = [o for o in outputs if not o.always_loaded and o.grain == "file"]
    levels = run.rendered.projections.get(platform, {})
    return {
        "platform": platform,
        "always_loaded": {"bytes": sum(f["bytes"] for f in files),
                          "tokens": sum(f["tokens"] for f in files),
                          "before": {"bytes": sum(f["before"]["bytes"] for f in files),
                                     "tokens": sum(f["before"]["tokens"] for f in files)},
                          "files": files},
        "projections": {p: sum(1 for v in levels.values() if v == p) for p in PLACEMENTS},
        "on_demand": {"files": len(on_demand),
                      "bytes": sum(len(o.payload()) for o in on_demand),
                      "index_files": sorted(o.path for o in on_demand
                                            if o.path.endswith(".index.md"))},
        "reduced": {item: level for item, level in sorted(levels.items()) if level != "full"},
        "over_limit": [f["path"] for f in files if "cut" in f or "cut_now" in f],
        # Items this client would load from more than one file (none of aiwg's rules: the
        # deploy is planned so; what remains is forced by other platforms or the person's files).
        "duplicates": [{"item": d.item, "paths": list(d.paths)}
                       for d in run.rendered.duplicates if d.platform == platform],
    }


def run(context: Context, platforms: Sequence[str], *, scope: Scope = "project",
        as_json: bool = False) -> int:
    try:
        planned = prepare(context, scope, "deploy" if platforms else "sync", platforms)
    except OverBudget as error:
        # Nothing can be planned: say why in the report's own terms instead of failing.
        if as_json:
            console.print_json({"scope": scope, "platforms": [], "over_budget": str(error)})
        else:
            console.line(f"over budget: {error}", style="red")
        return EXIT_DIFFERENCES
    reports = [platform_report(planned, p, context.project_root) for p in planned.platforms]
    over = any(r["over_limit"] for r in reports)
    if as_json:
        console.print_json({"scope": scope, "platforms": reports})
        return EXIT_DIFFERENCES if over else EXIT_OK
    table = Table("platform", "tokens", "bytes", "budget", "full/summary/index/listed",
                  "on demand", "twice", box=None)
    for report in reports:
        always = report["always_loaded"]
        before, after = always["before"]["tokens"], always["tokens"]
        tokens = f"{before:,} → {after:,}" if before != after else f"{after:,}"
        counts = "/".join(str(report["projections"][p]) for p in PLACEMENTS)
        table.add_row(report["platform"], tokens, f"{always['bytes']:,} B",
                      _budget_cell(always["files"]), counts,
                      f"{report['on_demand']['files']} files, {report['on_demand']['bytes']:,} B",
                      str(len(report["duplicates"])),
                      style="red" if report["over_limit"] else None)
    console.out.print(table)
    for report in reports:
        for file in report["always_loaded"]["files"]:
            for line in _cut_lines(report["platform"], file):
                console.line(line, style="red")
    return EXIT_DIFFERENCES if over else EXIT_OK


def _cut_lines(platform: str, file: Mapping[str, Any]) -> list[str]:
    """What the client cuts from a file over its limit: now, and after the planned deploy."""
    lines = []
    budget = file.get("budget", {})
    for key, when in (("cut_now", " now"), ("cut", "")):
        cut = file.get(key)
        if cut is None or (key == "cut_now" and file.get("cut") == cut):
            continue
        lost = ", ".join(cut["sections"][:8]) or "the end of the file"
        more = f" and {len(cut['sections']) - 8} more" if len(cut["sections"]) > 8 else ""
        fixed = "; after a sync it fits" if key == "cut_now" and "cut" not in file else ""
        lines.append(f"{platform}: {file['path']} is{when} {cut['over_by']:,} {budget['unit']} "
                     f"over the limit of {budget['limit']:,}; the client cuts {lost}{more}{fixed}")
    return lines


def _budget_cell(files: Sequence[Mapping[str, Any]]) -> str:
    cells = []
    for file in files:
        budget = file.get("budget")
        if budget is None:
            continue
        limit = f" of {budget['limit']:,}" if budget["limit"] is not None else ""
        cells.append(f"{budget['loaded']:,}{limit} {budget['unit']}")
    return "; ".join(cells) or "—"
