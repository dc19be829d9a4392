"""Issue 10: budgets fitted by projection over what the client really loads, every rule
reachable at any library size, and `aiwg context` figures that match the disk."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mirror_to_user_scope, write_item

from aiwg.adapters import default_registry
from aiwg.formats.aggregate import fit_section, measure
from aiwg.items import Item

SEVERITIES = ("critical", "high", "medium", "low")
PROSE = "Keep it simple and say why. " * 12
EVERYTHING = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def big_library(project: Path, count: int, *, severity: str | None = None) -> None:
    for i in range(count):
        write_item(project, f"rules/rule-{i:04d}.md",
                   f"---\nname: rule-{i:04d}\ndescription: Synthetic rule {i}.\n"
                   f"severity: {severity or SEVERITIES[i % 4]}\n---\n# Rule {i}\n\n## Rule\n\n"
                   f"{PROSE}\n\n## What to check\n\n- check {i}\n")


def sixty_character_library(project: Path, count: int) -> None:
    """Always-on rules whose descriptions are 60 characters, mostly medium and low severity."""
    for i in range(count):
        description = f"Rule {i:04d} keeps the service honest about its state and errors"[:59] + "."
        assert len(description) == 60
        severity = "critical" if i % 97 == 0 else ("high", "medium", "low")[i % 3]
        write_item(project, f"rules/rule-{i:04d}.md",
                   f"---\nname: rule-{i:04d}\ndescription: {description}\nalways: true\n"
                   f"severity: {severity}\n---\n# Rule {i}\n\n## Rule\n\n{PROSE}\n\n"
                   f"## What to check\n\n- check {i}\n- second check {i}\n")


BLOCK = re.compile(r"<!-- aiwg:begin rules -->\n(.*)<!-- aiwg:end rules -->\n", re.S)


def assert_every_rule_reachable(host: Path, base: Path, count: int) -> str:
    """Each rule is in the block (full or summary, with all checks), an index line, or a line of
    the index file the block points to; every path the block or index names exists."""
    text = host.read_text()
    block = BLOCK.search(text)
    assert block, f"no aiwg block in {host}"
    body = block.group(1)
    index_text = ""
    pointer = re.search(r"listed one per line in `([^`]+)`", body)
    if pointer:
        index_text = (base / pointer.group(1)).read_text()
    for document in (body, index_text):
        for folder in re.findall(r"Full texts are in `([^`]+)/<name>\.md`", document):
            assert (base / folder).is_dir(), folder
        for path in re.findall(r"Full text: `([^`]+)`", document):
            assert (base / path).is_file(), path
    folder = re.search(r"Full texts are in `([^`]+)/<name>\.md`", body + index_text)
    for i in range(count):
        name = f"rule-{i:04d}"
        heading = re.search(rf"^### Rule {i} \(", body, re.M)
        if heading:
            section = body[heading.start():].split("\n### ", 1)[0]
            assert f"check {i}" in section
            continue
        line = re.compile(rf"^- \*\*{name}\*\* \(\w+\): ", re.M)
        assert line.search(body) or line.search(index_text), f"{name} is not reachable"
        assert folder, "index lines without a folder for the full texts"
        assert (base / folder.group(1) / f"{name}.md").read_text().startswith(f"# Rule {i}\n")
    return body


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """These deploys of hundreds of files test fitting, not durability: skip the disk flush."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


MINE = "# Team notes\n\n" + "Our own conventions, kept by hand.\n" * 60


@pytest.mark.parametrize("platform", ["codex", "gemini-cli"])
def test_1000_always_on_rules_fit_project_files_with_the_persons_text_and_all_reachable(
        tmp_path: Path, platform: str) -> None:
    project = make_project(tmp_path, EVERYTHING)
    sixty_character_library(project, 1000)
    host = project / ("AGENTS.md" if platform == "codex" else "GEMINI.md")
    host.write_text(MINE)
    result = aiwg(project, "deploy", "-p", platform)
    assert result.exit_code == 0, result.stderr
    assert host.read_text().startswith(MINE)  # the person's bytes, untouched
    assert_every_rule_reachable(host, project, 1000)
    report = {r["platform"]: r for r in aiwg(project, "context", "--json").json()["platforms"]}
    loaded = report[platform]["always_loaded"]
    assert loaded["bytes"] == host.stat().st_size
    budget = loaded["files"][0]["budget"]
    assert budget["around_block"] == len(MINE.encode())
    limit = budget["limit"] or budget["around_block"] + 8192 + 100
    assert host.stat().st_size <= limit
    assert report[platform]["projections"]["listed"] > 900
    assert report[platform]["on_demand"]["index_files"]


def test_1000_always_on_rules_fit_each_openclaw_workspace_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    sixty_character_library(project, 1000)
    mirror_to_user_scope(project)  # user scope reads the user's config and library
    workspace = Path(os.environ["HOME"]) / ".openclaw/workspace"
    workspace.mkdir(parents=True)
    (workspace / "AGENTS.md").write_text("# Ünïcödé notes\n\n" + "ß" * 12000 + "\n")
    result = aiwg(project, "deploy", "--scope", "user", "-p", "openclaw")
    assert result.exit_code == 0, result.stderr
    agents = workspace / "AGENTS.md"
    assert len(agents.read_text()) <= 20000  # OpenClaw counts characters per injected file
    assert len(agents.read_bytes()) > 20000  # ... which here are more bytes than that
    body = assert_every_rule_reachable(agents, Path("/"), 1000)
    assert str(workspace) in body  # at user scope the paths are absolute


