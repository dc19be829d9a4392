"""Managed blocks: the part of a Markdown file a person owns that aiwg may rewrite.

    <!-- aiwg:begin rules -->
    …aiwg's text…
    <!-- aiwg:end rules -->

Everything outside the markers belongs to the person and is kept byte for byte. Block content
is handled with LF newlines and written in the host file's own newline style.

A marker line inside fenced code (``` or ~~~, in the person's text or in the block's own
content) is an example, not a marker, so documenting the markers cannot wedge a file. aiwg
never writes a block it could not read back: content holding a marker line outside a fence, or
ending inside an open fence, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aiwg.formats.fences import Fence, closes_fence, opens_fence, scan_lines, unclosed_fence

# Marker lines are HTML comments in Markdown ("html") and `#` lines in ignore files ("hash").
# Ignore files have no fenced code, so fences are looked for in Markdown only.
_ANY_MARKER = {
    "html": re.compile(r"^ {0,3}<!-- aiwg:(begin|end)\b.*-->[ \t]*$"),
    "hash": re.compile(r"^ {0,3}# aiwg:(begin|end)\b.*$"),
}


def begin_marker(block_id: str, comment: str = "html") -> str:
    return f"# aiwg:begin {block_id}" if comment == "hash" else f"<!-- aiwg:begin {block_id} -->"


def end_marker(block_id: str, comment: str = "html") -> str:
    return f"# aiwg:end {block_id}" if comment == "hash" else f"<!-- aiwg:end {block_id} -->"


@dataclass(frozen=True)
class BlockSpan:
    start: int  # first character of the begin marker line
    content_start: int  # first character after the begin marker line
    content_end: int  # first character of the end marker line
    end: int  # first character after the end marker line (its newline included)


class BlockError(ValueError):
    """The markers are present but broken (an end without a begin, or a begin twice), or the
    content to write would break them."""


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # after the newline
    text: str  # without "\n" or "\r\n"


_BOM = "\ufeff"


def _lines(text: str) -> list[_Line]:
    # A BOM is the file's, not its first line's: a marker may follow it (an editor added the
    # BOM to a file aiwg wrote), and replacing or removing that line keeps it.
    found, start = [], 1 if text.startswith("\ufeff") else 0
    while start < len(text):
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline + 1
        found.append(_Line(start, end, text[start:end].rstrip("\n").removesuffix("\r")))
        start = end
    return found


def _keeping_no_final_newline(text: str, edit: Callable[[str], str]) -> str:
    """`edit(text)` for a file whose last line has no newline, done so the result has none
    either: appending after such a line must end it, and removing the block again would
    otherwise leave that newline in the person's file."""
    if not text or text.endswith("\n"):
        return edit(text)
    newline = _newline(text)
    return edit(text + newline).removesuffix(newline)


class _Markers:
    """Recognises the two marker lines of one block, and tracks fences where the format has them."""

    def __init__(self, block_id: str, comment: str) -> None:
        self.begin = re.compile(rf"^ {{0,3}}{re.escape(begin_marker(block_id, comment))}[ \t]*$")
        self.end = re.compile(rf"^ {{0,3}}{re.escape(end_marker(block_id, comment))}[ \t]*$")
        self.fenced = comment == "html"
        self.block_id = block_id

    def opens(self, text: str, index: int) -> Fence | None:
        opened = opens_fence(text) if self.fenced else None
        return None if opened is None else Fence(opened.char, opened.length, index)

    def broken(self, why: str) -> BlockError:
        return BlockError(f"the markers of block {self.block_id!r} are broken: {why}")


@dataclass
class _Scan:
    spans: list[tuple[int, int | None]]  # (begin line, end line or None) outside fences
    stray_ends: list[int]
    nested_begins: list[int]
    unclosed: Fence | None  # a fence in the person's text that is never closed


def _block_end(lines: list[_Line], start: int, markers: _Markers,
               nested: list[int]) -> int | None:
    """The end marker line of a block whose content starts at line `start`.

    The content's own fences hide marker lines; when none is left outside a fence (a person
    opened a fence inside the block and never closed it), the first end marker line counts.
    """
    fence: Fence | None = None
    first_end: int | None = None
    for index in range(start, len(lines)):
        text = lines[index].text
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
            elif first_end is None and markers.end.match(text):
                first_end = index
            continue
        if markers.end.match(text):
            return index
        if markers.begin.match(text):
            nested.append(index)
        fence = markers.opens(text, index)
    return first_end


def _scan(lines: list[_Line], markers: _Markers, start: int) -> _Scan:
    scan = _Scan([], [], [], None)
    fence: Fence | None = None
    index = start
    while index < len(lines):
        text = lines[index].text
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
        elif markers.begin.match(text):
            end = _block_end(lines, index + 1, markers, scan.nested_begins)
            scan.spans.append((index, end))
            if end is None:
                break
            index = end
        elif markers.end.match(text):
            scan.stray_ends.append(index)
        else:
            fence = markers.opens(text, index)
        index += 1
    scan.unclosed = fence
    return scan


