"""TOML edited by splicing: aiwg's table is located in the source text and only its lines change.

tomlkit round-trips most formatting, but it attaches a comment that follows a table to that
table, so replacing or deleting aiwg's table took the person's next comment with it. Here a
small line scanner finds each statement (table header, key/value pair, comment, blank line) and
the owned table's exact span: its header and pairs, never the comments and blank lines after
them. A table written inline (`mcp_servers = { mine = {…} }`) is edited inside its braces, so
the person's entry stays byte for byte. Every result is checked with `tomllib` (the reference
parser) against the value it should have; a layout the splice cannot handle falls back to
tomlkit, checked the same way.

TOML has no null: a `None` anywhere in a value is refused with a DocumentError naming its key.
CRLF files stay CRLF; a BOM stays where it is.
"""

from __future__ import annotations

import copy
import datetime
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import tomlkit

from aiwg.keyed.base import MISSING, DocumentError, json_shaped, keeping_no_final_newline

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOKEN_END = frozenset(" \t\r\n,]}#")


# --- reading with the reference parser -------------------------------------------------------


def _loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise DocumentError(str(error)) from None
    except RecursionError:
        raise DocumentError("nested too deeply") from None


def _plain(value: Any) -> Any:
    """JSON-shaped: dates and times as the ISO text TOML wrote them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _lookup(data: Any, path: Sequence[str]) -> Any:
    for depth, key in enumerate(path):
        if not isinstance(data, dict):
            raise DocumentError(f"{'.'.join(path[:depth])} is not a table")
        if key not in data:
            return MISSING
        data = data[key]
    return data


# --- rendering aiwg's values -----------------------------------------------------------------


def _item(value: Any, path: Sequence[str]) -> Any:
    if value is None:
        raise DocumentError(f"{'.'.join(path)}: TOML has no null value; remove the key or give "
                            "it a value")
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table[key] = _item(inner, (*path, key))
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for index, inner in enumerate(value):
            array.append(_item(inner, (*path, str(index))))
        return array
    return value


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else tomlkit.key(key).as_string()


def _pairs(value: Mapping[str, Any], path: Sequence[str]) -> str:
    document = tomlkit.document()
    for key, inner in value.items():
        document[key] = _item(inner, (*path, key))
    return tomlkit.dumps(document)


def _inline(value: Any, path: Sequence[str]) -> str:
    item = _item(value, path)
    rendered: str = (item if hasattr(item, "as_string") else tomlkit.item(item)).as_string()
    return rendered


def _table(path: Sequence[str], value: Mapping[str, Any]) -> str:
    return f"[{'.'.join(_key(k) for k in path)}]\n" + _pairs(value, path)


# --- scanning the source ---------------------------------------------------------------------

Kind = Literal["table", "array", "pair", "comment", "blank"]


@dataclass
class Statement:
    kind: Kind
    start: int  # first character of its line
    end: int  # just after its last line's newline (or the end of the text)
    key: tuple[str, ...] = ()  # a header's table, or a pair's full key (table + dotted key)
    value_start: int = 0
    value_end: int = 0


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def fail(self, message: str) -> DocumentError:
        return DocumentError(message)

    def statements(self) -> list[Statement]:
        text, out = self.text, []
        table: tuple[str, ...] = ()
        while self.i < len(text):
            # A BOM is the file's, not its first statement's: removing that statement keeps it.
            start = 1 if self.i == 0 and text.startswith("\ufeff") else self.i
            self._spaces(allow_bom=self.i == 0)
            c = text[self.i] if self.i < len(text) else "\n"
            if c in "\r\n":
                out.append(Statement("blank", start, self._line_rest()))
            elif c == "#":
                out.append(Statement("comment", start, self._line_rest()))
            elif c == "[":
                array = text.startswith("[[", self.i)
                self.i += 2 if array else 1
                key_start = self.i
                self._until("]")
                table = _parse_key(text[key_start:self.i])
                self.i += 2 if array else 1
                out.append(Statement("array" if array else "table", start, self._line_rest(),
                                     table))
            else:
                key_start = self.i
                self._until("=")
                key = (*table, *_parse_key(text[key_start:self.i]))
                self.i += 1
                self._spaces()
                value_start = self.i
                self.value()
                value_end = self.i
                out.append(Statement("pair", start, self._line_rest(), key, value_start,
                                     value_end))
        return out

    def _spaces(self, allow_bom: bool = False) -> None:
        while self.i < len(self.text) and (self.text[self.i] in " \t" or (
                allow_bom and self.i == 0 and self.text[0] == "\ufeff")):
            self.i += 1

    def _line_rest(self) -> int:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end < 0 else end + 1
        return self.i

    def _until(self, stop: str) -> None:
        """Move to `stop`, stepping over quoted key parts (which may hold it)."""
        while self.i < len(self.text) and self.text[self.i] != stop:
            if self.text[self.i] in "\"'":
                self._string()
            elif self.text[self.i] == "\n":
                raise self.fail(f"expected {stop!r}")
            else:
                self.i += 1
        if self.i >= len(self.text):
            raise self.fail(f"expected {stop!r}")

    def _string(self) -> None:
        text, quote = self.text, self.text[self.i]
        if text.startswith(quote * 3, self.i):
            self.i += 3
            while True:
                if self.i >= len(text):
                    raise self.fail("unterminated string")
                if quote == '"' and text[self.i] == "\\":
                    self.i += 2
                elif text.startswith(quote * 3, self.i):
                    self.i += 3
                    for _ in range(2):  # up to two more quotes end the content itself
                        if self.i < len(text) and text[self.i] == quote:
                            self.i += 1
                    return
                else:
                    self.i += 1
        self.i += 1
        while True:
            if self.i >= len(text) or text[self.i] == "\n":
                raise self.fail("unterminated string")
            if quote == '"' and text[self.i] == "\\":
                self.i += 2
                continue
            self.i += 1
            if text[self.i - 1] == quote:
                return

    def value(self) -> None:
        """Step over one value, however many lines an array or multi-line string spans."""
        text, depth = self.text, 0
        while True:
            if depth:
                while self.i < len(text) and text[self.i] in " \t\r\n,":
                    self.i += 1
                if self.i < len(text) and text[self.i] == "#":
                    self._line_rest()
                    continue
            if self.i >= len(text):
                raise self.fail("unexpected end of file in a value")
            c = text[self.i]
            if c in "\"'":
                self._string()
            elif c in "[{":
                depth += 1
                self.i += 1
            elif c in "]}":
                depth -= 1
                self.i += 1
            elif c == "=" and depth:
                self.i += 1
            else:
                start = self.i
                while self.i < len(text) and text[self.i] not in _TOKEN_END:
                    self.i += 1
                if self.i == start:
                    raise self.fail(f"unexpected character {c!r}")
            if depth <= 0:
                return
            self._spaces()


def _parse_key(raw: str) -> tuple[str, ...]:
    """A (dotted, quoted) key as its parts, decoded by the reference parser itself."""
    try:
        data: Any = tomllib.loads(f"{raw.strip()} = 0")
    except tomllib.TOMLDecodeError:
        raise DocumentError(f"bad key {raw.strip()!r}") from None
    parts: list[str] = []
    while isinstance(data, dict):
        ((key, data),) = data.items()
        parts.append(key)
    return tuple(parts)


@dataclass
class InlineMember:
    key: tuple[str, ...]
    start: int
    value_start: int
    value_end: int
    comma: int | None


def _inline_members(text: str, opening: int) -> tuple[int, list[InlineMember]]:
    """The members of the inline table whose `{` is at `opening`, and its `}`."""
    scanner = _Scanner(text)
    scanner.i = opening + 1
    members: list[InlineMember] = []
    while True:
        scanner._spaces()
        if scanner.i >= len(text):
            raise DocumentError("unterminated inline table")
        if text[scanner.i] == "}":
            return scanner.i, members
        start = scanner.i
        scanner._until("=")
        key = _parse_key(text[start:scanner.i])
        scanner.i += 1
        scanner._spaces()
        value_start = scanner.i
        scanner.value()
        member = InlineMember(key, start, value_start, scanner.i, None)
        members.append(member)
        scanner._spaces()
        if scanner.i < len(text) and text[scanner.i] == ",":
            member.comma = scanner.i
            scanner.i += 1


# --- the editor ------------------------------------------------------------------------------


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _with_newlines(piece: str, newline: str) -> str:
    return piece.replace("\n", newline) if newline != "\n" else piece


def _prune(value: Any) -> Any:
    """Empty tables removed, so an implicit parent left empty compares equal to none."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v != {}}
    return value


