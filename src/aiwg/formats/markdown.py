"""Markdown with YAML frontmatter (rules, agents, commands, skills on most platforms)."""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.emitter import Emitter
from yaml.nodes import ScalarNode

WIDTH = 1000
_STR_TAG = "tag:yaml.org,2002:str"
# A line this long can never reach the emitter's fold column, so plain scalars are not split.
_LONGEST_LINE = WIDTH - 8


def frontmatter_text(fields: Mapping[str, Any]) -> str:
    """The fields as YAML, exactly as `yaml.safe_dump` writes them.

    A deploy writes thousands of frontmatters of a few flat fields; PyYAML's pure-Python
    representer, serializer and emitter took most of rendering. The common shape (string keys;
    values that are one-line strings, integers, booleans, nulls or flat lists of those) is
    written here directly, using PyYAML's own scalar analysis and resolver to choose plain or
    single-quoted style as its emitter does; anything else is left to safe_dump itself.
    """
    text = _flat_frontmatter(fields)
    if text is not None:
        return text
    return yaml.safe_dump(dict(fields), sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=WIDTH)


def render_markdown(fields: Mapping[str, Any], body: str) -> str:
    """Frontmatter (only when there are fields) and the body, ending in exactly one newline."""
    text = body.strip("\n") + "\n"
    if not fields:
        return text
    return f"---\n{frontmatter_text(fields)}---\n\n{text}"


def _flat_frontmatter(fields: Mapping[str, Any]) -> str | None:
    """The YAML of a flat mapping of one-line scalars, else None."""
    if not fields:
        return None
    lines: list[str] = []
    for key, value in fields.items():
        if type(key) is not str:
            return None
        shown = _written(key, simple_key=True)
        if shown is None:
            return None
        if type(value) is list:
            if not value:
                lines.append(f"{shown}: []")
                continue
            lines.append(f"{shown}:")
            for element in value:
                scalar = _scalar(element)
                if scalar is None or len(scalar) > _LONGEST_LINE:
                    return None
                lines.append(f"- {scalar}")
            continue
        scalar = _scalar(value)
        if scalar is None or len(shown) + len(scalar) > _LONGEST_LINE:
            return None
        lines.append(f"{shown}: {scalar}")
    lines.append("")
    return "\n".join(lines)


def _scalar(value: object) -> str | None:
    """How safe_dump writes a block-context scalar value, or None to leave it to safe_dump."""
    kind = type(value)
    if kind is str:
        assert isinstance(value, str)
        return _written(value, simple_key=False)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    return None  # floats, dates, nested collections: safe_dump's own representers


_ANALYZER = Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.SafeDumper(io.StringIO())


@functools.lru_cache(maxsize=8192)
def _written(text: str, *, simple_key: bool) -> str | None:
    """The string as PyYAML writes it in block context (Emitter.choose_scalar_style): plain
    when it reads back as a string and nothing in it needs quoting, else single-quoted when
    that can hold it on one line; None for what only safe_dump itself should write (double
    quotes, multi-line text, an empty key)."""
    analysis = _ANALYZER.analyze_scalar(text)
    if analysis.multiline or (simple_key and analysis.empty):
        return None
    # A simple key is shorter than 128 characters counting its tag as the emitter prepares it
    # (`!!str`, even though it is not written); a longer one is written as `? key`.
    if simple_key and len(text) + len("!!str") >= 128:
        return None
    implicit = _RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
    if implicit and analysis.allow_block_plain and not analysis.empty:
        return text
    if analysis.allow_single_quoted:
        return "'" + text.replace("'", "''") + "'"
    return None
