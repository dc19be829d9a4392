"""What every keyed-document editor shares: the MISSING marker and the parse error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def keeping_no_final_newline(text: str, edit: Callable[[str], str],
                             parse: Callable[[str], Any]) -> str:
    """`edit(text)` for a file whose last line has no newline, done so the result has none
    either. Appending after such a line must end it; done naively, removing the appended part
    again would leave that newline in the person's file. So the edit runs on the text with its
    last line ended and the newline comes off afterwards, but only where neither changes what
    the file says (a YAML block scalar ending the file would gain or lose a line break)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    if text.endswith("\n") or not text.strip(" \t\r\n\ufeff"):
        return edit(text)
    ended = text + newline
    if parse(ended) != parse(text):
        return edit(text)
    result = edit(ended)
    if result.endswith(newline):
        trimmed = result.removesuffix(newline)
        if parse(trimmed) == parse(result):
            return trimmed
    return result
