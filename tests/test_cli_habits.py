"""The CLI as a person's habits expect it: -h, real metavars, examples, completion, --quiet,
--verbose, errors as JSON under --json, a short status that exits 1 on conflicts, remove --all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import RUNNER, aiwg, make_project

from aiwg.cli import _complete_platform, _complete_scope, app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate

COMMANDS = sorted(command.name or command.callback.__name__  # type: ignore[union-attr]
                  for command in app.registered_commands)


def _help(*argv: str) -> str:
    result = RUNNER.invoke(app, list(argv))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_answers_dash_h_with_an_example_and_no_python_type_metavars(
        command: str) -> None:
    text = _help(command, "-h")
    assert text == _help(command, "--help")
    assert "Examples:" in text
    options = text.split("Options:", 1)[1]
    for python_type in ("<list[str]>", "<str>", "<path>", "<bool>", "<int>"):
        assert python_type not in options, f"{command}: {python_type} in\n{options}"


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_no_help_page_shows_a_python_type_or_click_default_metavar(command: str) -> None:
    """Arguments as well as options: every value is named for what it is (ITEM, PATH, ID)."""
    text = _help(*([command] if command else []), "-h")
    for label in ("<str>", "<int>", "<path>", "<bool>", "<list[", "TEXT", "INTEGER", "PATH..."):
        assert label not in text, f"aiwg {command} -h shows {label}:\n{text}"


def test_top_level_help_offers_completion_quiet_and_verbose() -> None:
    text = _help("-h")
    for flag in ("--install-completion", "--show-completion", "--quiet", "--verbose", "--version"):
        assert flag in text


def test_completion_script_and_values() -> None:
    script = RUNNER.invoke(app, ["--show-completion", "bash"])
    assert script.exit_code == 0 and "complete" in script.output
    assert "cursor" in _complete_platform("cur")
    assert all(name.startswith("co") for name in _complete_platform("co"))
    assert _complete_scope("u") == ["user"]


def test_errors_under_json_are_one_json_document_with_the_exit_code(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = aiwg(project, "deploy", "--platform", "no-such-platform", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["exit_code"] == 2 and "no-such-platform" in document["error"]
    assert result.stderr == ""


def test_quiet_prints_nothing_on_success_and_verbose_lists_each_output(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    quiet = RUNNER.invoke(app, ["--quiet", "deploy", "-p", "cursor", "--project", str(project)])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = RUNNER.invoke(app, ["--verbose", "sync", "--project", str(project)])
    assert verbose.exit_code == 0
    assert "unchanged: .cursor/rules/" in verbose.stdout
    normal = aiwg(project, "sync")
    assert "unchanged: .cursor/rules/" not in normal.stdout


def test_status_of_a_clean_1000_item_project_is_short(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\npaths = ['lib']\n")
    generate(project / "lib", 1000)
    assert aiwg(project, "deploy", "-p", "claude-code", "-p", "cursor").exit_code == 0
    status = aiwg(project, "status")
    assert status.exit_code == 0
    lines = status.stdout.splitlines()
    assert len(lines) <= 30, status.stdout[:2000]
    assert any(line.startswith("claude-code: ") and "up to date" in line for line in lines)
    every = aiwg(project, "status", "--all")
    assert len(every.stdout.splitlines()) > 1000


def test_status_lists_what_is_not_up_to_date_and_exits_1_on_a_conflict(tmp_path: Path) -> None:
    project = make_project(tmp_path, "[library]\nbuiltin = false\npaths = ['lib']\n"
                                     "[select]\ntags = []\n")
    rules = project / "lib" / "rules"
    rules.mkdir(parents=True)
    rule = rules / "one.md"
    rule.write_text("---\nname: one\ndescription: One rule.\n---\nFirst line.\n")
    assert aiwg(project, "deploy", "-p", "cursor").exit_code == 0
    deployed = project / ".cursor" / "rules" / "one.mdc"
    deployed.write_text(deployed.read_text().replace("First line.", "My line."))
    edited = aiwg(project, "status")
    assert edited.exit_code == 0
    assert "edited" in edited.stdout and ".cursor/rules/one.mdc" in edited.stdout
    rule.write_text("---\nname: one\ndescription: One rule.\n---\nLibrary line.\n")
    conflicted = aiwg(project, "status")
    assert conflicted.exit_code == 1
    assert "conflict" in conflicted.stdout


def test_remove_all_takes_back_everything_and_says_how_to_drop_the_config(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor", "codex"]\n')
    assert aiwg(project, "sync").exit_code == 0
    assert (project / ".cursor").exists() and (project / "AGENTS.md").exists()
    removed = aiwg(project, "remove", "--all", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert not (project / ".cursor").exists() and not (project / "AGENTS.md").exists()
    assert "aiwg.toml still lists cursor, codex" in removed.stdout
    assert len(removed.stdout.splitlines()) <= 5
