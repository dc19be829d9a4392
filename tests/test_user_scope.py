"""Issue 9, "user scope on its own": user-scope runs read the user's config and libraries
whatever the current folder, and a project reads the user library only when it asks to."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    aiwg,
    home_tree,
    make_project,
    rule_text,
    user_config_file,
    write_item,
    write_user_config,
    write_user_item,
)

USER_CONFIG = 'platforms = ["claude-code", "codex"]\n[library]\nbuiltin = false\n'


def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    """Two unrelated projects, each with its own config and its own library item."""
    first = make_project(tmp_path / "a", 'platforms = ["cursor"]\n[select]\ntags = []\n')
    write_item(first, "rules/only-in-a.md", rule_text("only-in-a"))
    second = make_project(tmp_path / "b", '[library]\nbuiltin = false\n')
    write_item(second, "rules/only-in-b.md", rule_text("only-in-b"))
    return first, second


def plan_of(folder: Path, *args: str) -> object:
    result = aiwg(folder, *args, "--scope", "user", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


@pytest.fixture
def user_setup() -> None:
    write_user_config(USER_CONFIG)
    write_user_item("rules/mine.md", rule_text("mine"))
    write_user_item("agents/my-helper.md",
                    "---\nname: my-helper\ndescription: Helps me.\n---\nHelp me out.\n")


@pytest.mark.usefixtures("user_setup")
def test_user_scope_plans_are_identical_from_two_folders(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_projects(tmp_path)
    plans = []
    for folder in (first, second, tmp_path):
        monkeypatch.chdir(folder)
        plans.append((plan_of(folder, "sync"), plan_of(folder, "deploy", "-p", "claude-code")))
    assert plans[0] == plans[1] == plans[2]
    paths = {action["path"] for action in plans[0][0]["actions"]}  # type: ignore[index]
    assert any(path.endswith("/.claude/rules/mine.md") for path in paths)
    assert not any("only-in" in path for path in paths)


@pytest.mark.usefixtures("user_setup")
def test_sync_from_another_folder_keeps_what_the_first_deployed(tmp_path: Path) -> None:
    first, second = two_projects(tmp_path)
    assert aiwg(first, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    deployed = home_tree()
    assert ".claude/rules/mine.md" in deployed and ".claude/rules/only-in-a.md" not in deployed
    synced = aiwg(second, "sync", "--scope", "user")
    assert synced.exit_code == 0, synced.stderr
    # The user config also lists codex: sync adds it, and takes nothing of claude-code's away.
    after = home_tree()
    assert {path: data for path, data in after.items() if path in deployed} == deployed
    assert ".codex/AGENTS.md" in after


def test_a_project_deploy_never_reads_the_user_library_by_default(tmp_path: Path) -> None:
    write_user_item("rules/personal.md", rule_text("personal", body="MY-PERSONAL-TEXT\n"))
    project = make_project(tmp_path)
    write_item(project, "rules/team.md", rule_text("team", body="OUR-TEAM-TEXT\n"))
    assert aiwg(project, "deploy", "-p", "claude-code", "-p", "codex").exit_code == 0
    texts = [p.read_text(errors="replace") for p in project.rglob("*") if p.is_file()
             and ".git" not in p.parts and "library" not in p.parts]
    assert not any("MY-PERSONAL-TEXT" in text for text in texts)
    assert any("OUR-TEAM-TEXT" in text for text in texts)
    assert not (project / ".claude/rules/personal.md").exists()
    assert "rule/personal" not in {row["id"] for row in
                                   aiwg(project, "list", "--json").json()["items"]}


def test_a_project_reads_the_user_library_when_its_config_asks(tmp_path: Path) -> None:
    write_user_item("rules/personal.md", rule_text("personal"))
    project = make_project(tmp_path, "[library]\nuser = true\n")
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    assert (project / ".claude/rules/personal.md").exists()


def test_list_at_user_scope_shows_the_user_layers(tmp_path: Path) -> None:
    write_user_config('[library]\nbuiltin = false\npaths = ["extra"]\n')
    write_user_item("rules/mine.md", rule_text("mine"))
    folder = user_config_file().parent / "extra" / "rules"
    folder.mkdir(parents=True)
    (folder / "more.md").write_text(rule_text("more"))
    project = make_project(tmp_path)
    write_item(project, "rules/team.md", rule_text("team"))
    rows = {row["id"]: row for row in
            aiwg(project, "list", "--scope", "user", "--json").json()["items"]}
    assert set(rows) == {"rule/mine", "rule/more"}
    assert (rows["rule/mine"]["layer"], rows["rule/more"]["layer"]) == ("user", "user:extra")
    assert rows["rule/more"]["why"] == "user:extra layer"


def test_user_config_library_path_that_does_not_exist(tmp_path: Path) -> None:
    write_user_config('[library]\npaths = ["nowhere"]\n')
    result = aiwg(make_project(tmp_path), "deploy", "--scope", "user", "-p", "claude-code")
    assert result.exit_code == 2
    assert "aiwg.toml:2: library.paths: 'nowhere' does not exist" in result.stderr
