"""Issue 10: each client loads each item once, computed from what every adapter says its
platform reads; and deploying beside other platforms never takes an item away from a client."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from helpers import aiwg, make_project, write_item
from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.adapters import Adapter, default_registry
from aiwg.formats.block import read_block
from aiwg.items import Item
from aiwg.load_once import loaded_items, readers
from aiwg.render import Target, render

EVERYTHING = "[library]\nbuiltin = false\n[select]\ntags = []\n"
TOGETHER = ("claude-code", "codex", "copilot", "cursor")
RULES = [f"rule-{i}" for i in range(6)]


def small_library(project: Path) -> None:
    for i, name in enumerate(RULES):
        scope = "globs: ['**/*.py']\n" if i % 3 == 2 else ""
        write_item(project, f"rules/{name}.md",
                   f"---\nname: {name}\ndescription: Rule number {i}.\nseverity: high\n{scope}"
                   f"---\n# {name.title()}\n\nDo thing {i}.\n\n## What to check\n\n- {i}\n")
    write_item(project, "commands/ship.md", "---\nname: ship\ndescription: Ship it.\n---\n"
               "Ship $ARGUMENTS.\n")


def files_on_disk(project: Path) -> list[str]:
    return sorted(p.relative_to(project).as_posix() for p in project.rglob("*")
                  if p.is_file() and ".git" not in p.parts)


def rules_in(project: Path, path: str) -> list[str]:
    """The rules a client gets from one file it loads: aiwg's block carries several (each under
    its heading or as an index line); any other file one, named by the file."""
    text = (project / path).read_text()
    block = read_block(text, "rules")
    if block is not None:
        headed = re.findall(r"^### (Rule-\d+)", block, re.M)
        indexed = re.findall(r"^- \*\*(rule-\d+)\*\*", block, re.M)
        return [h.lower() for h in headed] + indexed
    stem = Path(path).name.split(".")[0]
    return [stem] if stem in RULES else []


def loaded_by(adapter: Adapter, project: Path, files: list[str]) -> list[str]:
    """Every file on disk the platform loads as a rule, by its adapter's `reads`."""
    reads = [read for read in adapter.reads("rule", "project")
             if not any((project / p).exists() for p in read.unless_exists)]
    return [f for f in files if any(read.matches(f) for read in reads)]


def test_claude_codex_copilot_cursor_together_each_client_loads_each_rule_once(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    small_library(project)
    result = aiwg(project, "deploy", *[a for p in TOGETHER for a in ("-p", p)], "--explain")
    assert result.exit_code == 0, result.stderr
    files = files_on_disk(project)
    registry = default_registry()
    for platform in TOGETHER:
        adapter = registry.get(platform)
        counts = Counter(rule for path in loaded_by(adapter, project, files)
                         for rule in rules_in(project, path))
        assert counts == Counter(RULES), (platform, counts, loaded_by(adapter, project, files))
    # Claude Code reads the rules in AGENTS.md, so its own copies are not written.
    assert not (project / ".claude/rules").exists()
    assert "not written: every client that reads it (Claude Code" in result.stdout
    report = aiwg(project, "context", "--json").json()
    for entry in report["platforms"]:
        assert not [d for d in entry["duplicates"] if d["item"].startswith("rule/")], entry
    loads = {e["platform"]: [f["path"] for f in e["always_loaded"]["files"]]
             for e in report["platforms"]}
    # Every client's always-loaded figure counts the files it reads, whoever they were for.
    assert loads["claude-code"] == loads["copilot"] == loads["codex"] == ["AGENTS.md"]
    projections = {e["platform"]: e["projections"] for e in report["platforms"]}
    assert projections["claude-code"] == projections["copilot"] == projections["codex"]
    assert sum(projections["claude-code"].values()) == len(RULES)


def test_a_persons_claude_md_keeps_claudes_rules_and_says_what_copilot_loads_twice(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    small_library(project)
    (project / "CLAUDE.md").write_text("# Ours\n")
    result = aiwg(project, "deploy", *[a for p in TOGETHER for a in ("-p", p)], "--explain")
    assert result.exit_code == 0, result.stderr
    # Claude Code skips AGENTS.md while CLAUDE.md exists: .claude/rules is its only route.
    assert sorted(p.name for p in (project / ".claude/rules").iterdir()) == \
        sorted(f"{r}.md" for r in RULES)
    assert re.search(r"copilot: reduced 1: rule/rule-0 — loaded 2 times, from "
                     r"\.claude/rules/rule-0\.md, AGENTS\.md: .*Claude Code skips AGENTS\.md "
                     r"while CLAUDE\.md exists", result.stdout), result.stdout
    copilot = next(r for r in aiwg(project, "context", "--json").json()["platforms"]
                   if r["platform"] == "copilot")
    assert {d["item"] for d in copilot["duplicates"]} >= {f"rule/{r}" for r in RULES}


def test_a_command_is_not_a_second_skill_beside_itself(tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    small_library(project)
    assert aiwg(project, "deploy", "-p", "codex", "-p", "copilot").exit_code == 0
    files = files_on_disk(project)
    copilot = default_registry().get("copilot")
    routes = [f for f in files for kind in ("command", "skill")
              for read in copilot.reads(kind, "project") if read.matches(f) and "ship" in f]
    assert routes == [".agents/skills/ship/SKILL.md"]


PROJECT_ADAPTERS = [a for a in default_registry().adapters if a.has_scope("project")]
ITEMS = [Item(kind="rule", name=f"r{i}", description=f"R{i}.", body=f"# R{i}\n\nx\n",
              severity="high", globs=("**/*.py",) if i == 2 else ())
         for i in range(4)] + [
    Item(kind="command", name="c", description="C.", body="Do $ARGUMENTS.\n"),
    Item(kind="skill", name="s", description="S.", body="Use it.\n"),
    Item(kind="agent", name="a", description="A.", body="Act.\n")]


def _routes(adapters: list[Adapter], target: Target) -> dict[str, Counter[str]]:
    rendered = render(adapters, ITEMS, target)
    outputs = {o.identity: o for o in rendered.outputs}
    reader_map = readers(adapters, rendered.outputs, "project", {}, frozenset())
    routes: dict[str, Counter[str]] = {a.id: Counter() for a in adapters}
    for identity, clients in reader_map.items():
        for client in clients:
            routes[client].update(loaded_items(outputs[identity], {}))
    return routes


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PROJECT_ADAPTERS), min_size=2, max_size=6, unique_by=lambda a: a.id))
def test_deploying_beside_others_never_takes_an_item_from_a_client(
        adapters: list[Adapter]) -> None:
    target = Target(scope="project", project_root=Path("/nowhere"))
    adapters = sorted(adapters, key=lambda a: a.id)
    together = _routes(adapters, target)
    for adapter in adapters:
        alone = _routes([adapter], target)[adapter.id]
        assert set(alone) <= set(together[adapter.id]), adapter.id
    rendered = render(adapters, ITEMS, target)
    reported = {(d.platform, d.item) for d in rendered.duplicates}
    for client, counts in together.items():
        for item, count in counts.items():
            assert count == 1 or (client, item) in reported, (client, item, count)