def _find(lines: list[_Line], markers: _Markers, start: int) -> tuple[int, int] | None:
    scan = _scan(lines, markers, start)
    if scan.stray_ends:
        raise markers.broken(f"an end marker without a begin at line {scan.stray_ends[0] + 1}")
    if len(scan.spans) > 1:
        raise markers.broken(f"a second begin marker at line {scan.spans[1][0] + 1}")
    if scan.nested_begins:
        raise markers.broken(f"a second begin marker at line {scan.nested_begins[0] + 1}")
    if scan.spans:
        begin, end = scan.spans[0]
        if end is None:
            raise markers.broken(f"the begin marker at line {begin + 1} has no end marker")
        return begin, end
    if scan.unclosed is None:
        return None
    # A fence that is never closed is a slip, not an example: it must not hide the block
    # after it, so the search starts again at the first begin marker inside it.
    first = next((i for i in range(scan.unclosed.line + 1, len(lines))
                  if markers.begin.match(lines[i].text)), None)
    return None if first is None else _find(lines, markers, first)


def find_block(text: str, block_id: str, comment: str = "html") -> BlockSpan | None:
    lines = _lines(text)
    found = _find(lines, _Markers(block_id, comment), 0)
    if found is None:
        return None
    begin, end = lines[found[0]], lines[found[1]]
    return BlockSpan(begin.start, begin.end, end.start, end.end)


def read_block(text: str, block_id: str, comment: str = "html") -> str | None:
    """The block's content with LF newlines, or None when the file has no such block."""
    span = find_block(text, block_id, comment)
    if span is None:
        return None
    return text[span.content_start:span.content_end].replace("\r\n", "\n")


def content_problem(content: str, comment: str = "html") -> tuple[int, str] | None:
    """(0-based line, why) when `content` would break the markers around it; else None."""
    lines = content.split("\n")
    any_marker = _ANY_MARKER[comment]
    if comment == "hash":
        marked = next((i for i, text in enumerate(lines) if any_marker.match(text)), None)
        return None if marked is None else (marked, "is an aiwg marker line")
    for line in scan_lines(lines):
        if line.fence is None and any_marker.match(line.text):
            return line.index, "is an aiwg marker line outside fenced code"
    fence = unclosed_fence(lines)
    if fence is not None:
        return fence.line, "opens a code fence that is never closed"
    return None


def _framed(content: str, block_id: str, newline: str, comment: str) -> str:
    body = content if content.endswith("\n") or not content else content + "\n"
    framed = f"{begin_marker(block_id, comment)}\n{body}{end_marker(block_id, comment)}\n"
    return framed.replace("\n", newline) if newline != "\n" else framed


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def write_block(text: str | None, block_id: str, content: str, comment: str = "html",
                first: bool = False) -> str:
    """`text` with the block set to `content`: replaced in place, or added after a blank line at
    the end (`first`: at the start, before a blank line, for files where later lines win).

    Raises BlockError rather than write a file whose block would not read back as `content`.
    """
    problem = content_problem(content, comment)
    if problem is not None:
        raise BlockError(f"line {problem[0] + 1} of the content for block {block_id!r} "
                         f"{problem[1]}")
    return _keeping_no_final_newline(
        text or "", lambda host: _write_block(host, block_id, content, comment, first))


def _write_block(host: str, block_id: str, content: str, comment: str, first: bool) -> str:
    newline = _newline(host)
    span = find_block(host, block_id, comment)
    framed = _framed(content, block_id, newline, comment)
    if span is not None:
        result = host[:span.start] + framed + host[span.end:]
    elif not host:
        result = framed
    elif first:
        bom = _BOM if host.startswith(_BOM) else ""
        rest = host[len(bom):]
        result = bom + framed + (newline if rest else "") + rest
    else:
        opened = unclosed_fence([line.text for line in _lines(host)])
        if opened is not None:
            raise BlockError(f"line {opened.line + 1} opens a code fence that is never closed; "
                             f"close it, or block {block_id!r} after it would be read as code")
        separator = newline if host.endswith("\n") else newline * 2
        result = host + separator + framed
    expected = content if content.endswith("\n") or not content else content + "\n"
    if read_block(result, block_id, comment) != expected.replace("\r\n", "\n"):
        raise BlockError(f"block {block_id!r} would not read back as written: a code fence "
                         "outside it is never closed; close it")
    return result


def remove_block(text: str, block_id: str, comment: str = "html") -> str:
    """`text` without the block (markers included), undoing the blank line `write_block` added."""
    return _keeping_no_final_newline(text, lambda host: _remove_block(host, block_id, comment))


def _remove_block(text: str, block_id: str, comment: str) -> str:
    span = find_block(text, block_id, comment)
    if span is None:
        return text
    newline = _newline(text)
    before, after = text[:span.start], text[span.end:]
    if not after and before.endswith(newline * 2):
        before = before[: -len(newline)]
    elif after.startswith(newline) and (before in ("", _BOM) or before.endswith(newline * 2)):
        after = after[len(newline):]
    return before + after
