"""`aiwg platforms`: the matrix of platforms × kinds, read from adapters/."""

from __future__ import annotations

import sys
from typing import Any

from aiwg import console
from aiwg.adapters import Adapter, ReadSpec, Registry
from aiwg.errors import EXIT_OK
from aiwg.items import KINDS, Kind

KIND_TITLES = {"rule": "Rules", "agent": "Agents", "command": "Commands", "skill": "Skills",
               "mcp": "MCP", "hook": "Hooks"}
# How each kind's facts are known, marked in the tables (the legend is in LEGEND).
CONFIDENCE_MARKS = {"official": "●", "peer": "◐", "observed": "◉"}
LEGEND = ("● from the vendor's docs or source · ◐ from another tool's implementation only · "
          "◉ seen with the real client")


def status_text(adapter: Adapter) -> str:
    """`active`, or the lifecycle with its date and the platform to move to."""
    if adapter.active:
        return "active"
    text = f"{adapter.status} {adapter.status_date}"
    return f"{text} → {adapter.successor}" if adapter.successor else text


def lifecycle_warning(adapter: Adapter) -> str | None:
    """What deploying to a platform that is no longer active should tell the user."""
    if adapter.active:
        return None
    then = f" (since {adapter.status_date})" if adapter.status_date else ""
    move = f"; its successor is `{adapter.successor}`" if adapter.successor else ""
    return f"{adapter.name} is {adapter.status}{then}{move}"


def _filled(adapter: Adapter, path: str) -> str:
    for name, option in adapter.options.items():
        path = path.replace("{" + name + "}", option.default)
    return path


def cell(adapter: Adapter, kind: Kind, scope: str) -> str:
    text = _path_cell(adapter, kind, scope)
    provenance = adapter.provenance(kind)
    return f"{text} {CONFIDENCE_MARKS[provenance.confidence]}" if provenance and text != "—" else text


def mark(adapter: Adapter, kind: Kind, scope: str) -> str:
    """A kind's support at a scope as its confidence mark, for the terminal table."""
    provenance = adapter.provenance(kind)
    if provenance is None or not adapter.supports(kind, scope):
        return "—"
    spec = adapter.kinds[kind]
    symbol = CONFIDENCE_MARKS[provenance.confidence]
    return f"{symbol}*" if spec.emulate else symbol


def _path_cell(adapter: Adapter, kind: Kind, scope: str) -> str:
    spec = adapter.kinds.get(kind)
    if spec is None:
        return "—"
    if spec.emulate:
        target = adapter.kinds[spec.emulate]
        path = adapter.path_template(target, scope)
        return f"as {spec.emulate}: `{_filled(adapter, path)}`" if path else "—"
    template = adapter.path_template(spec, scope)
    if template is None:
        return "—"
    path = _filled(adapter, template)
    if spec.format == "block":
        return f"`{path}` (block)"
    if spec.format == "keys" and spec.mcp is not None:
        return f"`{path}` `{'.'.join(spec.mcp.container)}`"
    return f"`{path}`"


def read_json(read: ReadSpec) -> dict[str, Any]:
    return {"path": read.path, "unless_exists": list(read.unless_exists), "walk": read.walk,
            "note": read.note}


def adapter_json(adapter: Adapter) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {}
    for kind, spec in adapter.kinds.items():
        kinds[kind] = {"format": spec.format, "project": spec.project, "user": spec.user,
                       "emulate": spec.emulate, "budget": spec.budget,
                       "budget_unit": spec.budget_unit if spec.budget else None,
                       "shared": spec.shared}
        if spec.emulate:
            target = adapter.kinds[spec.emulate]
            kinds[kind].update({"project": target.project, "user": target.user})
        provenance = adapter.provenance(kind)
        if provenance is not None:
            kinds[kind].update({"confidence": provenance.confidence,
                                "sources": list(provenance.sources),
                                "verified": provenance.verified})
        kinds[kind]["reads"] = {scope: [read_json(r) for r in adapter.reads(kind, scope)]
                                for scope in ("project", "user")}
    return {"id": adapter.id, "name": adapter.name, "aliases": list(adapter.aliases),
            "status": adapter.status, "successor": adapter.successor,
            "status_date": adapter.status_date, "kinds": kinds,
            "roots": {k: {"default": r.default, "env": r.env} for k, r in adapter.roots.items()},
            "detect": list(adapter.detect), "sources": list(adapter.sources),
            "verified": adapter.verified, "notes": list(adapter.notes)}


