"""YAML edited with ruamel.yaml's round-trip mode, which keeps comments, order and quoting."""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from aiwg.keyed.base import MISSING, DocumentError


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _load(text: str) -> Any:
    if not text.strip():
        return CommentedMap()
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise DocumentError(str(error.problem or error), line, column) from None
    except YAMLError as error:
        raise DocumentError(str(error)) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, Mapping):
        raise DocumentError("the document is not a mapping")
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


class YamlEditor:
    syntax = "yaml"

    def parse(self, text: str) -> Any:
        return _plain(_load(text))

    def _container(self, data: Any, path: Sequence[str], create: bool) -> Any:
        container = data
        for depth, key in enumerate(path[:-1]):
            if key not in container:
                if not create:
                    return None
                container[key] = CommentedMap()
            container = container[key]
            if not isinstance(container, Mapping):
                raise DocumentError(f"{'.'.join(path[:depth + 1])} is not a mapping")
        return container

    def read(self, text: str, path: Sequence[str]) -> Any:
        container = self._container(_load(text), path, create=False)
        if container is None or path[-1] not in container:
            return MISSING
        return _plain(container[path[-1]])

    def write(self, text: str, path: Sequence[str], value: Any) -> str:
        data = _load(text)
        self._container(data, path, create=True)[path[-1]] = value
        return _dump(data)

    def write_list(self, text: str, path: Sequence[str], entries: list[Any]) -> str:
        """Make the list at `path` equal `entries`, changing only the entries that differ, so the
        entries aiwg does not own keep their comments and flow or block style."""
        data = _load(text)
        container = self._container(data, path, create=True)
        current = container.get(path[-1])
        if not isinstance(current, list):
            container[path[-1]] = entries
            return _dump(data)
        keys = [json.dumps(_plain(v), sort_keys=True) for v in current]
        wanted = [json.dumps(v, sort_keys=True) for v in entries]
        matcher = difflib.SequenceMatcher(a=keys, b=wanted, autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag != "equal":
                current[i1:i2] = entries[j1:j2]
        return _dump(data)

    def is_skeleton(self, text: str) -> bool:
        """What aiwg leaves of a YAML file it created: nothing, or an empty mapping."""
        return text.strip() in ("", "{}")

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str:
        data = _load(text)
        for path, value in edits:
            self._container(data, path, create=True)[path[-1]] = value
        return _dump(data)

    def remove(self, text: str, path: Sequence[str]) -> str:
        data = _load(text)
        container = self._container(data, path, create=False)
        if container is None or path[-1] not in container:
            return text
        del container[path[-1]]
        return _dump(data)
