"""Issue 9: items a person writes in their own library deploy with no config at all, to every
platform that has their kind; the built-in tag filter does not apply to them.

The expected (platform, item) pairs come from the adapter files (`Adapter.supports`), never from
a list of paths written here, so a new adapter is covered the day it is added.
"""

from __future__ import annotations

from pathlib import Path

from helpers import aiwg, make_project, manifest_outputs, write_item

from aiwg.adapters import default_registry

OWN_ITEMS = {
    "rule/house-style": ("rules/house-style.md",
                         "---\nname: house-style\ndescription: How we write code here.\n---\n"
                         "Prefer small functions. MARK-house-style\n"),
    "rule/py-style": ("rules/py-style.md",
                      "---\nname: py-style\ndescription: Python conventions.\n"
                      "globs: ['**/*.py']\n---\nType every function. MARK-py-style\n"),
    "agent/house-reviewer": ("agents/house-reviewer.md",
                             "---\nname: house-reviewer\ndescription: Reviews our changes.\n---\n"
                             "Review the diff. MARK-house-reviewer\n"),
    "command/house-check": ("commands/house-check.md",
                            "---\nname: house-check\ndescription: Runs our checks.\n---\n"
                            "Run the checks on $ARGUMENTS. MARK-house-check\n"),
    "skill/house-skill": ("skills/house-skill/SKILL.md",
                          "---\nname: house-skill\ndescription: Does our thing; use when asked.\n"
                          "---\nDo the thing. MARK-house-skill\n"),
    "mcp/house-db": ("mcp/house-db.yaml",
                     "name: house-db\ndescription: Our database.\ncommand: house-db-server\n"),
}


def deployed_pairs(project: Path) -> set[tuple[str, str]]:
    """(platform, item id) for every output the manifest records."""
    return {(platform, source.partition("@")[0])
            for entry in manifest_outputs(project).values()
            for platform in entry["platforms"] for source in entry["sources"]}


def test_own_items_reach_every_platform_that_has_their_kind_with_no_config(
        tmp_path: Path) -> None:
    project = make_project(tmp_path)  # no aiwg.toml, no pyproject.toml
    for relative, text in OWN_ITEMS.values():
        write_item(project, relative, text)
    result = aiwg(project, "deploy", "--all")
    assert result.exit_code == 0, result.stderr
    adapters = [a for a in default_registry().adapters if a.has_scope("project")]
    expected = {(adapter.id, item_id) for adapter in adapters for item_id in OWN_ITEMS
                if adapter.supports(item_id.partition("/")[0], "project")}  # type: ignore[arg-type]
    assert len(expected) > 3 * len(adapters)  # the adapters really do carry these kinds
    missing = expected - deployed_pairs(project)
    assert not missing, f"own items not deployed: {sorted(missing)}"


def test_own_items_text_is_on_disk(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    for relative, text in OWN_ITEMS.values():
        write_item(project, relative, text)
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    written = "".join(path.read_text(errors="replace") for path in project.rglob("*")
                      if path.is_file() and ".aiwg/library" not in path.as_posix()
                      and "/.git/" not in path.as_posix())
    for item_id in OWN_ITEMS:
        name = item_id.partition("/")[2]
        assert f"MARK-{name}" in written or item_id.startswith("mcp/"), item_id
    assert "house-db-server" in (project / ".mcp.json").read_text()


def test_deploy_says_how_many_items_the_filter_left_out(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_item(project, *OWN_ITEMS["rule/house-style"])
    result = aiwg(project, "deploy", "-p", "cursor", "--dry-run")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if "left out" in line]
    assert len(lines) == 1 and "by select.tags" in lines[0] and "`aiwg list`" in lines[0]
    document = aiwg(project, "deploy", "-p", "cursor", "--dry-run", "--json").json()
    assert document["left_out"]["select.tags"] > 0
    everything = make_project(tmp_path / "open", "[select]\ntags = []\n")
    quiet = aiwg(everything, "deploy", "-p", "cursor", "--dry-run")
    assert "left out" not in quiet.stdout


def test_project_config_can_narrow_its_own_layer(tmp_path: Path) -> None:
    project = make_project(tmp_path, '[library]\nbuiltin = false\n'
                                     '[select]\nlayers = ["project"]\ntags = ["team"]\n')
    write_item(project, *OWN_ITEMS["rule/house-style"])
    listed = {row["id"]: row for row in aiwg(project, "list", "--json").json()["items"]}
    assert listed["rule/house-style"]["selected"] is False
    assert listed["rule/house-style"]["why"] == "project, not tagged team"
