"""One always-loaded Markdown section for many items (AGENTS.md, GEMINI.md, workspace files).

Every token in such a file is paid on every request, and platforms cap its size. Each item is
placed at the richest projection the budget allows, filled by severity: critical and high in
full first, then summaries (description + every check), then one index line. The full text of
every item not in full is written elsewhere on disk, so every item stays reachable.

When even one index line per item does not fit, the index lines go to an index file on disk and
the section keeps what must be there (critical items and those pinned by name) plus one line
that points to the index. Only pinned items that cannot fit make the fit fail.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from aiwg.errors import InputError
from aiwg.items import SEVERITY_RANK, Item, Level

HEADER = (
    "## Project rules\n\n"
    "<!-- Written by aiwg from its library. Edit the library and run `aiwg sync`; "
    "text outside this block is yours. -->\n"
)
_INDEX_HEADING = "\n### More rules, read on demand\n\n"
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})(\s)")
_FIRST_H1 = re.compile(r"\A\s*#\s+(.+?)\s*\n")

# Where an item ends up: in the section in full, as a summary or as an index line, or only as a
# line of the index file the section points to.
Placement = Literal["full", "summary", "index", "listed"]
PLACEMENTS: tuple[Placement, ...] = ("full", "summary", "index", "listed")
# Severities whose items are given their full text before any other item gets a summary.
_FULL_FIRST = ("critical", "high")


def _shift_headings(body: str, by: int) -> str:
    """Nest an item's headings under the section's own, leaving code blocks alone."""
    lines, fenced = [], False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + by) + m.group(2), line)
        lines.append(line)
    return "\n".join(lines)


def _title(item: Item) -> tuple[str, str]:
    """The item's title and its body without the title line."""
    match = _FIRST_H1.match(item.body)
    if match:
        return match.group(1), item.body[match.end():]
    return item.name, item.body


def _scope_line(item: Item) -> str:
    if item.scope == "glob":
        globs = ", ".join(f"`{g}`" for g in item.globs)
        return f"_Applies when working on files matching {globs}._\n\n"
    if item.scope == "request":
        return "_Apply when the task calls for it._\n\n"
    return ""


def index_line(item: Item) -> str:
    """One line: name, severity, description, related items. The path to the full text is said
    once for all index lines (see `_where_line`), not repeated on every line."""
    severity = f" ({item.severity})" if item.severity else ""
    see_also = f" See also: {', '.join(item.enhances)}." if item.enhances else ""
    return f"- **{item.name}**{severity}: {item.description}{see_also}\n"


def render_item(item: Item, level: Level, details: str | None) -> str:
    """One item's section at the given projection, ending in a newline."""
    if level == "index":
        return index_line(item)
    title, rest = _title(item)
    severity = f" ({item.severity})" if item.severity else ""
    head = f"### {title}{severity}\n\n{_scope_line(item)}"
    if level == "summary":
        where = f"\nFull text: `{details}`.\n" if details else ""
        return f"{head}{item.summary_text()}\n{where}"
    return f"{head}{_shift_headings(rest.strip(chr(10)), 2)}\n"


def related_order(items: Sequence[Item]) -> list[Item]:
    """Items in name order, each followed by the items it `enhances`, so related text sits together."""
    by_ref = {ref: item for item in items for ref in (item.name, item.id)}
    placed: dict[str, Item] = {}

    def place(item: Item) -> None:
        if item.id in placed:
            return
        placed[item.id] = item
        for ref in item.enhances:
            related = by_ref.get(ref)
            if related is not None:
                place(related)

    for item in sorted(items, key=lambda i: (i.kind, i.name)):
        place(item)
    return list(placed.values())


def measure(text: str, unit: str) -> int:
    """Size in the unit a platform's limit is stated in."""
    if unit == "chars":
        return len(text)
    if unit == "lines":
        return text.count("\n")
    return len(text.encode("utf-8"))


@dataclass(frozen=True)
class Fitted:
    text: str
    levels: Mapping[str, Placement]  # item id -> where the item is
    size: int
    index: str | None = None  # the index file's text, when index lines did not fit


class OverBudget(InputError):
    """What must be in an always-loaded file does not fit the budget (said with how much)."""


def _where_line(items: Sequence[Item], details: Callable[[Item], str]) -> str:
    """'Full texts are in `DIR/<name>.md`.', once per folder the given items' texts are in."""
    folders = sorted({posixpath.dirname(details(item)) for item in items})
    where = " and ".join(f"`{posixpath.join(folder, '<name>.md')}`" for folder in folders)
    return f"Full texts are in {where}.\n" if folders else ""


def _pointer(count: int, index_path: str, where: str) -> str:
    return (f"{count} more rules are listed one per line in `{index_path}`: read it when a task "
            f"may touch them. {where}")


def index_document(items: Sequence[Item], details: Callable[[Item], str]) -> str:
    """The index file: one line per item that the always-loaded section leaves out."""
    return ("# Rules index\n\n"
            "<!-- Written by aiwg from its library; edit the library and run `aiwg sync`. -->\n\n"
            f"{_where_line(items, details)}\n" + "".join(index_line(i) for i in items))


