"""Instruction files a person wrote (CLAUDE.md, AGENTS.md, copilot-instructions.md …): each
second-level section becomes a rule; aiwg's own managed blocks are left out (they came from the
library already)."""

from __future__ import annotations

import re

from aiwg.errors import InputError
from aiwg.formats.block import BlockError, find_block
from aiwg.importers.model import Imported
from aiwg.importers.native import description_from

_BLOCK = re.compile(r"^[ \t]*<!-- aiwg:begin (\S+) -->", re.M)
_FENCE = re.compile(r"^\s*(```|~~~)")
_IMPORT_LINE = re.compile(r"^@\S+\s*$")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def outside_blocks(text: str) -> str:
    """The person's part of the file: every aiwg block (markers included) taken out."""
    for block_id in _BLOCK.findall(text):
        span = find_block(text, block_id)
        if span is not None:
            text = text[:span.start] + text[span.end:]
    return text


def _split(text: str) -> list[tuple[str | None, list[str]]]:
    """(heading, lines) for the preamble and each `## ` section, code fences respected."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            sections.append((line[3:].strip(), []))
            continue
        sections[-1][1].append(line)
    return sections


def rules_from_sections(text: str, origin: str, stem: str) -> list[Imported]:
    """One rule per `## ` section of the person's text (the preamble too, when it says more
    than a title); `@file` import lines stay behind, said in a note."""
    rules: list[Imported] = []
    notes: list[str] = []
    try:
        person = outside_blocks(text.replace("\r\n", "\n"))
    except BlockError as error:
        raise InputError(f"{origin}: {error}; fix or remove the markers") from None
    for heading, lines in _split(person):
        kept = [line for line in lines if not _IMPORT_LINE.match(line.strip())]
        if len(kept) != len(lines):
            notes.append(f"{origin}: `@file` import lines are not rules; left in place")
        if heading is None and kept and kept[0].startswith("# "):
            title, kept = kept[0][2:].strip(), kept[1:]
        else:
            title = heading or ""
        content = "\n".join(kept).strip("\n")
        if not content.strip():
            continue
        name = slug(heading) if heading else slug(stem)
        body = f"# {title}\n\n{content}\n" if title else content + "\n"
        rules.append(Imported("rule", name, {"name": name,
                                             "description": description_from(content)},
                              body, origin, notes=[]))
    seen: dict[str, int] = {}
    for rule in rules:
        count = seen.get(rule.name, 0)
        seen[rule.name] = count + 1
        if count:
            rule.name = f"{rule.name}-{count + 1}"
            rule.meta["name"] = rule.name
    if rules and notes:
        rules[0].notes.extend(dict.fromkeys(notes))
    return rules
