"""TOML edited with tomlkit, which round-trips comments, order and formatting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from aiwg.keyed.base import MISSING, DocumentError


def _load(text: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as error:
        raise DocumentError(str(error.args[0]) if error.args else "invalid TOML",
                            error.line, error.col) from None


def _item(value: Any) -> Any:
    if value is None:
        raise ValueError("TOML has no null value")
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table[key] = _item(inner)
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for inner in value:
            array.append(_item(inner))
        return array
    return value


def _table(value: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for key, inner in value.items():
        table[key] = _item(inner)
    return table


class TomlEditor:
    syntax = "toml"

    def parse(self, text: str) -> Any:
        return _load(text).unwrap()

    def _container(self, doc: TOMLDocument, path: Sequence[str], create: bool) -> Any:
        container: Any = doc
        for depth, key in enumerate(path[:-1]):
            if key not in container:
                if not create:
                    return None
                container[key] = tomlkit.table(is_super_table=True)
            container = container[key]
            if not isinstance(container, Mapping):
                raise DocumentError(f"{'.'.join(path[:depth + 1])} is not a table")
        return container

    def read(self, text: str, path: Sequence[str]) -> Any:
        container = self._container(_load(text), path, create=False)
        if container is None or path[-1] not in container:
            return MISSING
        item = container[path[-1]]
        return item.unwrap() if hasattr(item, "unwrap") else item

    def write(self, text: str, path: Sequence[str], value: Any) -> str:
        doc = _load(text)
        container = self._container(doc, path, create=True)
        new = _table(value) if isinstance(value, Mapping) else _item(value)
        if path[-1] in container:
            container[path[-1]] = new
            return doc.as_string()
        if isinstance(new, Table) and text.strip() and not text.endswith("\n\n"):
            new.trivia.indent = ""
            doc_text = doc.as_string()
            container[path[-1]] = new
            result = doc.as_string()
            # tomlkit appends a new table right after the last line; keep one blank line between.
            if result.startswith(doc_text) and not doc_text.endswith("\n\n"):
                sep = "" if doc_text.endswith("\n") else "\n"
                return doc_text + sep + "\n" + result[len(doc_text):].lstrip("\n")
            return result
        container[path[-1]] = new
        return doc.as_string()

    def is_skeleton(self, text: str) -> bool:
        """aiwg's tables leave nothing behind when removed: only whitespace is its skeleton."""
        return not text.strip()

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str:
        for path, value in edits:
            text = self.write(text, path, value)
        return text

    def remove(self, text: str, path: Sequence[str]) -> str:
        doc = _load(text)
        container = self._container(doc, path, create=False)
        if container is None or path[-1] not in container:
            return text
        was_last = list(doc.keys())[-1] == path[0]
        del container[path[-1]]
        result = doc.as_string()
        # `write` put one blank line before a table it appended; take it away again.
        if was_last and result.endswith("\n\n"):
            result = result.rstrip("\n") + "\n"
        return result