def _compose(items: Sequence[Item], levels: Mapping[str, Placement],
             details: Callable[[Item], str], index_path: str | None) -> str:
    parts = [HEADER]
    for item in items:
        level = levels[item.id]
        if level == "full" or level == "summary":
            parts.append("\n" + render_item(item, level, details(item)))
    indexed = [i for i in items if levels[i.id] == "index"]
    if indexed:
        parts.append(_INDEX_HEADING + _where_line(indexed, details) + "\n")
        parts.extend(index_line(i) for i in indexed)
    listed = [i for i in items if levels[i.id] == "listed"]
    if listed:
        assert index_path is not None
        parts.append(_INDEX_HEADING + _pointer(len(listed), index_path,
                                               _where_line(listed, details)))
    return "".join(parts)


class _Fill:
    """The search: item sizes are additive, so each candidate placement is priced once and the
    fill is a few greedy passes in priority order."""

    def __init__(self, items: Sequence[Item], budget: int, unit: str,
                 details: Callable[[Item], str]) -> None:
        self.budget = budget
        self.sizes: dict[tuple[str, Placement], int] = {}
        for item in items:
            where = details(item)
            self.sizes[(item.id, "full")] = measure("\n" + render_item(item, "full", where), unit)
            self.sizes[(item.id, "summary")] = measure("\n" + render_item(item, "summary", where),
                                                       unit)
            self.sizes[(item.id, "index")] = measure(index_line(item), unit)
            self.sizes[(item.id, "listed")] = 0
        self.levels: dict[str, Placement] = {}
        self.total = 0

    def start(self, levels: Mapping[str, Placement], fixed: int) -> bool:
        self.levels = dict(levels)
        self.total = fixed + sum(self.sizes[(key, level)] for key, level in levels.items())
        return self.total <= self.budget

    def upgrade(self, item: Item, level: Placement) -> None:
        delta = self.sizes[(item.id, level)] - self.sizes[(item.id, self.levels[item.id])]
        if self.total + delta <= self.budget:
            self.levels[item.id] = level
            self.total += delta


def _priority(pinned: Collection[str]) -> Callable[[Item], tuple[int, int, str]]:
    # Pinned first, then by severity, then by id so that ties are broken the same way each run.
    def key(item: Item) -> tuple[int, int, str]:
        return (0 if item.id in pinned else 1,
                SEVERITY_RANK.get(item.severity or "", len(SEVERITY_RANK)), item.id)
    return key


def fit_section(items: Sequence[Item], budget: int | None, unit: str,
                details: Callable[[Item], str], *, label: str, index_path: str | None = None,
                pinned: Collection[str] = (), overhead: int = 0) -> Fitted:
    """Choose each item's placement so the section plus `overhead` fits `budget` (None: no limit).

    Floors first: every item reachable by an index line, with critical and pinned items at least
    as summaries; when that does not fit and `index_path` is given, the index lines move to the
    index file and only pinned items keep a floor. Then, in priority order, critical, high and
    pinned items are raised to full, every other item to a summary, and the rest to full, each
    only where it still fits.
    """
    levels: dict[str, Placement] = {item.id: "full" for item in items}
    if budget is None or not items:
        return _result(items, levels, details, index_path, unit)
    must = {i.id for i in items if i.id in pinned or i.severity == "critical"}
    fixed = overhead + measure(HEADER + _INDEX_HEADING, unit)
    fill = _Fill(items, budget, unit, details)
    inline = fixed + measure(_where_line(items, details) + "\n", unit)
    floors: list[tuple[int, dict[str, Placement]]] = [
        (inline, {i.id: "summary" if i.id in must else "index" for i in items})]
    if index_path is not None:
        pointer = fixed + measure(_pointer(len(items), index_path, _where_line(items, details)),
                                  unit)
        floors.append((pointer, {i.id: "summary" if i.id in pinned else "listed" for i in items}))
    else:
        floors.append((inline, {i.id: "summary" if i.id in pinned else "index" for i in items}))
    fits = any(fill.start(start, cost) for cost, start in floors)
    if not fits:
        need = fill.total
        if index_path is None:
            what = f"even as one index line per item the rules take {need} {unit}"
        elif pinned:
            what = (f"the items pinned by name ({', '.join(sorted(pinned))}) take {need} {unit} "
                    "as summaries, with the line that points to the index")
        else:
            what = f"even the line that points to the index takes {need} {unit}"
        raise OverBudget(
            f"{label}: {what}, over the budget of {budget} by {need - budget}; "
            "deselect or unpin items (aiwg.toml [select]) or raise [budgets] up to the "
            "platform's own limit")
    order = sorted(items, key=_priority(pinned))
    for item in order:
        if item.id in pinned or item.severity in _FULL_FIRST:
            fill.upgrade(item, "full")
    for item in order:
        if fill.levels[item.id] in ("index", "listed"):
            fill.upgrade(item, "summary")
    for item in order:
        if fill.levels[item.id] == "summary":
            fill.upgrade(item, "full")
    return _result(items, fill.levels, details, index_path, unit)


def _result(items: Sequence[Item], levels: Mapping[str, Placement],
            details: Callable[[Item], str], index_path: str | None, unit: str) -> Fitted:
    text = _compose(items, levels, details, index_path)
    listed = [i for i in items if levels[i.id] == "listed"]
    index = index_document(listed, details) if listed else None
    return Fitted(text, levels, measure(text, unit), index)
