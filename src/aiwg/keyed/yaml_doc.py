"""YAML edited by splicing: aiwg's key or list entry is located in the source and only its lines
change; every other line (the person's keys, lists, comments, indentation, a leading `---`)
stays byte for byte.

ruamel.yaml's round trip attaches a comment that follows a node to that node and re-indents
every list on output, so dumping the whole document lost the person's comments and layout.
Here ruamel is used only to find where things are (line numbers of keys and list items); the
extent of each is read from the indentation of the lines themselves, without the comment and
blank lines that follow it. Results are checked with PyYAML (the reference parser) against the
value they should have; a layout the splice cannot handle (flow collections with content, a key
sharing its line) falls back to ruamel's round trip under the same check.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter

from aiwg.keyed.base import MISSING, DocumentError, json_shaped, keeping_no_final_newline

# A config file is small; more values than this after alias expansion is an alias bomb.
MAX_VALUES = 100_000
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = pyyaml.resolver.Resolver()


def _represent_str(representer: RoundTripRepresenter, value: str) -> Any:
    """Quote a string that a YAML 1.1 reader (PyYAML, Aider) would take for something else
    (`no`, `on`, `0755`): ruamel, reading YAML 1.2, would leave it bare."""
    style = None
    resolved = _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if value and resolved != _STR_TAG:
        style = "'"
    return representer.represent_scalar(_STR_TAG, value, style=style)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.representer.add_representer(str, _represent_str)
    return yaml


def _load(text: str) -> Any:
    """ruamel's tree (with line numbers); an empty or comment-only file is an empty mapping."""
    if not text.strip(" \t\r\n\ufeff"):
        return CommentedMap()
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise DocumentError(str(error.problem or error), line, column) from None
    except YAMLError as error:
        raise DocumentError(str(error)) from None
    except RecursionError:
        raise DocumentError("nested too deeply") from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, Mapping):
        raise DocumentError("the document is not a mapping")
    return data


def _reference(text: str) -> Any:
    """The document as PyYAML reads it, as plain values."""
    try:
        data = pyyaml.safe_load(text.removeprefix("\ufeff"))
    except pyyaml.YAMLError as error:
        raise DocumentError(str(error)) from None
    except RecursionError:
        raise DocumentError("nested too deeply") from None
    return {} if data is None else _plain(data)


