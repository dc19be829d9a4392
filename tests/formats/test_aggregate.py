import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.errors import InputError
from aiwg.formats.aggregate import (
    fit_section,
    index_line,
    measure,
    related_order,
    render_item,
)
from aiwg.items import Item


def rule(name: str, severity: str, size: int = 400, checks: tuple[str, ...] = ("one",)) -> Item:
    body = f"# {name.title()}\n\n## Rule\n\n" + ("word " * (size // 5)) + "\n\n## What to check\n\n- one\n"
    return Item(kind="rule", name=name, description=f"About {name}.", body=body,
                severity=severity, checks=checks)


ITEMS = [rule("alpha", "critical"), rule("beta", "high"), rule("gamma", "medium"),
         rule("delta", "low")]


def where(item: Item) -> str:
    return f".aiwg/rules/{item.name}.md"


def test_no_budget_keeps_everything_in_full() -> None:
    fitted = fit_section(ITEMS, None, "bytes", where, label="AGENTS.md")
    assert set(fitted.levels.values()) == {"full"}
    assert "#### Rule" in fitted.text  # item headings nest under the section's


def test_budget_keeps_critical_and_high_in_full_before_any_summary() -> None:
    full = fit_section(ITEMS, None, "bytes", where, label="x").size
    fitted = fit_section(ITEMS, full - 200, "bytes", where, label="x")
    assert fitted.size <= full - 200
    assert fitted.levels["rule/delta"] != "full"
    assert fitted.levels["rule/alpha"] == "full"
    assert fitted.levels["rule/beta"] == "full"
    assert fitted.size == len(fitted.text.encode())


def test_index_lines_share_one_line_that_says_where_the_full_texts_are() -> None:
    fitted = fit_section(ITEMS, 460, "bytes", where, label="x")
    assert "index" in fitted.levels.values()
    assert fitted.text.count("Full texts are in `.aiwg/rules/<name>.md`.") == 1
    assert "- **delta** (low): About delta.\n" in fitted.text
    assert fitted.size <= 460


def test_when_index_lines_do_not_fit_they_go_to_the_index_file() -> None:
    many = [rule(f"r{i:03d}", "medium") for i in range(200)]
    fitted = fit_section(many, 2000, "bytes", where, label="x", index_path="IDX.md")
    assert fitted.size <= 2000
    assert fitted.index is not None
    listed = [k for k, v in fitted.levels.items() if v == "listed"]
    assert listed and "more rules are listed one per line in `IDX.md`" in fitted.text
    for key in listed:
        name = key.split("/")[1]
        assert f"- **{name}** (medium): About {name}.\n" in fitted.index
        assert f"**{name}**" not in fitted.text
    assert "Full texts are in `.aiwg/rules/<name>.md`." in fitted.index


def test_critical_items_stay_in_the_section_beside_the_index_pointer() -> None:
    many = [rule(f"r{i:03d}", "low") for i in range(300)] + [rule("keep", "critical")]
    fitted = fit_section(many, 3000, "bytes", where, label="x", index_path="IDX.md")
    assert fitted.levels["rule/keep"] in ("full", "summary")
    assert "### Keep (critical)" in fitted.text


def test_pinned_items_that_cannot_fit_fail_with_how_much() -> None:
    big = rule("big", "low", size=4000, checks=tuple(f"check {i}" for i in range(80)))
    with pytest.raises(InputError, match=r"AGENTS.md: the items pinned by name \(rule/big\) "
                                         r"take \d+ bytes .* over the budget of 500 by \d+"):
        fit_section([big, *ITEMS], 500, "bytes", where, label="AGENTS.md", index_path="I.md",
                    pinned={"rule/big"})


def test_without_an_index_file_too_small_a_budget_says_by_how_much() -> None:
    with pytest.raises(InputError, match=r"AGENTS.md: .* over the budget of 10 by \d+"):
        fit_section(ITEMS, 10, "bytes", where, label="AGENTS.md")


def test_same_input_same_bytes() -> None:
    a = fit_section(ITEMS, 900, "chars", where, label="x", index_path="i.md")
    b = fit_section(list(ITEMS), 900, "chars", where, label="x", index_path="i.md")
    assert a == b


def test_summary_keeps_every_check() -> None:
    item = rule("checked", "medium", checks=("first check", "second check", "third check"))
    text = render_item(item, "summary", "x.md")
    assert all(f"- {c}" in text for c in item.checks)


def test_scoped_rule_says_its_scope() -> None:
    item = Item(kind="rule", name="py", description="d", body="# Py\n\nx\n", globs=("**/*.py",))
    assert "_Applies when working on files matching `**/*.py`._" in render_item(item, "full", None)


def test_enhanced_items_follow_the_item_and_index_lines_say_see_also() -> None:
    a = Item(kind="rule", name="a", description="A.", enhances=("z",))
    m = Item(kind="rule", name="m", description="M.")
    z = Item(kind="rule", name="z", description="Z.")
    assert [i.name for i in related_order([m, z, a])] == ["a", "z", "m"]
    assert index_line(a) == "- **a**: A. See also: z.\n"


SEVERITY = st.sampled_from(["critical", "high", "medium", "low", None])
LIBRARY = st.lists(st.tuples(st.integers(0, 3000), SEVERITY, st.integers(0, 6)),
                   min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(LIBRARY, st.integers(700, 40000), st.sampled_from(["bytes", "chars"]),
       st.integers(0, 400))
def test_any_library_fits_any_budget_above_the_pointer_and_every_item_is_reachable(
        spec: list[tuple[int, str | None, int]], budget: int, unit: str, overhead: int) -> None:
    items = [Item(kind="rule", name=f"r{i}", description="é" * (i % 70) + ".",
                  body=f"# R{i}\n\n" + "ü" * size, severity=severity,
                  checks=tuple(f"c{i}.{n}" for n in range(checks)))
             for i, (size, severity, checks) in enumerate(spec)]
    fitted = fit_section(items, budget, unit, where, label="x", index_path="IDX.md",
                         overhead=overhead)
    assert fitted.size + overhead <= budget
    assert fitted.size == measure(fitted.text, unit)
    assert set(fitted.levels) == {i.id for i in items}
    for item in items:
        level = fitted.levels[item.id]
        if level == "listed":
            assert fitted.index is not None and index_line(item) in fitted.index
        elif level == "index":
            assert index_line(item) in fitted.text
        else:
            assert f"### R{item.name[1:]}" in fitted.text
        if level == "summary":
            assert all(f"- {check}\n" in fitted.text for check in item.checks)
    assert (fitted.index is None) == ("listed" not in fitted.levels.values())
