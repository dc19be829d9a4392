"""formats.markdown: the flat-frontmatter writer is byte-identical to yaml.safe_dump.

The writer is only a speed-up: for any mapping (keys and values chosen to hit every reason
PyYAML quotes, folds or refuses a plain scalar) `frontmatter_text` must equal safe_dump's text.
AIWG_PROPERTY_EXAMPLES=N runs N examples per property.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwg.formats import markdown
from aiwg.formats.markdown import frontmatter_text, render_markdown

EXAMPLES = int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0"))


def reference(fields: dict[str, Any]) -> str:
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=1000)


TRICKY = st.sampled_from([
    "", " ", "a", "yes", "No", "on", "null", "~", "true", "1", "1.0", "0o17", "0x1F", "1e3",
    ".inf", "-", "- x", "-x", "#x", "x #y", "x#y", "a: b", "a:b", ":a", "?", "? x", "[x]", "{x}",
    "x, y", "*x", "&x", "!x", "%x", "@x", "`x", "'x'", '"x"', "|", ">", "x\ny", "x\n", " x",
    "x ", "é", "🚀", "\u2028", "\x85", "\x07", "\t", "a\tb", "2026-12-02", "12:30", "=",
    "<<", "Read,Grep", "src/**/*.py", "$ARGUMENTS", "[target]", "x" * 127, "x" * 128,
    "word " * 250,
])
TEXT = st.one_of(TRICKY, st.text(max_size=12), st.lists(TRICKY, max_size=3).map(" ".join))
SCALAR = st.one_of(TEXT, st.integers(), st.booleans(), st.none(),
                   st.floats(allow_nan=False), st.just(datetime.date(2026, 12, 2)))
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=4),
                  st.dictionaries(TEXT, SCALAR, max_size=2), st.lists(st.lists(TEXT, max_size=2)))


@settings(max_examples=EXAMPLES or 800, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(TEXT, st.sampled_from(["name", "description", "tools"])),
                       VALUE, max_size=6))
def test_frontmatter_text_equals_safe_dump(fields: dict[str, Any]) -> None:
    assert frontmatter_text(fields) == reference(fields)


def test_an_ordinary_frontmatter_is_written_without_safe_dump() -> None:
    fields = {"name": "agent-0001", "description": "Synthetic agent 1.", "tools": ["Read", "Grep"],
              "model": "inherit", "alwaysApply": False, "version": 3, "globs": "src/**/*.py",
              "empty": [], "argument-hint": "[target]", "on": "yes", "quoted": "it's", "blank": ""}
    text = markdown._flat_frontmatter(fields)
    assert text == reference(fields)
    assert render_markdown(fields, "\nBody\n\n") == f"---\n{text}---\n\nBody\n"


def test_scalars_that_need_double_quotes_or_folding_go_to_safe_dump() -> None:
    for value in ("x\ny", "\x07", "a\u2028b", "word " * 250, 1.5):
        assert markdown._flat_frontmatter({"description": value}) is None