class TomlEditor:
    syntax = "toml"

    def parse(self, text: str) -> Any:
        return _plain(_loads(text))

    def read(self, text: str, path: Sequence[str]) -> Any:
        found = _lookup(_loads(text), path)
        return found if found is MISSING else _plain(found)

    def is_skeleton(self, text: str) -> bool:
        """aiwg's tables leave nothing behind when removed: only whitespace is its skeleton."""
        return not text.strip()

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str:
        for path, value in edits:
            text = self.write(text, path, value)
        return text

    def write(self, text: str, path: Sequence[str], value: Any) -> str:
        return keeping_no_final_newline(text, lambda ended: self._write(ended, path, value),
                                        self.parse)

    def remove(self, text: str, path: Sequence[str]) -> str:
        return keeping_no_final_newline(text, lambda ended: self._remove(ended, path),
                                        self.parse)

    def _write(self, text: str, path: Sequence[str], value: Any) -> str:
        before = _loads(text)
        _item(value, path)  # refuse a null before anything else
        parent = _lookup(before, path[:-1])
        if parent is not MISSING and not isinstance(parent, dict):
            raise DocumentError(f"{'.'.join(path[:-1])} is not a table")
        expected = copy.deepcopy(before)
        target = expected
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = json_shaped(value)
        return self._checked(path, expected, lambda: self._splice_write(text, path, value),
                             lambda: self._tomlkit_write(text, path, value))

    def _remove(self, text: str, path: Sequence[str]) -> str:
        before = _loads(text)
        if _lookup(before, path) is MISSING:
            return text
        expected = copy.deepcopy(before)
        target = expected
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return self._checked(path, expected, lambda: self._splice_remove(text, path),
                             lambda: self._tomlkit_remove(text, path))

    def _checked(self, path: Sequence[str], expected: dict[str, Any],
                 *attempts: Callable[[], str | None]) -> str:
        """The splice when the reference parser reads it as expected, else tomlkit's result
        under the same check; never a result that reads differently."""
        for attempt in attempts:
            try:
                result = attempt()
                if result is not None and _prune(_loads(result)) == _prune(expected):
                    return result
            except Exception:  # any failure here means: try the next way
                continue
        raise DocumentError(f"{'.'.join(path)}: cannot edit this key here without changing "
                            "the text around it; edit the file by hand")

    # --- the splice ---------------------------------------------------------------------

    def _splice_write(self, text: str, path: Sequence[str], value: Any) -> str | None:
        statements = _Scanner(text).statements()
        newline = _newline(text)
        path = tuple(path)
        span = _table_span(statements, path)
        if span is not None and isinstance(value, Mapping):
            header, end = span
            body = _with_newlines(_pairs(value, path), newline)
            return text[:header.end] + body + text[end:]
        inline = _inline_home(statements, path)
        if inline is not None:
            return _inline_write(text, inline, path, value)
        pair = next((s for s in statements if s.kind == "pair" and s.key == path), None)
        if pair is not None:  # `aiwg = { … }` inside [mcp_servers], or a dotted root key
            return text[:pair.value_start] + _inline(value, path) + text[pair.value_end:]
        if span is not None or any(s.key[:len(path)] == path for s in statements
                                   if s.kind != "blank" and s.kind != "comment"):
            return None  # written some other way (dotted keys, sub-tables only): tomlkit
        if not isinstance(value, Mapping) or not path[:-1]:
            return None
        table = _with_newlines(_table(path, value), newline)
        if not text.strip(" \t\r\n\ufeff"):
            return ("\ufeff" if text.startswith("\ufeff") else "") + table
        return text + ("" if text.endswith("\n") else newline) + newline + table

    def _splice_remove(self, text: str, path: Sequence[str]) -> str | None:
        statements = _Scanner(text).statements()
        path = tuple(path)
        span = _table_span(statements, path)
        if span is not None:
            header, end = span
            start = header.start
            if not text[end:].strip():
                # The blank line `write` put before a table it appended goes with it.
                for blank in ("\r\n\r\n", "\n\n"):
                    if text[:start].endswith(blank):
                        start -= len(blank) // 2
                        break
            return text[:start] + text[end:]
        inline = _inline_home(statements, path)
        if inline is not None:
            return _inline_remove(text, inline, path)
        pair = next((s for s in statements if s.kind == "pair" and s.key == path), None)
        if pair is not None:
            return text[:pair.start] + text[pair.end:]
        return None

    # --- tomlkit, for layouts the splice leaves alone -----------------------------------

    def _tomlkit_write(self, text: str, path: Sequence[str], value: Any) -> str:
        doc = tomlkit.parse(text)
        container: Any = doc
        for key in path[:-1]:
            if key not in container:
                container[key] = tomlkit.table(is_super_table=True)
            container = container[key]
        if isinstance(value, Mapping):
            table = tomlkit.table()
            for key, inner in value.items():
                table[key] = _item(inner, (*path, key))
            container[path[-1]] = table
        else:
            container[path[-1]] = _item(value, path)
        return _same_newlines(text, doc.as_string())

    def _tomlkit_remove(self, text: str, path: Sequence[str]) -> str:
        doc = tomlkit.parse(text)
        container: Any = doc
        for key in path[:-1]:
            container = container[key]
        del container[path[-1]]
        return _same_newlines(text, doc.as_string())


