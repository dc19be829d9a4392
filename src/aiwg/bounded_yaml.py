"""YAML from a library file, with bounds an alias bomb or a nesting attack cannot get past.

PyYAML's safe loader shares aliased nodes, so a 14-line "billion laughs" loads in
microseconds, and then hangs whatever walks the value (validation, rendering, JSON). The
composed node graph is measured before any value is built: its depth, whether an alias points
back into itself, and its size with every alias expanded. Anything over the bounds is a YAML
error with a line mark, like any other malformed YAML.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, SequenceNode

# Far above what a frontmatter block or an MCP server needs, far below what hangs a run.
MAX_DEPTH = 50
MAX_NODES = 20_000


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


def load(text: str) -> Any:
    """The value of one YAML document, or a yaml.YAMLError (with a mark) for bad or hostile YAML."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
