from __future__ import annotations

import pytest

from aiwg.config import Selection
from aiwg.errors import InputError
from aiwg.items import Item
from aiwg.library import Library
from aiwg.select import judge, left_out, left_out_line, select_items, selection_reasons


def lib(*items: Item) -> Library:
    return Library({item.id: item for item in sorted(items, key=lambda i: i.id)})


def rule(name: str, *tags: str, severity: str | None = None, requires: tuple[str, ...] = (),
         conflicts: tuple[str, ...] = ()) -> Item:
    return Item(kind="rule", name=name, description=name, tags=tags, severity=severity,
                requires=requires, conflicts=conflicts)


def ids(library: Library, **selection: object) -> list[str]:
    return [item.id for item in select_items(library, Selection(**selection))]


SAMPLE = lib(
    rule("a", "core", severity="critical"),
    rule("b", "core", severity="low"),
    rule("c", "extra", severity="high"),
    rule("stateless-processes", "twelve"),
    Item(kind="skill", name="debug", description="d", tags=("core",)),
    Item(kind="agent", name="helper", description="h", tags=("core",)),
    Item(kind="mcp", name="github", description="g"),
    Item(kind="command", name="plan", description="p", tags=("core",)),
)


def test_default_selection_is_core_items_in_kind_order() -> None:
    assert ids(SAMPLE) == ["rule/a", "rule/b", "agent/helper", "command/plan", "skill/debug"]


def test_empty_tags_select_everything() -> None:
    assert ids(SAMPLE, tags=()) == [
        "rule/a", "rule/b", "rule/c", "rule/stateless-processes", "agent/helper",
        "command/plan", "skill/debug", "mcp/github"]


def test_kinds_filter() -> None:
    assert ids(SAMPLE, kinds=("skill", "rule")) == ["rule/a", "rule/b", "skill/debug"]


def test_any_tag_matches() -> None:
    assert ids(SAMPLE, tags=("extra", "twelve"), kinds=("rule",)) == [
        "rule/c", "rule/stateless-processes"]


def test_names_are_globs_and_bypass_tags() -> None:
    assert ids(SAMPLE, kinds=("rule",), names=("stateless-*",)) == [
        "rule/a", "rule/b", "rule/stateless-processes"]
    assert ids(SAMPLE, tags=("none",), names=("mcp/*",)) == ["mcp/github"]


def test_names_still_respect_kinds() -> None:
    assert ids(SAMPLE, tags=("none",), kinds=("rule",), names=("github",)) == []


def test_exclude_by_name_or_id() -> None:
    assert ids(SAMPLE, exclude=("rule/a", "debug", "command/*")) == ["rule/b", "agent/helper"]


def test_exclude_beats_names() -> None:
    assert ids(SAMPLE, tags=(), kinds=("rule",), names=("c",), exclude=("c",)) == [
        "rule/a", "rule/b", "rule/stateless-processes"]


def test_min_severity() -> None:
    # Items without a severity are kept; "medium" keeps critical, high and medium.
    assert ids(SAMPLE, tags=(), kinds=("rule",), min_severity="medium") == [
        "rule/a", "rule/c", "rule/stateless-processes"]
    assert ids(SAMPLE, tags=(), kinds=("rule",), min_severity="critical") == [
        "rule/a", "rule/stateless-processes"]


def test_names_ignore_min_severity() -> None:
    assert ids(SAMPLE, kinds=("rule",), names=("b",), min_severity="high") == ["rule/a", "rule/b"]


def test_requires_closure_is_transitive_and_ignores_filters() -> None:
    library = lib(
        rule("top", "core", requires=("middle",)),
        rule("middle", severity="low", requires=("skill/tool",)),
        Item(kind="skill", name="tool", description="t"),
        rule("unrelated"),
    )
    assert ids(library, kinds=("rule",), min_severity="high") == [
        "rule/middle", "rule/top", "skill/tool"]
    assert selection_reasons(library, Selection(kinds=("rule",))) == {
        "rule/middle": "required by rule/top",
        "rule/top": "builtin, tagged core",
        "skill/tool": "required by rule/middle",
    }


def test_requires_cycle_terminates() -> None:
    library = lib(rule("a", "core", requires=("b",)), rule("b", requires=("a",)))
    assert ids(library) == ["rule/a", "rule/b"]


def test_required_item_excluded_explicitly_is_an_error() -> None:
    library = lib(rule("a", "core", requires=("b",)), rule("b"))
    with pytest.raises(InputError) as caught:
        select_items(library, Selection(exclude=("rule/b",)))
    assert str(caught.value) == (
        "rule/a requires rule/b, which select.exclude leaves out ('rule/b'); "
        "include it or deselect rule/a")


