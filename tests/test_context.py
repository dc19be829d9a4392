"""Issue 6: budgets fitted by projection, every rule reachable, and `aiwg context` figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import aiwg, make_project, write_item

from aiwg.adapters import default_registry
from aiwg.formats.aggregate import fit_section
from aiwg.items import Item

SEVERITIES = ("critical", "high", "medium", "low")
PROSE = "Keep it simple and say why. " * 12


def big_library(project: Path, count: int) -> None:
    for i in range(count):
        write_item(project, f"rules/rule-{i:03d}.md",
                   f"---\nname: rule-{i:03d}\ndescription: Synthetic rule {i}.\n"
                   f"severity: {SEVERITIES[i % 4]}\n---\n# Rule {i}\n\n## Rule\n\n{PROSE}\n\n"
                   f"## What to check\n\n- check {i}\n")


def test_300_rules_fit_codex_agents_md_and_every_rule_is_reachable(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    big_library(project, 300)
    result = aiwg(project, "deploy", "-p", "codex")
    assert result.exit_code == 0, result.stderr
    agents = (project / "AGENTS.md").read_bytes()
    assert len(agents) <= 32 * 1024
    text = agents.decode()
    for i in range(300):
        name = f"rule-{i:03d}"
        if f"### Rule {i} " in text:  # in full or as a summary, under its own heading
            continue
        match = re.search(rf"- \*\*{name}\*\* .*Full text: `([^`]+)`", text)
        assert match, f"{name} is not reachable from AGENTS.md"
        assert (project / match.group(1)).read_text().startswith(f"# Rule {i}")
    # Critical rules are the last to be reduced.
    assert "### Rule 0 (critical)" in text


def test_config_can_lower_a_budget(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n"
                                     "[budgets.codex]\nrule = 4000\n")
    big_library(project, 20)
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    block = (project / "AGENTS.md").read_text()
    assert len(block.encode()) <= 4000 + 200  # the budget covers the block's content


def test_a_budget_too_small_for_index_lines_fails_with_how_much(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n"
                                     "[budgets.codex]\nrule = 500\n")
    big_library(project, 40)
    result = aiwg(project, "deploy", "-p", "codex")
    assert result.exit_code == 2
    assert re.search(r"over the budget of 500 by \d+; deselect items", result.stderr)
    assert not (project / "AGENTS.md").exists()


@pytest.mark.parametrize("adapter", [a for a in default_registry().adapters
                                     for spec in a.kinds.values()
                                     if spec.budget and spec.format == "block"],
                         ids=lambda a: a.id)
def test_every_block_budget_is_honoured(adapter) -> None:  # type: ignore[no-untyped-def]
    spec = next(s for s in adapter.kinds.values() if s.budget and s.format == "block")
    items = [Item(kind="rule", name=f"r{i}", description="d" * 40, body=PROSE * 4,
                  severity=SEVERITIES[i % 4]) for i in range(200)]
    fitted = fit_section(items, spec.budget, spec.budget_unit, lambda i: f"x/{i.name}.md",
                         label=adapter.id)
    assert fitted.size <= spec.budget


def test_context_json_matches_the_files_on_disk(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    big_library(project, 120)
    (project / "AGENTS.md").write_text("# Mine\n\nTeam notes.\n")
    assert aiwg(project, "deploy", "-p", "codex", "-p", "cursor").exit_code == 0
    report = aiwg(project, "context", "--json").json()
    by_platform = {r["platform"]: r for r in report["platforms"]}
    codex = by_platform["codex"]["always_loaded"]
    assert codex["files"] == [{"path": "AGENTS.md",
                               "bytes": (project / "AGENTS.md").stat().st_size,
                               "tokens": codex["tokens"]}]
    assert codex["bytes"] == (project / "AGENTS.md").stat().st_size
    assert by_platform["codex"]["reduced"]  # 120 rules do not fit in full
    cursor = by_platform["cursor"]["always_loaded"]
    assert cursor["bytes"] == sum((project / f["path"]).stat().st_size for f in cursor["files"])
    assert len(cursor["files"]) == 120


def test_same_library_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        project = make_project(tmp_path / run, "[library]\nbuiltin = false\n[select]\ntags = []\n")
        big_library(project, 150)
        aiwg(project, "deploy", "-p", "codex")
        outputs.append((project / "AGENTS.md").read_bytes())
    assert outputs[0] == outputs[1]


def test_diff_stat_shows_the_change_in_always_loaded_size(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    big_library(project, 3)
    stat = aiwg(project, "diff", "-p", "codex", "--stat")
    size = len(aiwg(project, "diff", "-p", "codex", "--json").json()["diff"]) > 0
    assert size
    assert re.search(r"codex: always-loaded context 0 B -> [\d,]+ B \(\+[\d,]+ B\)", stat.stdout)


PER_FILE = [a for a in default_registry().adapters
            if "rule" in a.kinds and a.kinds["rule"].budget and a.kinds["rule"].format != "block"]


@pytest.mark.parametrize("adapter", PER_FILE, ids=lambda a: a.id)
def test_per_file_limit_writes_the_summary_and_keeps_the_full_text(tmp_path: Path, adapter) -> None:  # type: ignore[no-untyped-def]
    spec = adapter.kinds["rule"]
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    write_item(project, "rules/huge.md", "---\nname: huge\ndescription: A long rule.\n"
               "severity: high\n---\n# Huge\n\n" + PROSE * 60 + "\n\n## What to check\n\n- it\n")
    result = aiwg(project, "deploy", "-p", adapter.id, "--explain")
    assert result.exit_code == 0, result.stderr
    written = (project / spec.project.replace("{name}", "huge")).read_text()
    assert len(written if spec.budget_unit == "chars" else written.encode()) <= spec.budget
    assert "Full text: `.aiwg/context/rules/huge.md`" in written
    assert (project / ".aiwg/context/rules/huge.md").read_text().startswith("# Huge")
    assert f"{adapter.id}: reduced 1: rule/huge — summary only: over" in result.stdout


def test_user_scope_rules_go_into_one_block_where_the_platform_has_one_file(tmp_path: Path) -> None:
    import os

    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    big_library(project, 3)
    # Windsurf is now Devin Desktop (an alias): its global rules are ~/.config/devin/AGENTS.md.
    result = aiwg(project, "deploy", "--scope", "user", "-p", "windsurf", "-p", "devin")
    assert result.exit_code == 0, result.stderr
    home = Path(os.environ["HOME"])
    assert not (home / ".codeium").exists()
    assert "<!-- aiwg:begin rules -->" in (home / ".config/devin/AGENTS.md").read_text()
