"""Terminal and machine output. Human text goes through rich; --json prints one document."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console

_CONSOLES: dict[str, Console] = {}


def __getattr__(name: str) -> Console:
    """`out` and `err`, made on first use: importing rich costs more than `aiwg --version`."""
    if name not in ("out", "err"):
        raise AttributeError(name)
    return _get(name)


def _get(name: str) -> Console:
    if name not in _CONSOLES:
        from rich.console import Console

        _CONSOLES[name] = Console(stderr=name == "err", highlight=False, soft_wrap=True)
    return _CONSOLES[name]


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def line(text: str, style: str | None = None) -> None:
    _get("out").print(escape(text), style=style)


def error(text: str) -> None:
    _get("err").print(escape(f"aiwg: {text}"), style="red")


def warn(text: str) -> None:
    _get("err").print(escape(text), style="yellow")


DIFF_STYLES = {"+": "green", "-": "red", "@": "cyan", "#": "yellow"}


def diff(lines: list[str]) -> None:
    for text in lines:
        style = None if text.startswith(("+++", "---")) else DIFF_STYLES.get(text[:1])
        _get("out").print(escape(text.rstrip("\n")), style=style)