def test_required_item_missing_is_an_error() -> None:
    library = lib(rule("a", "core", requires=("bee",)), rule("be"))
    with pytest.raises(InputError) as caught:
        select_items(library, Selection())
    assert str(caught.value) == (
        "rule/a requires 'bee', which is not in the library; did you mean 'be'?")


def test_conflicting_items_are_an_error() -> None:
    library = lib(rule("a", "core", conflicts=("b",)), rule("b", "core"))
    with pytest.raises(InputError) as caught:
        select_items(library, Selection())
    assert str(caught.value) == "rule/a conflicts with rule/b; deselect one"


def test_conflict_with_an_unselected_item_is_fine() -> None:
    library = lib(rule("a", "core", conflicts=("b",)), rule("b"))
    assert ids(library) == ["rule/a"]


def test_conflict_pulled_in_by_requires() -> None:
    library = lib(rule("a", "core", requires=("c",)), rule("b", "core", conflicts=("rule/c",)),
                  rule("c"))
    with pytest.raises(InputError, match=r"^rule/b conflicts with rule/c; deselect one$"):
        select_items(library, Selection())


def test_reasons() -> None:
    reasons = selection_reasons(SAMPLE, Selection(tags=("core",), names=("c",)))
    assert reasons == {"rule/a": "builtin, tagged core", "rule/b": "builtin, tagged core",
                       "rule/c": "name c", "agent/helper": "builtin, tagged core",
                       "command/plan": "builtin, tagged core", "skill/debug": "builtin, tagged core"}
    assert selection_reasons(SAMPLE, Selection(tags=(), kinds=("mcp",))) == {
        "mcp/github": "builtin layer"}


# --- a person's own layers are theirs: the tag and severity filters narrow the built-in only ----

OWN = lib(
    rule("core-rule", "core"),
    rule("plain-builtin", severity="low"),
    Item(kind="rule", name="mine", description="m", layer="project"),
    Item(kind="agent", name="helper", description="h", layer="user"),
    Item(kind="rule", name="shared", description="s", layer="project:../team", severity="low"),
    Item(kind="mcp", name="db", description="d", layer="project"),
)


def verdicts(library: Library, **selection: object) -> dict[str, str]:
    return {item_id: str(v) for item_id, v in judge(library, Selection(**selection)).items()}


def test_own_layers_need_no_tag_by_default() -> None:
    assert verdicts(OWN) == {
        "rule/core-rule": "in: builtin, tagged core",
        "rule/mine": "in: project layer",
        "rule/plain-builtin": "out: builtin, not tagged core",
        "rule/shared": "in: project:../team layer",
        "agent/helper": "in: user layer",
        "mcp/db": "in: project layer",
    }


def test_min_severity_narrows_only_the_builtin_layer_by_default() -> None:
    chosen = verdicts(OWN, tags=(), min_severity="high")
    assert chosen["rule/plain-builtin"] == "out: builtin, severity low below high"
    assert chosen["rule/shared"] == "in: project:../team layer"


def test_select_layers_narrows_the_layers_it_names() -> None:
    chosen = verdicts(OWN, layers=("builtin", "project"))
    assert chosen["rule/mine"] == "out: project, not tagged core"
    assert chosen["rule/shared"] == "out: project:../team, not tagged core"
    assert chosen["agent/helper"] == "in: user layer"
    assert verdicts(OWN, layers=())["rule/plain-builtin"] == "in: builtin layer"


def test_kinds_and_exclude_apply_to_every_layer() -> None:
    chosen = verdicts(OWN, kinds=("rule", "agent"), exclude=("rule/mine", "helper"))
    assert chosen["mcp/db"] == "out: kind mcp not in select.kinds"
    assert chosen["rule/mine"] == "out: excluded by rule/mine"
    assert chosen["agent/helper"] == "out: excluded by helper"


def test_left_out_counts_each_filter() -> None:
    found = judge(OWN, Selection(kinds=("rule", "agent"), exclude=("mine",)))
    assert left_out(found) == {"select.exclude": 1, "select.kinds": 1, "select.tags": 1}
    assert left_out_line(found) == (
        "the selection left out 3 library item(s) (1 by select.exclude, 1 by select.kinds, "
        "1 by select.tags); `aiwg list` says why")
    assert left_out_line(judge(OWN, Selection(tags=()))) is None
