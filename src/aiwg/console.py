"""Terminal and machine output. Human text goes through rich; --json prints one document."""

from __future__ import annotations

import json
import os
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


class _Settings:
    """How much the person asked to see; set once per run from the global flags."""

    quiet = False  # --quiet: errors and the documents asked for (--json, diffs) only
    verbose = False  # --verbose: every output, not only what changed
    json_errors = False  # the command runs under --json: errors are a JSON document too


settings = _Settings()


def set_verbosity(*, quiet: bool, verbose: bool) -> None:
    settings.quiet, settings.verbose = quiet, verbose and not quiet


def set_json_errors(enabled: bool) -> None:
    settings.json_errors = enabled


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def _plain(style: str | None) -> bool:
    """True when rich would print the text unchanged: no style, or no terminal to style for
    (and no FORCE_COLOR). Such lines skip rich, which a no-op run need not import."""
    if style is None:
        return True
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return not (isatty and isatty())


def line(text: str, style: str | None = None) -> None:
    """A line of the human report; --quiet leaves it out."""
    if settings.quiet:
        return
    if _plain(style):
        sys.stdout.write(text + "\n")
    else:
        _get("out").print(escape(text), style=style)


def detail(text: str, style: str | None = None) -> None:
    """A line only --verbose prints."""
    if settings.verbose:
        _get("out").print(escape(text), style=style)


def error(text: str, exit_code: int | None = None, problems: list[str] | None = None) -> None:
    """An error: one line on stderr, or under --json one document on stdout (never both)."""
    if settings.json_errors and exit_code is not None:
        document: dict[str, Any] = {"error": text, "exit_code": exit_code}
        if problems:
            document["problems"] = problems
        print_json(document)
        return
    for problem in problems or ():
        _get("err").print(problem, markup=False, highlight=False)
    _get("err").print(escape(f"aiwg: {text}"), style="red")


def warn(text: str) -> None:
    if not settings.quiet:
        _get("err").print(escape(text), style="yellow")


DIFF_STYLES = {"+": "green", "-": "red", "@": "cyan", "#": "yellow"}


def diff(lines: list[str]) -> None:
    for text in lines:
        style = None if text.startswith(("+++", "---")) else DIFF_STYLES.get(text[:1])
        _get("out").print(escape(text.rstrip("\n")), style=style)
