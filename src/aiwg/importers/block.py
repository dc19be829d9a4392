"""A person's edit of a managed block (AGENTS.md, GEMINI.md …) mapped back onto its items.

The block is many items' sections in a row. Each changed region of the edit must fall inside one
item's section (written in full); that section is then read back into the item's body. An edit
that touches the block's header, spans two sections, or changes a section written only as a
summary or index line cannot be mapped back, and is refused with the reason.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import replace

from aiwg.errors import UsageError
from aiwg.formats.aggregate import _scope_line, render_item
from aiwg.items import Item

_FENCE = re.compile(r"^\s*(```|~~~)")
_DEEP_HEADING = re.compile(r"^###(#{1,4})(\s)")
_SHALLOW_HEADING = re.compile(r"^#{1,3}\s")
_FIRST_H1 = re.compile(r"\A\s*#\s+(.+?)\s*\n")


def _spans(desired: str, items: Sequence[Item]) -> list[tuple[int, int, Item]]:
    """(first line, end line, item) of every item written in full in the block."""
    lines_before = [0]
    for line in desired.splitlines(keepends=True):
        lines_before.append(lines_before[-1] + len(line))
    spans = []
    for item in items:
        section = render_item(item, "full", None)
        start = desired.find("\n" + section)
        if start < 0:
            continue
        first = lines_before.index(start + 1) if start + 1 in lines_before else None
        if first is None:
            continue
        spans.append((first, first + section.count("\n"), item))
    return sorted(spans, key=lambda s: s[0])


def _position(opcodes: Sequence[tuple[str, int, int, int, int]], line: int) -> int:
    """Where line `line` of the rendered block is in the edited one (a section boundary)."""
    for tag, i1, i2, j1, _ in opcodes:
        if line == i1:
            return j1
        if tag == "equal" and i1 < line < i2:
            return j1 + line - i1
    return opcodes[-1][4] if opcodes else 0


def _body_from_section(item: Item, section: str) -> str:
    """The item body a section of the block was rendered from (the reverse of render_item)."""
    first, _, rest = section.partition("\n")
    severity = f" ({item.severity})" if item.severity else ""
    if not first.startswith("### ") or not first.endswith(severity):
        raise UsageError(f"{item.id}: its heading line must stay '### <title>{severity}'")
    title = first[4:len(first) - len(severity)].strip()
    scope = "\n" + _scope_line(item)
    if not rest.startswith(scope):
        raise UsageError(f"{item.id}: its scope line is written from the library; change "
                         "`globs`/`always` there")
    text = rest[len(scope):]
    lines, fenced = [], False
    for line in text.strip("\n").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            if _SHALLOW_HEADING.match(line):
                raise UsageError(f"{item.id}: a heading above level 4 would start a new section")
            line = _DEEP_HEADING.sub(lambda m: "#" * len(m.group(1)) + m.group(2), line)
        lines.append(line)
    content = "\n".join(lines)
    had_title = _FIRST_H1.match(item.body) is not None
    if had_title or title != item.name:
        return f"# {title}\n\n{content}\n"
    return content + "\n"


def pull_block(desired: str, current: str, items: Sequence[Item]) -> dict[str, Item]:
    """The items an edited block changes, with their new bodies; refuses what cannot map."""
    spans = _spans(desired, items)
    rendered, edited = desired.splitlines(keepends=True), current.splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(None, rendered, edited, autojunk=False).get_opcodes()
    touched: dict[str, tuple[int, int, Item]] = {}
    for tag, i1, i2, _, _ in opcodes:
        if tag == "equal":
            continue
        owner = next((s for s in spans if s[0] <= i1 and i2 <= s[1] and (i1 < s[1] or i1 == i2)
                      and not (i1 == i2 == s[0])), None)
        if owner is None:
            raise UsageError("the edit is outside every item written in full in the block (its "
                             "header, a summary or index line, or across two items); edit the "
                             "library items instead")
        touched[owner[2].id] = owner
    pulled: dict[str, Item] = {}
    for first, end, item in touched.values():
        section = "".join(edited[_position(opcodes, first):_position(opcodes, end)])
        body = _body_from_section(item, section)
        new = replace(item, body=body)
        if render_item(new, "full", None) != section:
            raise UsageError(f"{item.id}: the edited section cannot be written back exactly")
        pulled[item.id] = new
    return pulled
