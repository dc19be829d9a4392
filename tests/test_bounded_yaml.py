"""bounded_yaml: libyaml's fast path gives exactly what the bounded pure-Python loader gives.

The fast path is a speed-up only: for any text (valid, malformed or hostile) `load` must return
the same value as the pure loader, or raise the same error with the same message and line mark.
Texts are generated from YAML's own punctuation so that both loaders meet their edge cases
(flow and block collections, quotes, comments, tabs, documents markers, control characters).

AIWG_PROPERTY_EXAMPLES=N runs N examples per property.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwg import bounded_yaml

EXAMPLES = int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0"))


def examples(default: int) -> Any:
    return settings(max_examples=EXAMPLES or default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def outcome(load: Any, text: str) -> tuple[str, Any]:
    """('value', v) or ('error', (type, problem, line)), comparable across loaders."""
    try:
        return "value", load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return "error", (type(error).__name__, getattr(error, "problem", None) or str(error),
                         None if mark is None else (mark.line, mark.column))


PIECES = st.sampled_from([
    "name", "description", "tags", "x", "é", "🚀", "1.5", "\"1.0\"", "yes", "null", "~", "0o17",
    "2026-12-02", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "? ", "#", " # c", "'", "\"",
    "\\", "\n", "\n  ", "\n    ", "\t", "---", "...", "!!str ", "!x ", "*a", "%", "@", "`", "|",
    ">", "\x07", "\u2028", "\ufeff", " ", "|-", ">+", "|2", "<<", "!!binary ", "!!set ", "\r",
    "'it''s'", '"\\u00e9"', '"\\x07"', "0x1F", ".inf", "1e3", "=", "\n- ", "\n  - ", "\x00",
    "\U0001F600", "%YAML 1.1\n", "%TAG ! x\n", "!<x> ", "&a ", "\n\n",
])
TEXTS = st.lists(PIECES, max_size=30).map("".join)

FRONTMATTER = st.fixed_dictionaries({
    "name": st.text(alphabet="abc-_é 🚀", max_size=10),
    "description": st.text(alphabet="ab :#-'\"\\/é", max_size=20),
}, optional={
    "tags": st.lists(st.text(alphabet="abc:-,", max_size=6), max_size=4),
    "version": st.one_of(st.integers(), st.floats(allow_nan=False),
                        st.text(alphabet="1.0ab é", max_size=4)),
    "always": st.booleans(),
    "env": st.dictionaries(st.sampled_from(["A", "B_C"]), st.text(alphabet="${}ab", max_size=6)),
})


@examples(600)
@given(TEXTS)
def test_fast_and_pure_loaders_agree_on_any_text(text: str) -> None:
    assert outcome(bounded_yaml.load, text) == outcome(bounded_yaml._pure_load, text)


@examples(200)
@given(FRONTMATTER, st.sampled_from([None, 0, 1000]), st.booleans())
def test_fast_and_pure_loaders_agree_on_dumped_mappings(data: dict[str, Any], width: int | None,
                                                        flow: bool) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, width=width, default_flow_style=flow)
    assert outcome(bounded_yaml.load, text) == outcome(bounded_yaml._pure_load, text)
    assert bounded_yaml.load(text) == data


@pytest.mark.parametrize("text", [
    "a: &a [1]\nb: *a\n",                 # an anchor: always the pure, bounded loader
    "- " * 60 + "x\n",                    # could nest past MAX_DEPTH
    "x: [" + "1, " * 6000 + "1]\n",       # could compose past MAX_NODES
])
def test_texts_that_could_reach_a_bound_skip_the_fast_path(text: str) -> None:
    assert not bounded_yaml._fast_path_is_safe(text)


def test_an_ordinary_frontmatter_takes_the_fast_path() -> None:
    text = ('name: rule-0001\ndescription: A rule.\nversion: "1.2"\nseverity: high\n'
            'tags: [core, synthetic]\nglobs: ["src/**/*.py"]\n')
    assert bounded_yaml._fast_path_is_safe(text)
    assert bounded_yaml.load(text)["globs"] == ["src/**/*.py"]


@pytest.mark.parametrize("depth", [bounded_yaml.MAX_DEPTH - 1, bounded_yaml.MAX_DEPTH,
                                   bounded_yaml.MAX_DEPTH + 1])
def test_nesting_at_the_bound_loads_or_fails_the_same_either_way(depth: int) -> None:
    for text in ("[" * depth + "]" * depth, "- " * depth + "x\n"):
        assert outcome(bounded_yaml.load, text) == outcome(bounded_yaml._pure_load, text)
    deep = "[" * (bounded_yaml.MAX_DEPTH + 1) + "]" * (bounded_yaml.MAX_DEPTH + 1)
    assert "nested more than" in str(outcome(bounded_yaml.load, deep)[1])
