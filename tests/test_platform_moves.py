"""A platform that moved its files: after the adapter changes, `aiwg sync` removes what aiwg
wrote at the old paths (the manifest knows them), writes the new ones, and leaves every file a
person wrote there alone. Covers a renamed product (Windsurf → Devin Desktop, the old id now an
alias) and a product that moved its tree under the same id (Cline 4's .clinerules → .cline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import aiwg, make_project, write_item

from aiwg import engine
from aiwg.adapters import Registry, default_registry, load_registry

CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"

OLD_ADAPTER = """
id = "{id}"
name = "Old {id}"
sources = ["the adapter as it was"]
verified = "2026-11-23"
[kinds.rule]
confidence = "official"
sources = ["old docs"]
format = "markdown"
project = "{rules}/{{name}}.md"
[kinds.skill]
confidence = "official"
sources = ["old docs"]
format = "skill"
project = "{skills}/{{name}}"
"""


def old_registry(tmp_path: Path, adapter_id: str, rules: str, skills: str) -> Registry:
    folder = tmp_path / "old-adapters"
    folder.mkdir()
    (folder / f"{adapter_id}.toml").write_text(
        OLD_ADAPTER.format(id=adapter_id, rules=rules, skills=skills))
    return load_registry(folder)


def library(project: Path) -> None:
    write_item(project, "rules/style.md", "---\nname: style\ndescription: Style.\n---\nWrite small functions.\n")
    write_item(project, "skills/release/SKILL.md",
               "---\nname: release\ndescription: Cut a release.\n---\nTag and push.\n")


def deploy_with(monkeypatch: pytest.MonkeyPatch, registry: Registry, project: Path,
                platform: str) -> None:
    monkeypatch.setattr(engine, "default_registry", lambda: registry)
    result = aiwg(project, "deploy", "-p", platform)
    assert result.exit_code == 0, result.stderr
    monkeypatch.setattr(engine, "default_registry", default_registry)


def recorded_platforms(project: Path) -> set[str]:
    lines = (project / ".aiwg" / "manifest.jsonl").read_text().splitlines()
    return {p for line in lines[1:] for p in json.loads(line)["platforms"]}


def test_sync_after_windsurf_became_devin_moves_aiwg_files_and_keeps_the_users(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, CONFIG)
    library(project)
    deploy_with(monkeypatch, old_registry(tmp_path, "windsurf", ".windsurf/rules",
                                          ".windsurf/skills"), project, "windsurf")
    assert (project / ".windsurf/rules/style.md").is_file()
    mine = project / ".windsurf/rules/mine.md"
    mine.write_text("my own rule\n")

    result = aiwg(project, "sync")

    assert result.exit_code == 0, result.stderr
    assert not (project / ".windsurf/rules/style.md").exists()
    assert not (project / ".windsurf/skills/release").exists()
    assert mine.read_text() == "my own rule\n"
    assert "Write small functions." in (project / ".devin/rules/style.md").read_text()
    assert (project / ".devin/skills/release/SKILL.md").is_file()
    assert recorded_platforms(project) == {"devin"}
    again = aiwg(project, "sync", "--json")
    assert again.exit_code == 0 and not again.json()["differs"]


def test_sync_after_cline_moved_its_tree_under_the_same_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, CONFIG)
    library(project)
    deploy_with(monkeypatch, old_registry(tmp_path, "cline", ".clinerules", ".clinerules/skills"),
                project, "cline")
    edited = project / ".clinerules/skills/release/SKILL.md"
    edited.write_text(edited.read_text() + "A person's note.\n")

    result = aiwg(project, "sync")

    assert result.exit_code == 0, result.stderr
    assert not (project / ".clinerules/style.md").exists()
    # An output a person edited is kept, never deleted.
    assert "A person's note." in edited.read_text()
    assert (project / ".cline/rules/style.md").is_file()
    assert (project / ".cline/skills/release/SKILL.md").is_file()


def test_remove_by_the_old_id_takes_back_files_recorded_under_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, CONFIG)
    library(project)
    deploy_with(monkeypatch, old_registry(tmp_path, "windsurf", ".windsurf/rules",
                                          ".windsurf/skills"), project, "windsurf")
    result = aiwg(project, "remove", "-p", "windsurf")
    assert result.exit_code == 0, result.stderr
    assert not (project / ".windsurf/rules/style.md").exists()