def test_removing_the_agents_md_writer_gives_claude_its_own_rule_files_back(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, EVERYTHING)
    small_library(project)
    assert aiwg(project, "deploy", "-p", "claude-code", "-p", "codex").exit_code == 0
    assert not (project / ".claude/rules").exists()
    assert aiwg(project, "remove", "-p", "codex", "--yes").exit_code == 0
    assert not (project / "AGENTS.md").exists()
    assert sorted(p.stem for p in (project / ".claude/rules").iterdir()) == RULES
    synced = aiwg(project, "sync")
    assert synced.exit_code == 0 and "claude-code:" in synced.stdout


def test_a_named_pipe_where_a_block_goes_is_not_read_while_measuring(tmp_path: Path) -> None:
    import os

    project = make_project(tmp_path, EVERYTHING)
    small_library(project)
    os.mkfifo(project / "AGENTS.md")
    from aiwg.measured import read_hosts
    assert read_hosts([("AGENTS.md", str(project))]) == {}


def _loaded_routes(project: Path, platform: str, kinds: tuple[str, ...]) -> list[str]:
    adapter = default_registry().get(platform)
    return sorted({f for f in files_on_disk(project) for kind in kinds
                   for read in adapter.reads(kind, "project") if read.matches(f)})


def test_claude_code_beside_either_copilot_gives_copilot_each_skill_and_command_once(
        tmp_path: Path) -> None:
    # Copilot reads .claude/skills and .agents/skills; the Copilot CLI also lists
    # .claude/commands/*.md as skills (observed with 1.0.102 `copilot skill list`).
    projects = {}
    for copilot in ("copilot", "copilot-cli"):
        project = projects[copilot] = make_project(tmp_path / copilot, EVERYTHING)
        small_library(project)
        write_item(project, "skills/tidy/SKILL.md", "---\nname: tidy\ndescription: Tidy.\n---\n"
                   "Tidy up.\n")
        assert aiwg(project, "deploy", "-p", "claude-code", "-p", copilot).exit_code == 0
        routes = _loaded_routes(project, copilot, ("skill", "command"))
        for name in ("tidy", "ship"):
            assert len([r for r in routes if f"/{name}" in r]) == 1, (copilot, routes)
        assert [r for r in routes if "/tidy/" in r] == [".claude/skills/tidy/SKILL.md"], routes
        claude = _loaded_routes(project, "claude-code", ("skill", "command"))
        assert len([r for r in claude if "tidy" in r]) == 1 and len(
            [r for r in claude if "ship" in r]) == 1, claude
    cli = _loaded_routes(projects["copilot-cli"], "copilot-cli", ("skill", "command"))
    assert [r for r in cli if "ship" in r] == [".claude/commands/ship.md"], cli
