"""Issue 14 defects 6 and 10: hosts are planned by their real path; every root an environment
variable sets is checked once; deletes never follow a link the person made."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mirror_to_user_scope, rule_text, write_item


def project_with_alpha(tmp_path: Path) -> Path:
    project = make_project(tmp_path, "[select]\ntags = []\n")
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    mirror_to_user_scope(project)  # user-scope runs read the user's config and library
    return project


ALIASES = [
    pytest.param("GEMINI.md", "AGENTS.md", ["codex", "gemini-cli"], "", id="gemini"),
    pytest.param(".junie/AGENTS.md", "../AGENTS.md", ["codex", "junie"], "", id="junie"),
    pytest.param("WARP.md", "AGENTS.md", ["codex", "warp"],
                 '[platform.warp]\nrules_file = "WARP.md"\n', id="warp"),
]


@pytest.mark.parametrize(("link", "target", "platforms", "extra"), ALIASES)
def test_two_names_for_one_file_compose_both_blocks_and_stay_clean(
        tmp_path: Path, link: str, target: str, platforms: list[str], extra: str) -> None:
    listed = ", ".join(f'"{p}"' for p in platforms)
    project = make_project(tmp_path, f"platforms = [{listed}]\n[select]\ntags = []\n{extra}")
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    (project / "AGENTS.md").write_text("# Team notes\n\nKeep this line.\n")
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, project / link)
    result = aiwg(project, "sync")
    assert result.exit_code == 0, result.stderr
    text = (project / "AGENTS.md").read_text()
    assert text.startswith("# Team notes\n\nKeep this line.\n")
    assert text.count("<!-- aiwg:begin rules -->") == 1
    assert "# Alpha" in text
    assert (project / link).is_symlink()
    rows = aiwg(project, "status", "--json").json()["outputs"]
    assert {r["state"] for r in rows} == {"up to date"}, rows
    shared = [r for r in rows if r["path"] == "AGENTS.md"]
    assert set(platforms) <= set(shared[0]["platforms"])
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert aiwg(project, "sync").exit_code == 0
    assert (project / "AGENTS.md").read_text() == text


def test_a_link_made_after_deploying_joins_the_blocks_without_losing_either(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["codex", "gemini-cli"]\n[select]\ntags = []\n')
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    assert aiwg(project, "sync").exit_code == 0
    (project / "GEMINI.md").unlink()
    os.symlink("AGENTS.md", project / "GEMINI.md")
    assert aiwg(project, "sync", "--yes").exit_code == 0
    text = (project / "AGENTS.md").read_text()
    assert text.count("<!-- aiwg:begin rules -->") == 1 and "# Alpha" in text
    assert aiwg(project, "diff", "--check").exit_code == 0


@pytest.mark.parametrize("value", ["x/../../../elsewhere", "..", "a/b", "a\\b"])
def test_a_profile_name_that_walks_is_refused_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_home: Path, value: str) -> None:
    project = project_with_alpha(tmp_path)
    monkeypatch.setenv("OPENCLAW_PROFILE", value)
    result = aiwg(project, "deploy", "--scope", "user", "-p", "openclaw")
    assert result.exit_code == 2
    assert "OPENCLAW_PROFILE" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (fake_home / ".openclaw").exists()
    assert not (tmp_path / "elsewhere").exists()


def test_remove_with_a_symlinked_home_removes_the_emptied_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real-home"
    real.mkdir()
    link = tmp_path / "home-link"
    os.symlink(real, link)
    monkeypatch.setenv("HOME", str(link))
    project = project_with_alpha(tmp_path)
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    assert (real / ".claude/rules/alpha.md").is_file()
    assert aiwg(project, "remove", "--scope", "user", "-p", "claude-code", "--yes").exit_code == 0
    assert not (real / ".claude/rules").exists()


def test_deleting_an_output_the_person_replaced_with_a_symlink_unlinks_the_link(
        tmp_path: Path) -> None:
    config = 'platforms = ["cursor"]\n[select]\ntags = []\n'
    project = make_project(tmp_path, config)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    assert aiwg(project, "sync").exit_code == 0
    output = project / ".cursor/rules/alpha.mdc"
    kept = project / "docs/alpha.mdc"
    kept.parent.mkdir()
    os.rename(output, kept)
    os.symlink("../../docs/alpha.mdc", output)
    before = kept.read_bytes()
    (project / ".aiwg/library/rules/alpha.md").unlink()
    assert aiwg(project, "sync", "--yes").exit_code == 0
    assert not os.path.lexists(output)
    assert kept.read_bytes() == before


def test_a_relative_state_folder_variable_never_puts_state_under_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG spec says relative values are invalid: the default state folder is used."""
    project = project_with_alpha(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", "state")
    result = aiwg(project, "deploy", "--scope", "user", "-p", "claude-code")
    assert result.exit_code in (0, 2)
    assert not (tmp_path / "state").exists()
    assert not (project / "state").exists()


@pytest.mark.parametrize(("value", "where"), [("cfg", "cwd"), ("~/claude-cfg", "home")])
def test_a_relative_config_dir_is_taken_from_the_current_folder_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_home: Path, value: str,
        where: str) -> None:
    project = project_with_alpha(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", value)
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    root = (tmp_path if where == "cwd" else fake_home) / value.removeprefix("~/")
    assert (root / "rules/alpha.md").is_file()
    assert not (root / value).exists() and not (tmp_path / "~").exists()
    assert aiwg(project, "diff", "--check", "--scope", "user").exit_code == 0
