"""Fenced code in Markdown, found line by line the way CommonMark finds it.

A fence opens on a line of at least three backticks or tildes (indented by at most three
spaces; a backtick fence's info string has no backtick) and closes on a line of the same
character, at least as long, with nothing after it but spaces. Text inside a fence is code:
a managed-block marker written there is an example, not a marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OPENER = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CLOSER = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t\r]*$")


@dataclass(frozen=True)
class Fence:
    """An open fence: its character, length and the 0-based index of its opening line."""

    char: str
    length: int
    line: int


def opens_fence(line: str) -> Fence | None:
    match = _OPENER.match(line)
    if match is None:
        return None
    run = match.group(1)
    if run[0] == "`" and "`" in match.group(2):
        return None  # inline code such as ```a``` is not a fence
    return Fence(run[0], len(run), -1)


def closes_fence(line: str, fence: Fence) -> bool:
    match = _CLOSER.match(line)
    return bool(match and match.group(1)[0] == fence.char and len(match.group(1)) >= fence.length)


@dataclass(frozen=True)
class ScannedLine:
    index: int  # 0-based line number
    text: str  # the line without its newline
    fence: Fence | None  # the fence this line is inside (its opening and closing lines included)


def scan_lines(lines: list[str], start: int = 0) -> Iterator[ScannedLine]:
    """Each line from `start`, with the fence it belongs to (None outside fenced code)."""
    fence: Fence | None = None
    for index in range(start, len(lines)):
        text = lines[index]
        if fence is None:
            opened = opens_fence(text)
            if opened is not None:
                fence = Fence(opened.char, opened.length, index)
            yield ScannedLine(index, text, fence)
        else:
            yield ScannedLine(index, text, fence)
            if closes_fence(text, fence):
                fence = None


def unclosed_fence(lines: list[str]) -> Fence | None:
    """The fence still open after the last line, if any."""
    last: ScannedLine | None = None
    for scanned in scan_lines(lines):
        last = scanned
    if last is None or last.fence is None:
        return None
    # The last line may itself be the closer of the fence it is in.
    if last.index != last.fence.line and closes_fence(last.text, last.fence):
        return None
    return last.fence
