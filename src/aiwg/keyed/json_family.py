"""JSON, JSONC and JSON5 edited by splicing: one member changes, every other byte stays.

A small recursive-descent parser records where each object member starts and ends; writing a
member replaces only its value's characters, inserting one adds a line in the style of its
siblings, removing one takes out exactly the lines it occupies. The parser is tolerant (comments,
trailing commas, JSON5 keys, strings and numbers), so one editor serves all three syntaxes.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aiwg.keyed.base import MISSING, DocumentError, position

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NUMBER = re.compile(
    r"[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity|NaN)")
# Fast paths: most strings have no escapes, and most gaps are plain whitespace.
_SIMPLE_STRING = {'"': re.compile(r'"([^"\\\n]*)"'), "'": re.compile(r"'([^'\\\n]*)'")}
_BLANK = re.compile(r"[ \t\r\n]+")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
            "/": "/", "\\": "\\", '"': '"', "'": "'"}


@dataclass
class Node:
    start: int
    end: int
    value: Any


@dataclass
class Member:
    key: str
    start: int  # first character of the key
    value: Node
    comma: int | None = None  # index of the comma after the value, if any

    @property
    def slot(self) -> Slot:
        return Slot(self.start, self.value.end, self.comma)


@dataclass(frozen=True)
class Slot:
    """Where one element of an object or array sits: its first character, the end of its value,
    and the comma after it."""

    start: int
    end: int
    comma: int | None


@dataclass
class ArrayNode(Node):
    items: list[Node] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)


@dataclass
class ObjectNode(Node):
    members: list[Member] = field(default_factory=list)


@dataclass
class EmptyDocument(ObjectNode):
    """A file with no value at all: nothing, whitespace, a BOM or only comments."""


@dataclass
class Parsed:
    root: Node
    comments: list[tuple[int, int]]  # (start, end) of every comment, in order


# Deeper than this is not a config file; refusing it keeps the parser's recursion bounded.
MAX_DEPTH = 200


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.depth = 0
        self.comments: list[tuple[int, int]] = []

    def fail(self, message: str, at: int | None = None) -> DocumentError:
        line, column = position(self.text, self.i if at is None else at)
        return DocumentError(message, line, column)

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            blank = _BLANK.match(text, self.i)
            if blank:
                self.i = blank.end()
                continue
            c = text[self.i]
            if c in "\ufeff\u00a0\u2028\u2029":
                self.i += 1
            elif text.startswith("//", self.i):
                end = text.find("\n", self.i)
                end = n if end < 0 else end - (text[end - 1] == "\r")
                self._comment(end)
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.fail("unterminated comment")
                self._comment(end + 2)
            else:
                return

    def _comment(self, end: int) -> None:
        if not self.comments or self.comments[-1][0] != self.i:
            self.comments.append((self.i, end))
        self.i = end

    def document(self) -> Node:
        self.skip()
        if self.i >= len(self.text):
            return EmptyDocument(self.i, self.i, {})
        node = self.value()
        self.skip()
        if self.i < len(self.text):
            raise self.fail("unexpected text after the document")
        return node

    def value(self) -> Node:
        self.skip()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of file")
        c = self.text[self.i]
        if c == "{":
            return self.object()
        if c == "[":
            return self.array()
        if c in "\"'":
            start = self.i
            value = self.string()
            return Node(start, self.i, value)
        return self.scalar()

    def string(self) -> str:
        text, quote = self.text, self.text[self.i]
        simple = _SIMPLE_STRING[quote].match(text, self.i)
        if simple:
            self.i = simple.end()
            return simple.group(1)
        start = self.i
        self.i += 1
        out: list[str] = []
        while True:
            if self.i >= len(text):
                raise self.fail("unterminated string", start)
            c = text[self.i]
            if c == quote:
                self.i += 1
                return "".join(out)
            if c == "\n":
                raise self.fail("newline in a string", self.i)
            if c == "\\":
                self.i += 1
                e = text[self.i] if self.i < len(text) else ""
                if e in _ESCAPES:
                    out.append(_ESCAPES[e])
                    self.i += 1
                elif e == "u":
                    out.append(self._unicode_escape())
                elif e == "x":
                    out.append(chr(int(self._hex(2), 16)))
                elif e in "\r\n":  # JSON5 line continuation
                    self.i += 2 if text.startswith("\r\n", self.i) else 1
                else:
                    raise self.fail(f"bad escape \\{e}")
                continue
            out.append(c)
            self.i += 1

    def _unicode_escape(self) -> str:
        """`\\uXXXX`, with a UTF-16 surrogate pair (what `json.dump` writes for an emoji) joined
        into one character. A lone surrogate is not a character: refused, as UTF-8 cannot hold it."""
        at = self.i - 1
        code = int(self._hex(4), 16)
        if 0xDC00 <= code <= 0xDFFF:
            raise self.fail(f"unpaired surrogate escape \\u{code:04x}", at)
        if 0xD800 <= code <= 0xDBFF:
            if not self.text.startswith("\\u", self.i):
                raise self.fail(f"unpaired surrogate escape \\u{code:04x}", at)
            self.i += 1
            low = int(self._hex(4), 16)
            if not 0xDC00 <= low <= 0xDFFF:
                raise self.fail(f"unpaired surrogate escape \\u{code:04x}", at)
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
        return chr(code)

    def _hex(self, count: int) -> str:
        digits = self.text[self.i + 1:self.i + 1 + count]
        if len(digits) != count or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise self.fail("bad escape")
        self.i += 1 + count
        return digits

    def scalar(self) -> Node:
        start = self.i
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.i) and not self._ident_continues(len(word)):
                self.i += len(word)
                return Node(start, self.i, value)
        match = _NUMBER.match(self.text, self.i)
        if match and not self._ident_continues(match.end() - self.i):
            self.i = match.end()
            try:
                return Node(start, self.i, _number(match.group()))
            except ValueError:  # e.g. an integer longer than Python converts
                raise self.fail("number out of range", start) from None
        raise self.fail(f"unexpected character {self.text[self.i]!r}")

    def _ident_continues(self, length: int) -> bool:
        nxt = self.i + length
        return nxt < len(self.text) and (self.text[nxt].isalnum() or self.text[nxt] in "_$")

    def key(self) -> str:
        if self.text[self.i] in "\"'":
            return self.string()
        match = _IDENTIFIER.match(self.text, self.i)
        if not match:
            raise self.fail("expected a key")
        self.i = match.end()
        return match.group()

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels")

    def object(self) -> ObjectNode:
        self._enter()
        node = ObjectNode(self.i, self.i, {})
        self.i += 1
        while True:
            self.skip()
            if self.i >= len(self.text):
                raise self.fail("unterminated object", node.start)
            if self.text[self.i] == "}":
                self.i += 1
                node.end = self.i
                self.depth -= 1
                return node
            key_start = self.i
            key = self.key()
            self.skip()
            if self.i >= len(self.text) or self.text[self.i] != ":":
                raise self.fail("expected ':' after a key")
            self.i += 1
            value = self.value()
            member = Member(key, key_start, value)
            node.members.append(member)
            node.value[key] = value.value
            self.skip()
            if self.i < len(self.text) and self.text[self.i] == ",":
                member.comma = self.i
                self.i += 1
            elif self.i < len(self.text) and self.text[self.i] != "}":
                raise self.fail("expected ',' or '}'")

    def array(self) -> Node:
        self._enter()
        node = ArrayNode(self.i, self.i, [])
        self.i += 1
        while True:
            self.skip()
            if self.i >= len(self.text):
                raise self.fail("unterminated array", node.start)
            if self.text[self.i] == "]":
                self.i += 1
                node.end = self.i
                self.depth -= 1
                return node
            item = self.value()
            node.items.append(item)
            node.value.append(item.value)
            self.skip()
            comma = None
            if self.i < len(self.text) and self.text[self.i] == ",":
                comma = self.i
                self.i += 1
            elif self.i < len(self.text) and self.text[self.i] != "]":
                raise self.fail("expected ',' or ']'")
            node.slots.append(Slot(item.start, item.end, comma))


def _number(token: str) -> int | float:
    sign = -1 if token.startswith("-") else 1
    body = token.lstrip("+-")
    if body == "Infinity":
        return sign * math.inf
    if body == "NaN":
        return math.nan
    if body[:2] in ("0x", "0X"):
        return sign * int(body, 16)
    if any(c in body for c in ".eE"):
        return sign * float(body)
    return sign * int(body)


# --- text helpers ------------------------------------------------------------------------------


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    end = len(text) if end < 0 else end
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _starts_line(text: str, index: int) -> bool:
    return not text[_line_start(text, index):index].strip()


def _rest_is_blank(text: str, index: int, *, allow_comment: bool) -> bool:
    rest = text[index:_line_end(text, index)].strip()
    return not rest or (allow_comment and (rest.startswith("//") or (
        rest.startswith("/*") and rest.endswith("*/"))))


def _indent_unit(text: str) -> str:
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            return line[: len(line) - len(stripped)]
    return "  "


def _dump(value: Any, unit: str, indent: str, newline: str) -> str:
    text = json.dumps(value, indent=unit, ensure_ascii=False)
    return text.replace("\n", newline + indent)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _nest(path: Sequence[str], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _own_indent(text: str, index: int) -> str:
    """The whitespace before `index` on its line, or "" when something else precedes it."""
    indent = text[_line_start(text, index):index]
    return indent if not indent.strip() else ""


def _line_indent(text: str, index: int) -> str:
    """The leading whitespace of the line `index` is on."""
    line = text[_line_start(text, index):index]
    return line[:len(line) - len(line.lstrip(" \t"))]


def _skeleton(value: Any, newline: str = "\n") -> str:
    """The text aiwg writes for `value` into a file that has no document yet."""
    return _dump(value, "  ", "", newline) + newline


def _append_document(text: str, value: Any) -> str:
    """A file with no value yet: the new document goes after what is there (a BOM, comments),
    so a comment-only file becomes a valid document with its comments kept."""
    newline = _newline(text)
    if not text.strip(" \t\r\n\ufeff"):
        return ("\ufeff" if text.startswith("\ufeff") else "") + _skeleton(value, newline)
    return text + ("" if text.endswith("\n") else newline) + _skeleton(value, newline)


def _only_empty_objects(value: Any) -> bool:
    return isinstance(value, dict) and all(_only_empty_objects(v) for v in value.values())


class JsonFamilyEditor:
    """Duplicate keys: a member named twice in one object is refused with a DocumentError when
    it lies on the path aiwg edits (readers disagree on which one counts, so aiwg will not guess);
    duplicates anywhere else are the person's text and are kept as they are."""

    def __init__(self, syntax: str = "json") -> None:
        self.syntax = syntax

    def _parse(self, text: str) -> Node:
        return _parse_document(text).root

    def parse(self, text: str) -> Any:
        return self._parse(text).value

    def _walk(self, text: str, root: Node,
              path: Sequence[str]) -> tuple[ObjectNode, int, Member | None]:
        """The object holding the deepest existing part of `path`, how deep, and its member."""
        if not isinstance(root, ObjectNode):
            raise DocumentError("the document is not an object")
        node: ObjectNode = root
        for depth, key in enumerate(path):
            member = _only(text, node, key, path[:depth + 1])
            if member is None or depth == len(path) - 1:
                return node, depth, member
            if not isinstance(member.value, ObjectNode):
                raise DocumentError(f"{'.'.join(path[:depth + 1])} is not an object")
            node = member.value
        raise AssertionError("unreachable")

    def read(self, text: str, path: Sequence[str]) -> Any:
        _, depth, member = self._walk(text, self._parse(text), path)
        if member is None or depth != len(path) - 1:
            return MISSING
        return member.value.value

    def is_skeleton(self, text: str) -> bool:
        """True when `text` is exactly what aiwg leaves of a file it created once its own keys
        are gone (`{}`, or empty containers in aiwg's formatting): nothing a person added."""
        if not text.strip():
            return True
        try:
            value = self.parse(text)
        except DocumentError:
            return False
        if not _only_empty_objects(value):
            return False
        return text in (_skeleton(value), _skeleton(value, "\r\n"))

    def write(self, text: str, path: Sequence[str], value: Any) -> str:
        return self.write_many(text, [(path, value)])

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str:
        """Several writes with one parse: new members for the same object go in one splice and
        replacements are made back to front, so a deploy of many keys stays linear in size."""
        if not edits:
            return text
        root = self._parse(text)
        if isinstance(root, EmptyDocument):
            document: Any = {}
            for path, value in edits:
                document = _deep_merge(document, _nest(path, value))
            return _append_document(text, document)
        replacements: list[tuple[Member, Any]] = []
        groups: dict[int, tuple[ObjectNode, dict[str, Any]]] = {}
        for path, value in edits:
            node, depth, member = self._walk(text, root, path)
            if member is not None and depth == len(path) - 1:
                replacements.append((member, value))
                continue
            members = groups.setdefault(node.start, (node, {}))[1]
            members[path[depth]] = _deep_merge(members.get(path[depth]),
                                               _nest(path[depth + 1:], value))
        if (replacements and groups) or len({id(m) for m, _ in replacements}) < len(replacements):
            for path, value in edits:  # mixed or repeated edits: one at a time, still correct
                text = self.write_many(text, [(path, value)])
            return text
        newline = _newline(text)
        unit = _indent_unit(text)
        for member, value in sorted(replacements, key=lambda r: r[0].value.start, reverse=True):
            serialized = _dump(value, unit, _own_indent(text, member.start), newline)
            text = text[:member.value.start] + serialized + text[member.value.end:]
        # Each insertion only changes text at or after its object's last member, so going from
        # the last object in the file to the first keeps every other recorded span valid.
        for node, members in sorted(groups.values(), key=lambda g: _anchor(g[0]), reverse=True):
            text = self._insert(text, node, list(members.items()), unit, newline)
        return text

    def _insert(self, text: str, node: ObjectNode, pairs: Sequence[tuple[str, Any]], unit: str,
                newline: str) -> str:
        """Add new members after the object's last one (one splice, however many members)."""
        return _append(text, node, [m.slot for m in node.members], unit, newline, lambda indent: [
            f"{json.dumps(key, ensure_ascii=False)}: {_dump(value, unit, indent, newline)}"
            for key, value in pairs])

    def write_list(self, text: str, path: Sequence[str], entries: list[Any]) -> str:
        """Make the array at `path` equal `entries`, changing only the elements that differ: the
        person's elements keep their bytes, comments and layout."""
        def array_at(current: str) -> ArrayNode | None:
            _, depth, member = self._walk(current, self._parse(current), path)
            found = member.value if member is not None and depth == len(path) - 1 else None
            return found if isinstance(found, ArrayNode) else None

        array = array_at(text)
        if array is None or not array.items:
            return self.write(text, path, entries)
        keys = [json.dumps(v, sort_keys=True) for v in array.value]
        wanted = [json.dumps(v, sort_keys=True) for v in entries]
        newline, unit = _newline(text), _indent_unit(text)
        matcher = difflib.SequenceMatcher(a=keys, b=wanted, autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            for index in reversed(range(i1, i2)):
                array = array_at(text)
                assert array is not None
                text = _remove_slot(text, _parse_document(text).comments, array, array.slots,
                                    index)
            array = array_at(text)
            if j2 > j1 and (array is None or i1 >= len(array.items)):
                if array is None or not array.items:
                    return self.write(text, path, entries)  # emptied: write it whole
                added = entries[j1:j2]

                def render(indent: str, added: list[Any] = added) -> list[str]:
                    return [_dump(v, unit, indent, newline) for v in added]

                text = _append(text, array, array.slots, unit, newline, render)
            elif j2 > j1:
                assert array is not None
                before = array.slots[i1]
                indent = _own_indent(text, before.start)
                gap = newline + indent if _starts_line(text, before.start) else " "
                pieces = "".join(_dump(v, unit, indent, newline) + "," + gap
                                 for v in entries[j1:j2])
                text = text[:before.start] + pieces + text[before.start:]
        return text

    def remove(self, text: str, path: Sequence[str]) -> str:
        parsed = _parse_document(text)
        node, depth, member = self._walk(text, parsed.root, path)
        if member is None or depth != len(path) - 1:
            return text
        index = next(i for i, m in enumerate(node.members) if m is member)
        return _remove_slot(text, parsed.comments, node, [m.slot for m in node.members], index)


def _append(text: str, node: Node, slots: Sequence[Slot], unit: str, newline: str,
            render: Callable[[str], list[str]]) -> str:
    """Add elements (rendered at the indent they get) after a container's last one."""
    if slots:
        first = slots[0]
        indent = text[_line_start(text, first.start):first.start]
        if indent.strip():
            indent = _line_indent(text, node.start) + unit
    else:
        indent = _line_indent(text, node.start) + unit
    joined = f",{newline}{indent}".join(render(indent))
    if not slots:
        # Whatever is inside the empty container (a comment) stays, before the new elements.
        interior = text[node.start + 1:node.end - 1].rstrip(" \t\r\n")
        return (text[:node.start + 1] + interior + newline + indent + joined + newline
                + _line_indent(text, node.start) + text[node.end - 1:])
    last = slots[-1]
    trailing_style = last.comma is not None
    if last.comma is not None:
        anchor = last.comma + 1
        prefix = ""
    else:
        anchor = last.end
        prefix = ","
    at = anchor
    if _rest_is_blank(text, anchor, allow_comment=True):
        at = _line_end(text, anchor)
    insertion = newline + indent + joined + ("," if trailing_style else "")
    if prefix:
        return text[:anchor] + prefix + text[anchor:at] + insertion + text[at:]
    return text[:at] + insertion + text[at:]


def _remove_slot(text: str, comments: Sequence[tuple[int, int]], node: Node,
                 slots: Sequence[Slot], index: int) -> str:
    """Take out one element and the lines it occupies. Comments inside it are the person's (aiwg
    writes none), so they stay where the element was; a container left with nothing in it but
    whitespace closes up (`{}`, `[]`)."""
    member = slots[index]
    end = (member.comma + 1) if member.comma is not None else member.end
    newline = _newline(text)
    kept = [text[s:e] for s, e in comments if member.start <= s < end]
    start = member.start
    indent = text[_line_start(text, member.start):member.start]
    if _starts_line(text, member.start):
        start = _line_start(text, member.start)
        if _rest_is_blank(text, end, allow_comment=False):
            stop = _line_end(text, end)
            end = stop + (2 if text.startswith("\r\n", stop) else 1 if stop < len(text) else 0)
            replacement = "".join(indent + c + newline for c in kept)
        else:
            # Something follows on this line (e.g. the closing brace): join it up.
            before = start - 1
            if before > 0 and text[before - 1] == "\r":
                before -= 1
            start = max(before, 0)
            replacement = "".join(newline + indent + c for c in kept)
            if kept and kept[-1].startswith("//"):
                replacement += newline + indent
    else:
        replacement = "".join(c + (newline + indent if c.startswith("//") else " ")
                              for c in kept)
    result = text[:start] + replacement + text[end:]
    is_last = index == len(slots) - 1
    previous = slots[index - 1] if index > 0 else None
    if is_last and member.comma is None and previous is not None and previous.comma is not None:
        # The comma that separated this element from the previous one is now trailing.
        result = result[:previous.comma] + result[previous.comma + 1:]
    elif len(slots) == 1:
        close = node.end - 1 - (end - start) + len(replacement)
        if not result[node.start + 1:close].strip():
            result = result[:node.start + 1] + result[close:]
    return result


def _anchor(node: ObjectNode) -> int:
    if not node.members:
        return node.start
    last = node.members[-1]
    return last.comma if last.comma is not None else last.value.end


def _deep_merge(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _deep_merge(merged.get(key), value)
        return merged
    return new


@lru_cache(maxsize=16)
def _parse_document(text: str) -> Parsed:
    """Parse once per text: a plan reads the same file for every key it owns. The nodes are
    never mutated, so sharing them is safe."""
    parser = _Parser(text)
    return Parsed(parser.document(), parser.comments)


def _only(text: str, node: ObjectNode, key: str, path: Sequence[str]) -> Member | None:
    """The member named `key`; a key named twice on aiwg's path is refused, not guessed at."""
    found = [member for member in node.members if member.key == key]
    if len(found) > 1:
        lines = " and ".join(str(position(text, m.start)[0]) for m in found)
        line, column = position(text, found[-1].start)
        raise DocumentError(f"{'.'.join(path)}: the key appears {len(found)} times (lines "
                            f"{lines}); keep one, aiwg will not guess which one counts",
                            line, column)
    return found[0] if found else None