def _same_newlines(original: str, result: str) -> str:
    """tomlkit writes new lines with LF; a CRLF file stays CRLF throughout."""
    if "\r\n" in original and not re.search(r"(?<!\r)\n", original):
        return re.sub(r"(?<!\r)\n", "\r\n", result)
    return result


def _table_span(statements: list[Statement], path: tuple[str, ...]) -> tuple[Statement, int] | None:
    """The header `[path]` and where its table ends: after its last pair (or a sub-table of its
    own that follows it directly), before the comments and blank lines that come next."""
    for index, statement in enumerate(statements):
        if statement.kind == "table" and statement.key == path:
            end = statement.end
            for following in statements[index + 1:]:
                if following.kind in ("table", "array") and following.key[:len(path)] != path:
                    break
                if following.kind not in ("blank", "comment"):
                    end = following.end
            return statement, end
    return None


def _inline_home(statements: list[Statement], path: tuple[str, ...]) -> Statement | None:
    """The pair whose inline-table value holds (or would hold) `path`."""
    for statement in statements:
        if (statement.kind == "pair" and len(statement.key) < len(path)
                and statement.key == path[:len(statement.key)]):
            return statement
    return None


@dataclass
class _InlineSpot:
    """Where `path` is (or would go) inside an inline table: that table's members, the index of
    the member on the path (None when the next part is missing) and the parts still to go."""

    opening: int
    close: int
    members: list[InlineMember]
    index: int | None
    rest: tuple[str, ...]