def _plain(value: Any) -> Any:
    budget = [MAX_VALUES]

    def plain(node: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise DocumentError(f"more than {MAX_VALUES} values once aliases are expanded")
        if isinstance(node, Mapping):
            return {str(k): plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node

    try:
        return plain(value)
    except RecursionError:
        raise DocumentError("nested too deeply") from None


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


# --- lines ----------------------------------------------------------------------------------


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        # A BOM is the file's, not its first line's: a splice of that line keeps it.
        self.starts = [1 if text.startswith("\ufeff") else 0] + [
            m.end() for m in re.finditer("\n", text)]
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # no empty last line after a final newline
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def __len__(self) -> int:
        return len(self.starts)

    def offset(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line(self, line: int) -> str:
        return self.text[self.offset(line):self.offset(line + 1)]

    def indent(self, line: int) -> int:
        raw = self.line(line).lstrip("\ufeff")
        return len(raw) - len(raw.lstrip(" "))

    def content(self, line: int) -> str:
        return self.line(line).strip(" \t\r\n\ufeff")

    def block_end(self, first: int, indent: int, *, dash_continues: bool) -> int:
        """The line after the last one belonging to the node that starts on line `first` at
        `indent`: more indented lines (and, for a key, a list at its own indent), without the
        comments and blank lines that follow it."""
        last, n = first, first + 1
        while n < len(self):
            content = self.content(n)
            if content and not content.startswith("#"):
                deeper = self.indent(n) > indent
                dash = dash_continues and self.indent(n) == indent and _is_dash(content)
                if not (deeper or dash):
                    break
                last = n
            n += 1
        return last + 1

    def converted(self, piece: str) -> str:
        """New text in the file's own line endings."""
        return piece.replace("\n", self.newline) if self.newline != "\n" else piece

    def splice(self, start: int, end: int, piece: str) -> str:
        return self.text[:start] + self.converted(piece) + self.text[end:]


def _is_dash(content: str) -> bool:
    return content == "-" or content.startswith(("- ", "-\t"))


def _indented(piece: str, indent: int) -> str:
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in piece.splitlines(True))


def _render_pair(key: str, value: Any, indent: int) -> str:
    return _indented(_dump({key: value}), indent)


def _render_items(entries: Sequence[Any], indent: int) -> str:
    """List items in aiwg's style (`- ` then the entry, nested lists indented), dash at
    `indent`."""
    dumped = _dump(list(entries))
    return _indented("".join(line[2:] if line.startswith("  ") else line
                             for line in dumped.splitlines(True)), indent)


# --- where things are ------------------------------------------------------------------------


class _Unplaceable(Exception):
    """The splice cannot place this edit; ruamel's round trip is tried instead."""


def _key_span(lines: _Lines, mapping: CommentedMap, key: str) -> tuple[int, int, int]:
    """(first line, line after the last, indent) of `key: value` in a block mapping."""
    if mapping.fa.flow_style():
        raise _Unplaceable
    line, column = mapping.lc.key(key)
    if lines.indent(line) != column:  # (ruamel's columns do not count a BOM)
        raise _Unplaceable  # the key shares its line (`- name: x`)
    return line, lines.block_end(line, column, dash_continues=True), column


def _item_span(lines: _Lines, sequence: CommentedSeq, index: int) -> tuple[int, int, int]:
    """(dash line, line after the item, dash indent) of one item of a block sequence."""
    line, _ = sequence.lc.item(index)
    if not _is_dash(lines.content(line)):
        line -= 1  # `-` alone on its line, the entry below it
        if line < 0 or lines.content(line) != "-":
            raise _Unplaceable
    indent = lines.indent(line)
    return line, lines.block_end(line, indent, dash_continues=False), indent


def _colon_end(lines: _Lines, line: int) -> int:
    """The offset just after the `:` that ends the key starting line `line`."""
    raw = lines.line(line)
    match = re.match(r"""[ \ufeff]*(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#:]*?(?=:(?:\s|$)))""",
                     raw)
    if match is None or raw[match.end():match.end() + 1] != ":":
        raise _Unplaceable
    return lines.offset(line) + match.end() + 1


def _mapping_indent(lines: _Lines, mapping: CommentedMap, parent_indent: int | None) -> int:
    if mapping:
        return _key_span(lines, mapping, next(iter(mapping)))[2]
    return 0 if parent_indent is None else parent_indent + 2


# --- the editor ------------------------------------------------------------------------------


class YamlEditor:
    syntax = "yaml"

    def parse(self, text: str) -> Any:
        return _plain(_load(text))

    def read(self, text: str, path: Sequence[str]) -> Any:
        container = _container(_load(text), path, create=False)
        if container is None or path[-1] not in container:
            return MISSING
        return _plain(container[path[-1]])

    def is_skeleton(self, text: str) -> bool:
        """What aiwg leaves of a YAML file it created: nothing, `{}`, or empty containers in
        aiwg's formatting."""
        if text.strip() in ("", "{}"):
            return True
        try:
            value = self.parse(text)
        except DocumentError:
            return False
        if not _only_empty(value):
            return False
        skeleton = _dump(value)
        return text in (skeleton, skeleton.replace("\n", "\r\n"))

    def write(self, text: str, path: Sequence[str], value: Any) -> str:
        return keeping_no_final_newline(text, lambda ended: self._write(ended, path, value),
                                        self.parse)

    def _write(self, text: str, path: Sequence[str], value: Any) -> str:
        expected = _expected(text, path, lambda target, key: target.__setitem__(
            key, json_shaped(value)))
        return _checked(path, expected, lambda: _splice_set(text, path, value),
                        lambda: _round_trip_set(text, path, value))

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str:
        for path, value in edits:
            text = self.write(text, path, value)
        return text

    def write_list(self, text: str, path: Sequence[str], entries: list[Any]) -> str:
        """Make the list at `path` equal `entries`, changing only the entries that differ: the
        entries aiwg does not own keep their bytes, comments and style."""
        return keeping_no_final_newline(
            text, lambda ended: self._write_list(ended, path, entries), self.parse)

    def _write_list(self, text: str, path: Sequence[str], entries: list[Any]) -> str:
        expected = _expected(text, path, lambda target, key: target.__setitem__(
            key, json_shaped(entries)))
        return _checked(path, expected, lambda: _splice_list(text, path, entries),
                        lambda: _round_trip_list(text, path, entries))

    def remove(self, text: str, path: Sequence[str]) -> str:
        return keeping_no_final_newline(text, lambda ended: self._remove(ended, path),
                                        self.parse)

    def _remove(self, text: str, path: Sequence[str]) -> str:
        container = _container(_load(text), path, create=False)
        if container is None or path[-1] not in container:
            return text
        expected = _expected(text, path, lambda target, key: target.pop(key))
        return _checked(path, expected, lambda: _splice_remove(text, path),
                        lambda: _round_trip_remove(text, path))


def _only_empty(value: Any) -> bool:
    return isinstance(value, dict) and all(_only_empty(v) for v in value.values())


def _container(data: Any, path: Sequence[str], create: bool) -> Any:
    container = data
    for depth, key in enumerate(path[:-1]):
        if container.get(key) is None:  # missing, or a key left empty (`mcpServers:`)
            if not create:
                return None
            container[key] = CommentedMap()
        container = container[key]
        if not isinstance(container, Mapping):
            raise DocumentError(f"{'.'.join(path[:depth + 1])} is not a mapping")
    return container


def _expected(text: str, path: Sequence[str], change: Callable[..., Any]) -> Any:
    """What the reference parser must read after the edit."""
    _container(_load(text), path, create=False)  # a path through a non-mapping: DocumentError
    expected = _reference(text)
    target = expected
    for key in path[:-1]:
        if target.get(key) is None:
            target[key] = {}
        target = target[key]
    change(target, path[-1])
    return expected


def _checked(path: Sequence[str], expected: Any, *attempts: Callable[[], str]) -> str:
    for attempt in attempts:
        try:
            result = attempt()
            if _reference(result) == expected:
                return result
        except Exception:  # any failure here means: try the next way
            continue
    raise DocumentError(f"{'.'.join(path)}: cannot edit this key here without changing the text "
                        "around it; edit the file by hand")


# --- splices --------------------------------------------------------------------------------


def _deepest(data: Any, path: Sequence[str]) -> tuple[list[Any], int]:
    """The chain of existing mappings along `path` (root first) and how many parts exist."""
    chain = [data]
    for depth, key in enumerate(path[:-1]):
        inner = chain[-1].get(key)
        if not isinstance(inner, CommentedMap):
            return chain, depth
        chain.append(inner)
    return chain, len(path) - 1


def _insert_pair(lines: _Lines, chain: list[Any], path: Sequence[str], depth: int,
                 value: Any) -> str:
    """Add `path[depth]` (holding the rest of the path) at the end of its mapping."""
    mapping = chain[-1]
    nested: Any = value
    for key in reversed(path[depth + 1:]):
        nested = {key: nested}
    if depth == 0 and not mapping:
        # An empty or comment-only document: the new key goes after what is there.
        if mapping.fa.flow_style():
            raise _Unplaceable
        text = lines.text
        if not text.strip(" \t\r\n\ufeff"):
            prefix = "\ufeff" if text.startswith("\ufeff") else ""
            return lines.splice(0, len(text), prefix + _dump({path[0]: nested}))
        gap = "" if text.endswith("\n") else "\n"
        return lines.splice(len(text), len(text), gap + _dump({path[0]: nested}))
    if not mapping:
        # An empty nested mapping (`servers: {}`): the key's value becomes the new block.
        parent = chain[-2]
        first, end, indent = _key_span(lines, parent, path[depth - 1])
        return lines.splice(lines.offset(first), lines.offset(end),
                            _render_pair(path[depth - 1], {path[depth]: nested}, indent))
    last = list(mapping)[-1]
    _, end, indent = _key_span(lines, mapping, last)
    at = lines.offset(end)
    gap = "\n" if at == len(lines.text) and not lines.text.endswith("\n") else ""
    return lines.splice(at, at, gap + _render_pair(path[depth], nested, indent))


def _splice_set(text: str, path: Sequence[str], value: Any) -> str:
    data, lines = _load(text), _Lines(text)
    chain, depth = _deepest(data, path)
    if depth == len(path) - 1 and path[-1] in chain[-1]:
        first, end, indent = _key_span(lines, chain[-1], path[-1])
        return lines.splice(lines.offset(first), lines.offset(end),
                            _render_pair(path[-1], value, indent))
    if depth < len(path) - 1 and path[depth] in chain[-1]:
        # A key left empty on the way (`mcpServers:`): it gets the new value below it.
        nested: Any = value
        for key in reversed(path[depth + 1:]):
            nested = {key: nested}
        first, end, indent = _key_span(lines, chain[-1], path[depth])
        return lines.splice(lines.offset(first), lines.offset(end),
                            _render_pair(path[depth], nested, indent))
    return _insert_pair(lines, chain, path, depth, value)


def _splice_remove(text: str, path: Sequence[str]) -> str:
    data, lines = _load(text), _Lines(text)
    chain, _ = _deepest(data, path)
    mapping = chain[-1]
    first, end, _ = _key_span(lines, mapping, path[-1])
    result = lines.splice(lines.offset(first), lines.offset(end), "")
    if len(mapping) == 1 and len(chain) > 1:
        # The mapping's last key: it stays as `{}` (as in JSON and TOML), not as a null.
        parent_line, _, _ = _key_span(lines, chain[-2], path[-2])
        colon = _colon_end(lines, parent_line)
        result = result[:colon] + " {}" + result[colon:]
    return result


def _splice_list(text: str, path: Sequence[str], entries: list[Any]) -> str:
    data, lines = _load(text), _Lines(text)
    chain, depth = _deepest(data, path)
    current = chain[-1].get(path[-1]) if depth == len(path) - 1 else None
    if not isinstance(current, CommentedSeq) or current.fa.flow_style() or not current:
        if depth == len(path) - 1 and path[-1] in chain[-1]:
            if not entries and isinstance(current, list) and not current:
                return text
            # A string (Aider's one-file shorthand), an empty or a flow list: rewritten as the
            # person wrote it, flow stays flow.
            rendered: Any = entries
            if isinstance(current, CommentedSeq) and current.fa.flow_style() and current:
                rendered = CommentedSeq(entries)
                rendered.fa.set_flow_style()
            first, end, indent = _key_span(lines, chain[-1], path[-1])
            return lines.splice(lines.offset(first), lines.offset(end),
                                _render_pair(path[-1], rendered, indent))
        return text if not entries else _splice_set(text, path, entries)
    keys = [json.dumps(_plain(v), sort_keys=True) for v in current]
    wanted = [json.dumps(json_shaped(v), sort_keys=True) for v in entries]
    spans = [_item_span(lines, current, i) for i in range(len(current))]
    result = text
    matcher = difflib.SequenceMatcher(a=keys, b=wanted, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for first, end, _ in reversed(spans[i1:i2]):
            result = result[:lines.offset(first)] + result[lines.offset(end):]
        if j2 > j1:
            at = lines.offset(spans[i1][0]) if i1 < len(spans) else lines.offset(spans[-1][1])
            gap = "\n" if at == len(text) and not text.endswith("\n") else ""
            piece = gap + _render_items(entries[j1:j2], spans[min(i1, len(spans) - 1)][2])
            result = result[:at] + lines.converted(piece) + result[at:]
    if not entries:
        first, _, _ = _key_span(lines, chain[-1], path[-1])
        colon = _colon_end(lines, first)
        result = result[:colon] + " []" + result[colon:]
    return result


# --- ruamel's round trip, for what the splice cannot place -------------------------------------


def _round_trip(text: str, change: Callable[[Any], None]) -> str:
    data = _load(text)
    change(data)
    yaml = _yaml()
    yaml.explicit_start = text.lstrip("\ufeff \t\r\n").startswith("---")
    stream = io.StringIO()
    yaml.dump(data, stream)
    result = stream.getvalue()
    if "\r\n" in text:
        result = re.sub(r"(?<!\r)\n", "\r\n", result)
    return result


def _round_trip_set(text: str, path: Sequence[str], value: Any) -> str:
    return _round_trip(text, lambda data: _container(data, path, create=True).__setitem__(
        path[-1], value))


def _round_trip_remove(text: str, path: Sequence[str]) -> str:
    return _round_trip(text, lambda data: _container(data, path, create=False).pop(path[-1]))


def _round_trip_list(text: str, path: Sequence[str], entries: list[Any]) -> str:
    return _round_trip(text, lambda data: _container(data, path, create=True).__setitem__(
        path[-1], entries))