def test_a_30_kb_agents_md_leaves_aiwg_what_is_left_and_context_matches_the_disk(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING + "[budgets.codex]\nrule = 32768\n")
    big_library(project, 300)
    mine = "# Ours\n\n" + "x" * 29990 + "\n"
    (project / "AGENTS.md").write_text(mine)
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    agents = (project / "AGENTS.md").read_bytes()
    assert agents.startswith(mine.encode())
    assert 32768 - 200 < len(agents) <= 32768  # what was left is used, and no more
    assert_every_rule_reachable(project / "AGENTS.md", project, 300)
    codex = aiwg(project, "context", "--json", "-p", "codex").json()["platforms"][0]
    assert codex["always_loaded"]["bytes"] == len(agents)
    assert codex["always_loaded"]["before"]["bytes"] == len(agents)  # deployed: nothing to do
    assert codex["always_loaded"]["files"][0]["budget"]["loaded"] == len(agents)
    assert codex["over_limit"] == []


def test_a_persons_agents_md_that_leaves_no_room_fails_with_the_byte_count(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 30)
    mine = "x" * 32700 + "\n"
    (project / "AGENTS.md").write_text(mine)
    result = aiwg(project, "deploy", "-p", "codex")
    assert result.exit_code == 2
    assert re.search(r"AGENTS.md \(read by codex\); your text around aiwg's block takes "
                     r"32,701 bytes of Codex CLI's 32,768: .* over the budget of 67 by \d+",
                     result.stderr), result.stderr
    assert (project / "AGENTS.md").read_text() == mine
    assert not (project / ".aiwg/context").exists()
    report = aiwg(project, "context", "-p", "codex")
    assert report.exit_code == 1 and "over budget" in report.stdout


def test_context_flags_a_file_over_its_limit_with_what_the_client_cuts(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 40)
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    agents = project / "AGENTS.md"
    # The person writes 30 KB above aiwg's block: Codex now cuts the rules, until a sync
    # fits the block into what is left.
    agents.write_text("# Ours\n\n" + "y" * 30000 + "\n\n" + agents.read_text())
    result = aiwg(project, "context", "-p", "codex")
    assert result.exit_code == 1
    assert re.search(r"codex: AGENTS.md is now [\d,]+ bytes over the limit of 32,768; the "
                     r"client cuts Rule \d+.*; after a sync it fits", result.stdout), result.stdout
    report = aiwg(project, "context", "--json", "-p", "codex").json()["platforms"][0]
    assert report["over_limit"] == ["AGENTS.md"]
    assert report["always_loaded"]["files"][0]["cut_now"]["over_by"] > 0
    assert "cut" not in report["always_loaded"]["files"][0]
    assert aiwg(project, "sync").exit_code == 0
    assert agents.stat().st_size <= 32768
    assert aiwg(project, "context", "-p", "codex").exit_code == 0


def test_context_flags_a_hand_edited_block_that_stays_over_the_limit(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 40)
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    agents = project / "AGENTS.md"
    text = agents.read_text()
    # An edit inside the block is kept as the person's, so the file stays over the limit.
    agents.write_text(text.replace("<!-- aiwg:end rules -->", "z" * 30000
                                   + "\n<!-- aiwg:end rules -->"))
    result = aiwg(project, "context", "-p", "codex")
    assert result.exit_code == 1
    assert re.search(r"codex: AGENTS.md is [\d,]+ bytes over the limit of 32,768; the client "
                     r"cuts the end of the file$", result.stdout, re.M), result.stdout
    report = aiwg(project, "context", "--json", "-p", "codex").json()["platforms"][0]
    assert report["always_loaded"]["files"][0]["cut"]["over_by"] == agents.stat().st_size - 32768


def test_lean_by_default_then_raised_by_config_up_to_the_platforms_limit(tmp_path: Path) -> None:
    sizes = {}
    for name, extra in (("lean", ""), ("raised", "[budgets.codex]\nrule = 20000\n"),
                        ("too-high", "[budgets.codex]\nrule = 99999\n"),
                        ("lowered", "[budgets.codex]\nrule = 3000\n")):
        project = make_project(tmp_path / name, EVERYTHING + extra)
        big_library(project, 200)
        assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
        sizes[name] = (project / "AGENTS.md").stat().st_size
        assert_every_rule_reachable(project / "AGENTS.md", project, 200)
    assert 8192 - 400 < sizes["lean"] <= 8192
    assert 20000 - 400 < sizes["raised"] <= 20000
    assert 32768 - 400 < sizes["too-high"] <= 32768
    assert sizes["lowered"] <= 3000


