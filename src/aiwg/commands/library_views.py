"""`aiwg list`, `aiwg show` and `aiwg validate`: read the library, write nothing."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from aiwg import console
from aiwg.engine import Context
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from aiwg.items import KINDS, LEVELS, Item
from aiwg.validate import validate_library


def item_json(item: Item, *, selected: bool | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id, "kind": item.kind, "name": item.name, "layer": item.layer,
        "source": str(item.source), "description": item.description,
        "severity": item.severity, "version": item.version, "tags": list(item.tags),
        "category": item.category, "scope": item.scope if item.kind == "rule" else None,
        "index_tokens": item.projection("index").tokens,
        "summary_tokens": item.projection("summary").tokens,
        "full_tokens": item.projection("full").tokens,
    }
    if selected is not None:
        data["selected"] = selected
    return data


def run_list(context: Context, *, kind: str | None = None, tag: str | None = None,
             as_json: bool = False) -> int:
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    library = context.library
    try:
        chosen = {item.id for item in context.selection()}
    except Exception:  # a broken library still lists; `validate` explains what is wrong
        chosen = set()
    items = [i for i in library.items.values()
             if (kind is None or i.kind == kind) and (tag is None or tag in i.tags)]
    if as_json:
        console.print_json({"items": [item_json(i, selected=i.id in chosen) for i in items]})
        return EXIT_OK
    table = Table("id", "kind", "layer", "severity", "default", "description", box=None)
    for item in items:
        table.add_row(item.id, item.kind, item.layer, item.severity or "",
                      "yes" if item.id in chosen else "", item.description)
    console.out.print(table)
    return EXIT_OK


def run_show(context: Context, ref: str, *, level: str = "full", as_json: bool = False) -> int:
    if level not in LEVELS:
        raise UsageError(f"--level: expected one of {', '.join(LEVELS)}, got {level!r}")
    item = context.library.find(ref)
    projection = item.projection(level)
    if as_json:
        document = item_json(item)
        document.update({"level": level, "text": projection.text, "tokens": projection.tokens})
        console.print_json(document)
        return EXIT_OK
    console.line(f"{item.id}  ({item.layer}: {item.source})", style="bold")
    console.out.print(projection.text, markup=False, highlight=False)
    return EXIT_OK


def run_validate(context: Context, *, as_json: bool = False) -> int:
    problems = validate_library(context.library, set(context.registry.keys()))
    if as_json:
        console.print_json({"valid": not problems, "items": len(context.library.items),
                            "problems": [{"file": p.file, "line": p.line, "field": p.field,
                                          "message": p.message, "text": str(p)}
                                         for p in problems]})
    else:
        for problem in problems:
            console.err.print(str(problem), markup=False, highlight=False)
        if not problems:
            console.line(f"{len(context.library.items)} items, no problems")
    return EXIT_DIFFERENCES if problems else EXIT_OK
