"""What every keyed-document editor shares: the MISSING marker and the parse error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiwg.errors import InputError


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class DocumentError(InputError):
    """The text cannot be parsed, a key path runs through a non-mapping, or a value cannot be
    written in the file's syntax. An input error: callers add the file's path to the message."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line:
            return f"line {self.line}, column {self.column}: {self.message}"
        return self.message


def position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def json_shaped(value: Any) -> Any:
    """A value as a parser reads it back: mappings as dicts, tuples as lists."""
    if isinstance(value, Mapping):
        return {k: json_shaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_shaped(v) for v in value]
    return value