def test_default_builtin_selection_is_lean_for_codex(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    text = (project / "AGENTS.md").read_text()
    assert len(text.encode()) <= 8192
    # The critical rule keeps its full text; nothing is left out.
    assert "(critical)" in text and "Full text: `.aiwg/context/rules/" in text


def test_pinned_rules_stay_in_the_block_at_any_library_size(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING.replace(
        "tags = []\n", 'tags = []\nnames = ["rule-0713", "rule-09*"]\n')
        + "[budgets.codex]\nrule = 3000\n")
    big_library(project, 1000, severity="low")
    # A wildcard selects and does not pin: 100 pinned summaries would not fit in 3000 bytes.
    assert aiwg(project, "deploy", "-p", "codex").exit_code == 0
    text = (project / "AGENTS.md").read_text()
    assert "### Rule 713 (low)" in text  # pinned by its exact name
    assert "rule-0712" not in text


def test_pinned_rules_that_cannot_fit_fail_saying_by_how_much(tmp_path: Path) -> None:
    names = ", ".join(f'"rule-{i:04d}"' for i in range(60))
    project = make_project(tmp_path, EVERYTHING.replace("tags = []\n", f"tags = []\nnames = [{names}]\n")
                           + "[budgets.codex]\nrule = 2000\n")
    big_library(project, 100)
    result = aiwg(project, "deploy", "-p", "codex")
    assert result.exit_code == 2
    assert re.search(r"the items pinned by name \(rule/rule-0000, .*\) take [\d]+ bytes as "
                     r"summaries, with the line that points to the index, over the budget of "
                     r"2000 by \d+", result.stderr), result.stderr
    assert not (project / "AGENTS.md").exists()


@pytest.mark.parametrize("adapter", [a for a in default_registry().adapters
                                     for spec in a.kinds.values()
                                     if spec.budget and spec.format == "block"],
                         ids=lambda a: a.id)
def test_every_block_budget_is_honoured(adapter) -> None:  # type: ignore[no-untyped-def]
    spec = next(s for s in adapter.kinds.values() if s.budget and s.format == "block")
    items = [Item(kind="rule", name=f"r{i}", description="d" * 40, body=PROSE * 4,
                  severity=SEVERITIES[i % 4]) for i in range(2000)]
    fitted = fit_section(items, spec.budget, spec.budget_unit, lambda i: f"x/{i.name}.md",
                         label=adapter.id, index_path="x/INDEX.md")
    assert fitted.size <= spec.budget
    assert measure(fitted.text, spec.budget_unit) == fitted.size


def test_context_json_matches_the_files_on_disk(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 120)
    (project / "AGENTS.md").write_text("# Mine\n\nTeam notes.\n")
    before = aiwg(project, "context", "--json", "-p", "codex", "-p", "cursor").json()
    codex_before = before["platforms"][0]["always_loaded"]
    assert codex_before["before"]["bytes"] == (project / "AGENTS.md").stat().st_size
    assert codex_before["bytes"] > codex_before["before"]["bytes"]
    assert aiwg(project, "deploy", "-p", "codex", "-p", "cursor").exit_code == 0
    assert codex_before["bytes"] == (project / "AGENTS.md").stat().st_size  # as predicted
    report = aiwg(project, "context", "--json").json()
    by_platform = {r["platform"]: r for r in report["platforms"]}
    codex = by_platform["codex"]["always_loaded"]
    assert [f["path"] for f in codex["files"]] == ["AGENTS.md"]
    assert codex["files"][0]["bytes"] == (project / "AGENTS.md").stat().st_size
    assert codex["bytes"] == (project / "AGENTS.md").stat().st_size
    assert by_platform["codex"]["reduced"]  # 120 rules do not fit in full
    projections = by_platform["codex"]["projections"]
    assert sum(projections.values()) == 120
    cursor = by_platform["cursor"]["always_loaded"]
    assert cursor["bytes"] == sum((project / f["path"]).stat().st_size for f in cursor["files"])
    assert len(cursor["files"]) == 120


def test_context_prints_tokens_before_and_after_per_client(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 10)
    result = aiwg(project, "context", "-p", "codex")
    assert result.exit_code == 0
    assert re.search(r"codex\s+0 → [\d,]+", result.stdout), result.stdout


def test_same_library_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        project = make_project(tmp_path / run, EVERYTHING)
        big_library(project, 150)
        aiwg(project, "deploy", "-p", "codex")
        outputs.append((project / "AGENTS.md").read_bytes())
    assert outputs[0] == outputs[1]


def test_diff_stat_shows_the_change_in_always_loaded_size(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
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
    project = make_project(tmp_path, EVERYTHING)
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
    project = make_project(tmp_path, EVERYTHING)
    big_library(project, 3)
    # Windsurf is now Devin Desktop (an alias): its global rules are ~/.config/devin/AGENTS.md.
    result = aiwg(project, "deploy", "--scope", "user", "-p", "windsurf", "-p", "devin")
    assert result.exit_code == 0, result.stderr
    home = Path(os.environ["HOME"])
    assert not (home / ".codeium").exists()
    assert "<!-- aiwg:begin rules -->" in (home / ".config/devin/AGENTS.md").read_text()
