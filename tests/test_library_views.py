"""`aiwg list` output shape (issues 9 and 12): why each item is in or out, ids never cut, at
most two lines per item at 80 columns, plain TSV when piped."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import aiwg, make_project, write_item
from rich.console import Console

from aiwg import console
from aiwg.commands.library_views import Row, list_lines

LONG_NAME = "a-very-long-item-name-that-goes-on-and-on-for-quite-a-while-yes"  # 63 characters


def project_with_own_items(tmp_path: Path) -> Path:
    project = make_project(tmp_path)
    write_item(project, f"commands/{LONG_NAME}.md",
               f"---\nname: {LONG_NAME}\ndescription: {'word ' * 60}\n---\nBody.\n")
    write_item(project, "rules/mine.md", "---\nname: mine\ndescription: Mine.\n---\nMine.\n")
    return project


def terminal_list(project: Path, columns: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(console, "out", Console(force_terminal=True, color_system=None,
                                                highlight=False, soft_wrap=True))
    result = aiwg(project, "list")
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_terminal_list_keeps_ids_whole_in_at_most_two_lines(
        tmp_path: Path, columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with_own_items(tmp_path)
    ids = [row["id"] for row in aiwg(project, "list", "--json").json()["items"]]
    lines = terminal_list(project, columns, monkeypatch)
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    starts = [i for i, line in enumerate(lines) if line.split(" ", 1)[0] in ids]
    assert [lines[i].split(" ", 1)[0] for i in starts] == ids  # every id whole, in order
    item_lines = len(lines) - starts[0]
    assert item_lines <= 2 * len(ids)
    if columns == 80:
        assert "in: project layer" in "\n".join(lines)
        assert "out: builtin, not tagged core" in "\n".join(lines)


def test_piped_list_is_tsv_one_line_per_item(tmp_path: Path) -> None:
    project = project_with_own_items(tmp_path)
    result = aiwg(project, "list")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["id", "layer", "selected", "why", "description"]
    by_id = {row[0]: row for row in rows[1:]}
    assert all(len(row) == 5 for row in rows)
    assert by_id["rule/mine"][1:4] == ["project", "in", "project layer"]
    assert by_id[f"command/{LONG_NAME}"][2] == "in"
    assert by_id["agent/security-auditor"][2:4] == ["out", "builtin, not tagged core"]


def test_list_lines_move_the_reason_when_the_id_is_wide() -> None:
    rows = [Row("command/" + "x" * 70, "project", "out: builtin, not tagged core", "d " * 50)]
    lines = list_lines(rows, 80)
    assert lines[2] == "command/" + "x" * 70
    assert lines[3].startswith("    out: builtin, not tagged core — d d")
    assert all(len(line) <= 80 for line in lines)


def test_list_lines_one_line_each_when_there_is_room() -> None:
    rows = [Row("rule/a", "builtin", "in: builtin, tagged core", "Short."),
            Row("rule/bb", "project", "in: project layer", "Also short.")]
    assert list_lines(rows, 100) == [
        "id       why                       description",
        "rule/a   in: builtin, tagged core  Short.",
        "rule/bb  in: project layer         Also short.",
    ]