def markdown_table(registry: Registry) -> str:
    """The README's platform table; a test keeps the README equal to this."""
    active = sum(1 for a in registry.adapters if a.active)
    header = ("| Platform | id | status | " + " | ".join(KIND_TITLES[k] for k in KINDS)
              + " | verified |")
    rule = "|" + "---|" * (len(KINDS) + 4)
    rows = [f"{active} active platforms of {len(registry.adapters)}. {LEGEND}.", "", header, rule]
    for adapter in registry.adapters:
        cells = [cell(adapter, kind, "project") for kind in KINDS]
        rows.append(f"| {adapter.name} | `{adapter.id}` | {status_text(adapter)} | "
                    + " | ".join(cells) + f" | {adapter.verified} |")
    rows += ["", "How `$ARGUMENTS` in a command or skill body is written for each platform, and "
             "the ignore file the config's `ignore` list goes to:", "",
             "| Platform | commands | skills | ignore |", "|---|---|---|---|"]
    for adapter in registry.adapters:
        rows.append(f"| {adapter.name} | {_placeholder(adapter, 'command')} | "
                    f"{_placeholder(adapter, 'skill')} | {_ignore_cell(adapter)} |")
    return "\n".join(rows) + "\n"


def _placeholder(adapter: Adapter, kind: Kind) -> str:
    spec = adapter.kinds.get(kind)
    if spec is not None and spec.emulate:
        spec = adapter.kinds[spec.emulate]
    if spec is None:
        return "—"
    return f"`{spec.arguments}`" if spec.arguments else "kept as written"


def _ignore_cell(adapter: Adapter) -> str:
    spec = adapter.ignore
    if spec is None or spec.project is None:
        return "—"
    if spec.format == "entries":
        return f"`{spec.project}` `{'.'.join(spec.container)}` as `{spec.template}`"
    return f"`{spec.project}` (block)"


def run(registry: Registry, *, as_json: bool = False, markdown: bool = False,
        scope: str = "project") -> int:
    if as_json:
        console.print_json({"platforms": [adapter_json(a) for a in registry.adapters]})
        return EXIT_OK
    if markdown:
        console.out.print(markdown_table(registry), end="", markup=False)
        return EXIT_OK
    # One plain line per platform: the id (what you type) comes first and is never cut; a mark
    # per kind in fixed-width columns; the name last, where a narrow terminal may wrap it.
    width = max(len(a.id) for a in registry.adapters)
    status_width = max(len(status_text(a)) for a in registry.adapters)
    piped = not sys.stdout.isatty()

    def emit(cells: list[str]) -> None:
        # Piped output is TSV, written as is (a console would expand the tabs).
        if piped:
            sys.stdout.write("\t".join(cells) + "\n")
        else:
            console.line(" ".join([f"{cells[0]:<{width}}", f"{cells[1]:<{status_width}}",
                                   *(f"{c:<3}" for c in cells[2:-1]), cells[-1]]))

    emit(["id", "status", *(KIND_TITLES[k][:3] for k in KINDS), "platform"])
    for adapter in registry.adapters:
        emit([adapter.id, status_text(adapter), *(mark(adapter, k, scope) for k in KINDS),
              adapter.name])
    legend = (f"{LEGEND}; * written as another kind (a command as a skill). Paths and "
              "dates: aiwg platforms --markdown or --json.")
    if piped:
        sys.stdout.write(f"# {legend}\n")
    else:
        console.line(legend, style="dim")
    return EXIT_OK
