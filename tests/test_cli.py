"""The read-only commands, `init`, help, and the generated README platform table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import aiwg, make_project, tree, write_item

from aiwg import __version__
from aiwg.adapters import default_registry
from aiwg.commands.platforms import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_version(tmp_path: Path) -> None:
    result = aiwg(tmp_path, "--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"aiwg {__version__}"


def test_builtin_library_in_an_empty_folder(tmp_path: Path) -> None:
    result = aiwg(tmp_path, "list", "--json")
    assert result.exit_code == 0
    items = result.json()["items"]
    counts = {kind: sum(1 for i in items if i["kind"] == kind)
              for kind in ("rule", "skill", "agent", "command")}
    assert counts["rule"] >= 15 and counts["skill"] >= 5
    assert counts["agent"] >= 4 and counts["command"] >= 4
    assert all(i["layer"] == "builtin" for i in items)
    selected = [i for i in items if i["selected"]]
    assert 5 <= len(selected) < len(items)  # a modest default selection, not everything
    assert aiwg(tmp_path, "validate").exit_code == 0
    shown = aiwg(tmp_path, "show", "stateless-processes")
    assert shown.exit_code == 0
    for section in ("## Rule", "## Why", "## How to apply", "## What to check",
                    "## Acceptable deviations", "## Related"):
        assert section in shown.stdout


def test_show_levels(tmp_path: Path) -> None:
    index = aiwg(tmp_path, "show", "rule/stateless-processes", "--level", "index")
    assert index.stdout.count("\n") == 2 and "**stateless-processes** (rule, high)" in index.stdout
    summary = aiwg(tmp_path, "show", "stateless-processes", "--level", "summary", "--json").json()
    assert "Check:" in summary["text"] and summary["tokens"] > 0
    bad = aiwg(tmp_path, "show", "stateles-processes")
    assert bad.exit_code == 2 and "did you mean" in bad.stderr


def test_project_layer_overrides_builtin_and_list_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_item(project, "rules/stateless-processes.md",
               "---\nname: stateless-processes\ndescription: Our own version.\n---\nOurs.\n")
    items = {i["id"]: i for i in aiwg(project, "list", "--json").json()["items"]}
    assert items["rule/stateless-processes"]["layer"] == "project"
    assert items["rule/stateless-processes"]["description"] == "Our own version."


def test_validate_reports_one_line_per_problem(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_item(project, "rules/bad-yaml.md", "---\nname: bad-yaml\ndescription: [oops\n---\nx\n")
    write_item(project, "rules/typo.md", "---\nname: typo\ndescription: d\nsevrity: high\n---\nx\n")
    write_item(project, "skills/Bad_Skill/SKILL.md", "---\nname: Bad_Skill\ndescription: d\n---\nx\n")
    write_item(project, "rules/a.md", "---\nname: a\ndescription: d\nrequires: [b]\n---\nx\n")
    write_item(project, "rules/b.md", "---\nname: b\ndescription: d\nrequires: [a]\n---\nx\n")
    result = aiwg(project, "validate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any(re.search(r"bad-yaml.md:\d+: malformed YAML", line) for line in lines)
    assert any("typo.md:4: sevrity: unknown field 'sevrity'; did you mean 'severity'?" in line
               for line in lines)
    assert any("Bad_Skill" in line for line in lines)
    assert any("requires cycle" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_init_detects_platforms_and_never_overwrites(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / ".cursor").mkdir()
    (project / "CLAUDE.md").write_text("# mine\n")
    result = aiwg(project, "init")
    assert result.exit_code == 0
    config = (project / "aiwg.toml").read_text()
    assert re.search(r'^platforms = \["claude-code", "cursor"\]$', config, re.M)
    assert "[select]" in config and "# " in config
    (project / "aiwg.toml").write_text("mine = true\n")
    again = aiwg(project, "init")
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    assert (project / "aiwg.toml").read_text() == "mine = true\n"


def test_init_config_is_valid(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    aiwg(project, "init")
    assert aiwg(project, "list", "--json").exit_code == 0


@pytest.mark.parametrize("command", ["deploy", "sync", "diff", "status", "remove", "init",
                                     "list", "show", "validate", "platforms", "context"])
def test_help_writes_nothing(tmp_path: Path, command: str) -> None:
    project = make_project(tmp_path)
    before = tree(project, skip=())
    result = aiwg(project, command, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert tree(project, skip=()) == before
    assert not (project / ".aiwg").exists()


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, "platfroms = ['cursor']\n")
    result = aiwg(project, "deploy", "-p", "cursor")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("aiwg: aiwg.toml:1: key 'platfroms': unknown; "
                                     "did you mean 'platforms'?")


def test_platforms_json_lists_every_adapter_with_kinds_and_sources(tmp_path: Path) -> None:
    data = aiwg(tmp_path, "platforms", "--json").json()["platforms"]
    assert len(data) == len(default_registry().adapters) >= 20
    for platform in data:
        assert platform["kinds"] and platform["sources"] and platform["verified"]


def test_readme_platform_table_is_generated_from_adapters() -> None:
    text = README.read_text()
    match = re.search(r"<!-- platforms:begin -->\n(.*?)<!-- platforms:end -->", text, re.S)
    assert match, "README lacks the platforms markers"
    assert match.group(1) == markdown_table(default_registry()), (
        "README platform table is stale: run `aiwg platforms --markdown` and paste it between "
        "the markers (or python -m aiwg.commands.platforms --update-readme)")


def test_readme_config_example_is_valid(tmp_path: Path) -> None:
    from aiwg.config import load_config

    # The Configuration section's example: the one that lists every key.
    example = re.search(r"```toml\n(platforms = .*?)```", README.read_text(), re.S)
    assert example
    (tmp_path / "aiwg.toml").write_text(example.group(1))
    (tmp_path / ".aiwg" / "library").mkdir(parents=True)  # the example's library path
    names = {name.lower(): a.id for a in default_registry().adapters for name in a.names}
    config = load_config(tmp_path, names)
    assert config.platforms == ("claude-code", "cursor")
    assert config.ignore == (".env", "secrets/**")
    assert config.budgets == {"codex": {"rule": 20000}}
    (source,) = config.sources
    assert (source.name, source.ref, source.path) == ("acme", "v1.4.0", "library")


def test_readme_sources_example_is_valid(tmp_path: Path) -> None:
    from aiwg.config import load_config

    section = README.read_text().split("## Sharing a library across repositories", 1)[1]
    example = re.search(r"```toml\n(\[\[sources\]\].*?)```", section, re.S)
    assert example
    (tmp_path / "aiwg.toml").write_text(example.group(1))
    (source,) = load_config(tmp_path).sources
    assert source.include.tags == ("security",)
    assert source.exclude.kinds == ("mcp",) and source.exclude.names == ("go-*",)


def test_project_root_search_stops_below_home(tmp_path: Path) -> None:
    from aiwg.project_root import find_project_root

    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # a dotfiles repository
    work = home / "scratch" / "sub"
    work.mkdir(parents=True)
    assert find_project_root(work, home) == work.resolve()
    (home / "scratch" / ".git").mkdir()
    assert find_project_root(work, home) == (home / "scratch").resolve()
    assert find_project_root(home, home) == home.resolve()
