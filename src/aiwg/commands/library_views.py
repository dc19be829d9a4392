"""`aiwg list`, `aiwg show` and `aiwg validate`: read the library, write nothing."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiwg import console
from aiwg.engine import Context
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, InputError, UsageError
from aiwg.items import KIND_DIRS, KINDS, LEVELS, Item, Kind
from aiwg.select import Verdict, judge
from aiwg.validate import validate_library

# Below this many columns a description is not worth a place on the id's line.
MIN_DESCRIPTION = 20
INDENT = "    "


def item_json(item: Item, *, verdict: Verdict | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id, "kind": item.kind, "name": item.name, "layer": item.layer,
        "source": str(item.source), "description": item.description,
        "severity": item.severity, "version": item.version, "tags": list(item.tags),
        "category": item.category, "scope": item.scope if item.kind == "rule" else None,
        "index_tokens": item.projection("index").tokens,
        "summary_tokens": item.projection("summary").tokens,
        "full_tokens": item.projection("full").tokens,
    }
    if verdict is not None:
        data["selected"] = verdict.selected
        data["why"] = verdict.reason
    return data


def parse_kind(value: str) -> Kind:
    """A kind from `--kind` ("rule" or "rules"); anything else fails with the closest kind."""
    spellings: dict[str, Kind] = {**{kind: kind for kind in KINDS},
                                  **{folder: kind for kind, folder in KIND_DIRS.items()}}
    if value in spellings:
        return spellings[value]
    close = difflib.get_close_matches(value.lower(), list(spellings), n=1, cutoff=0.6)
    hint = f"did you mean {spellings[close[0]]!r}? " if close else ""
    raise UsageError(f"--kind: unknown kind {value!r}; {hint}expected one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Row:
    """One item of `aiwg list`: its id whole, why it is in or out, and its description."""

    id: str
    layer: str
    why: str
    description: str


def run_list(context: Context, *, kind: str | None = None, tag: str | None = None,
             as_json: bool = False) -> int:
    wanted = parse_kind(kind) if kind is not None else None
    library = context.library
    try:
        verdicts: Mapping[str, Verdict] = judge(library, context.config.selection)
    except InputError as error:  # a broken selection still lists; the line says what is wrong
        console.warn(f"aiwg: {error}")
        verdicts = {}
    from aiwg.report import warn_untrusted

    warn_untrusted(context.source_warnings)
    items = [i for i in library.items.values()
             if (wanted is None or i.kind == wanted) and (tag is None or tag in i.tags)]
    if as_json:
        console.print_json({"items": [item_json(i, verdict=verdicts.get(i.id)) for i in items]})
        return EXIT_OK
    # Whitespace folded to single spaces: a tab or newline in a description must not break
    # a TSV row or a column.
    rows = [Row(i.id, i.layer, str(verdicts[i.id]) if i.id in verdicts else "?",
                " ".join(i.description.split())) for i in items]
    if not console.out.is_terminal:
        # Piped: plain TSV, tabs and all, for cut/awk; rich would expand the tabs.
        sys.stdout.write("".join(f"{text}\n" for text in list_lines(rows, None)))
        return EXIT_OK
    for text in list_lines(rows, console.out.width):
        console.line(text)
    return EXIT_OK


def list_lines(rows: Sequence[Row], width: int | None) -> list[str]:
    """The lines of `aiwg list`: TSV when `width` is None (piped), else columns fitted to it.

    An id is never shortened: when id, reason and a useful part of the description do not fit
    on one line, the description (and the reason, if need be) moves to a second, indented line,
    and only the description is cut to fit.
    """
    if width is None:
        return ["id\tlayer\tselected\twhy\tdescription", *(f"{r.id}\t{r.layer}\t{r.why.partition(':')[0]}\t"
                          f"{r.why.partition(': ')[2]}\t{r.description}" for r in rows)]
    rows = [Row("id", "layer", "why", "description"), *rows]
    id_width = max(len(r.id) for r in rows)
    why_width = max(len(r.why) for r in rows)
    room = width - id_width - why_width - 4
    if room >= MIN_DESCRIPTION:
        return [f"{r.id:<{id_width}}  {r.why:<{why_width}}  {_cut(r.description, room)}"
                .rstrip() for r in rows]
    lines: list[str] = []
    for row in rows:
        first = f"{row.id:<{id_width}}  {row.why}".rstrip()
        if len(first) <= width:
            lines += [first, INDENT + _cut(row.description, width - len(INDENT))]
        else:
            second = f"{row.why} — {row.description}"
            lines += [row.id, INDENT + _cut(second, width - len(INDENT))]
    return lines


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


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
