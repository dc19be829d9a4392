"""Owned keys inside a person's own config file: read, write and remove one entry while every
other byte of the file (other keys, comments, order, whitespace) stays as it was."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from aiwg.keyed.base import MISSING, DocumentError


class KeyedEditor(Protocol):
    syntax: str

    def parse(self, text: str) -> Any: ...

    def read(self, text: str, path: Sequence[str]) -> Any: ...

    def write(self, text: str, path: Sequence[str], value: Any) -> str: ...

    def write_many(self, text: str, edits: Sequence[tuple[Sequence[str], Any]]) -> str: ...

    def remove(self, text: str, path: Sequence[str]) -> str: ...

    def is_skeleton(self, text: str) -> bool: ...


def editor_for(syntax: str) -> KeyedEditor:
    # Each editor imported only when its syntax is met: a deploy that edits only JSON files
    # never pays for ruamel.yaml or tomlkit.
    if syntax in ("json", "jsonc", "json5"):
        from aiwg.keyed.json_family import JsonFamilyEditor

        return JsonFamilyEditor(syntax)
    if syntax == "toml":
        from aiwg.keyed.toml_doc import TomlEditor

        return TomlEditor()
    if syntax == "yaml":
        from aiwg.keyed.yaml_doc import YamlEditor

        return YamlEditor()
    raise ValueError(f"unknown document syntax {syntax!r}")


def is_skeleton(text: str, syntax: str | None) -> bool:
    """May a file aiwg created be deleted now? Only when what is left is exactly the skeleton aiwg
    itself would write (whitespace; `{}`; empty containers in aiwg's formatting): a comment or
    anything else a person added keeps the file."""
    if not text.strip():
        return True
    return syntax is not None and editor_for(syntax).is_skeleton(text)


__all__ = ["MISSING", "DocumentError", "KeyedEditor", "editor_for", "is_skeleton"]