def _inline_spot(text: str, home: Statement, path: tuple[str, ...]) -> _InlineSpot | None:
    opening, rest = home.value_start, path[len(home.key):]
    while text[opening] == "{":
        close, members = _inline_members(text, opening)
        index = next((i for i, m in enumerate(members) if m.key == rest[:len(m.key)]), None)
        if index is None or members[index].key == rest:
            return _InlineSpot(opening, close, members, index, rest)
        opening, rest = members[index].value_start, rest[len(members[index].key):]
    return None  # the path runs through a value that is not an inline table


def _inline_write(text: str, home: Statement, path: tuple[str, ...], value: Any) -> str | None:
    spot = _inline_spot(text, home, path)
    if spot is None:
        return None
    if spot.index is not None:
        member = spot.members[spot.index]
        return text[:member.value_start] + _inline(value, path) + text[member.value_end:]
    nested: Any = value
    for key in reversed(spot.rest[1:]):
        nested = {key: nested}
    new = f"{_key(spot.rest[0])} = {_inline(nested, path)}"
    if not spot.members:
        return text[:spot.opening + 1] + f" {new} " + text[spot.close:]
    last = spot.members[-1]
    return text[:last.value_end] + f", {new}" + text[last.value_end:]


def _inline_remove(text: str, home: Statement, path: tuple[str, ...]) -> str | None:
    spot = _inline_spot(text, home, path)
    if spot is None or spot.index is None:
        return None if spot is None else text
    index, members = spot.index, spot.members
    member = members[index]
    if len(members) == 1:
        return text[:spot.opening + 1] + text[spot.close:]
    if index == len(members) - 1:
        return text[:members[index - 1].value_end] + text[member.value_end:]
    return text[:member.start] + text[members[index + 1].start:]
