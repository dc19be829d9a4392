"""YAML from a library file, with bounds an alias bomb or a nesting attack cannot get past.

PyYAML's safe loader shares aliased nodes, so a 14-line "billion laughs" loads in
microseconds, and then hangs whatever walks the value (validation, rendering, JSON). The
composed node graph is measured before any value is built: its depth, whether an alias points
back into itself, and its size with every alias expanded. Anything over the bounds is a YAML
error with a line mark, like any other malformed YAML.

Most library files are small, anchor-free mappings; those are parsed by libyaml (when PyYAML
has it), which is many times faster than the pure-Python parser. The fast path is taken only
when the text itself proves the bounds cannot be reached, and anything it rejects is parsed
again by the pure-Python loader, so values, errors and their marks are the same either way.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, SequenceNode

# Far above what a frontmatter block or an MCP server needs, far below what hangs a run.
MAX_DEPTH = 50
MAX_NODES = 20_000
# Every collection a YAML node can open needs one of these characters of its own (a flow
# bracket, a block entry's dash, a key's colon or question mark), so a text with fewer of
# them than MAX_DEPTH cannot nest that deep: libyaml's recursive composer is safe on it.
_NESTING_MARKS = "[{-:?"


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        # Depth is checked while composing, before the recursion it would cost.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                    mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expanded_size(node)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded_size(root: Node) -> None:
    """Refuse a graph whose aliases refer to themselves or expand past MAX_NODES."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise ComposerError(None, None, f"expands to more than {MAX_NODES} values "
                                    "(aliases repeated inside aliases)", node.start_mark)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ComposerError(None, None, "an alias refers to the node that contains it",
                                node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)
# Characters libyaml and PyYAML read differently (tabs, Unicode line breaks, a BOM inside the
# text; found by tests/test_bounded_yaml.py's differential properties):
# a text holding one is left to the pure loader, the reference.
_PURE_ONLY = frozenset("\t\r\u2028\u2029\x85\ufeff")
# Constructs libyaml takes and PyYAML refuses: a block scalar header run into a comment
# (`|#`, `>-#`), and `? ` (an explicit key) inside a flow collection's plain scalar.
_PURE_ONLY_SYNTAX = re.compile(r"[|>][-+0-9]*#|\?(?:[ \n]|$)")


def _fast_path_is_safe(text: str) -> bool:
    """True when the text cannot hold an alias (no anchor), nest MAX_DEPTH deep or compose
    MAX_NODES values (a value takes at least one character, a null key and its null value
    share one `?`: a quarter of MAX_NODES characters leaves room to spare)."""
    if "&" in text or len(text) >= MAX_NODES // 4 or not _PURE_ONLY.isdisjoint(text):
        return False
    if _PURE_ONLY_SYNTAX.search(text):
        return False
    return sum(text.count(mark) for mark in _NESTING_MARKS) < MAX_DEPTH


def load(text: str) -> Any:
    """The value of one YAML document, or a yaml.YAMLError (with a mark) for bad or hostile YAML."""
    if _FAST_LOADER is not None and _fast_path_is_safe(text):
        fast = _FAST_LOADER(text)
        try:
            return fast.get_single_data()
        except Exception:  # whatever libyaml refuses, the pure loader words (or takes) it
            pass  # fall through to the reference loader
        finally:
            fast.dispose()
    return _pure_load(text)


def _pure_load(text: str) -> Any:
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
