"""Issue 9 and issue 14 defect 14 (the config side): a config mistake is one clear line and
exit 2, through the CLI, for every command that reads the config; never exit 70, never "nothing
to do", never silently ignored, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import aiwg, make_project, tree, write_item, write_user_config

COMMANDS = [("deploy", "-p", "cursor"), ("sync",), ("list",), ("status",), ("diff",)]

CASES = {
    "non_utf8": (b'platforms = ["cursor"]\n# caf\xe9\n',
                 "aiwg.toml:2: expected UTF-8 text (invalid byte at offset 28)"),
    "deep_arrays": (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
                    "aiwg.toml: nested too deeply (more than 32 levels of arrays or tables)"),
    "deep_inline_tables": (b"x = " + b"{a=" * 3000 + b"1" + b"}" * 3000 + b"\n",
                           "aiwg.toml: nested too deeply (more than 32 levels of arrays or "
                           "tables)"),
    "deep_dotted_table": (b"[platform.cursor." + b"a." * 200 + b"b]\nc = 1\n",
                          "aiwg.toml:1: platform.cursor.a...: nested too deeply (more than 32 "
                          "levels)"),
    "missing_library_path": (b'[library]\npaths = ["lib-that-is-not-there"]\n',
                             "aiwg.toml:2: library.paths: 'lib-that-is-not-there' does not exist"),
    "library_path_is_a_file": (b'[library]\npaths = ["aiwg.toml"]\n',
                               "aiwg.toml:2: library.paths: 'aiwg.toml' is not a folder"),
    "budgets_for_an_unknown_platform": (b"[budgets.codx]\nrule = 1000\n",
                                        "aiwg.toml:1: budgets.codx: unknown platform 'codx'; "
                                        "did you mean 'codex'?"),
    "unknown_platform_id": (b'platforms = ["no-such-platform"]\n',
                            "aiwg.toml:1: platforms: unknown platform 'no-such-platform'; "
                            "valid platforms: "),
    "misspelt_platform_id": (b'# mine\nplatforms = ["cursr"]\n',
                             "aiwg.toml:2: platforms: unknown platform 'cursr'; "
                             "did you mean 'cursor'?"),
    "options_for_an_unknown_platform": (b'[platform.wrap]\nrules_file = "WARP.md"\n',
                                        "aiwg.toml:1: platform.wrap: unknown platform 'wrap'; "
                                        "did you mean 'warp'?"),
}


def check_one_line(result_stderr: str, expected: str) -> None:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1, result_stderr
    assert "internal error" not in result_stderr and "Traceback" not in result_stderr
    assert lines[0].startswith(f"aiwg: {expected}"), lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("case", sorted(CASES))
def test_config_error_is_one_line_and_exit_2(tmp_path: Path, case: str,
                                              command: tuple[str, ...]) -> None:
    project = make_project(tmp_path)
    write_item(project, "rules/mine.md", "---\nname: mine\ndescription: Mine.\n---\nMine.\n")
    text, expected = CASES[case]
    (project / "aiwg.toml").write_bytes(text)
    before = tree(project, skip=())
    result = aiwg(project, *command)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    check_one_line(result.stderr, expected)
    assert tree(project, skip=()) == before


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_aiwg_toml_that_is_a_folder(tmp_path: Path, command: tuple[str, ...]) -> None:
    project = make_project(tmp_path)
    (project / "aiwg.toml").mkdir()
    result = aiwg(project, *command)
    assert result.exit_code == 2
    check_one_line(result.stderr, "aiwg.toml: is a folder; expected a TOML file")


def test_unknown_platform_in_pyproject(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "pyproject.toml").write_text("[tool.aiwg]\nplatforms = ['cursorr']\n")
    result = aiwg(project, "sync")
    assert result.exit_code == 2
    check_one_line(result.stderr, "pyproject.toml:2: [tool.aiwg] platforms: unknown platform "
                                  "'cursorr'; did you mean 'cursor'?")


def test_unknown_platform_in_the_user_config(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_user_config('platforms = ["claud-code"]\n')
    result = aiwg(project, "sync", "--scope", "user")
    assert result.exit_code == 2
    check_one_line(result.stderr, "aiwg.toml:1: platforms: unknown platform 'claud-code'; "
                                  "did you mean 'claude-code'?")


def test_platform_aliases_in_the_config_mean_their_ids(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["claude"]\n[budgets.claude]\nrule = 9000\n')
    listed = aiwg(project, "sync", "--dry-run", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()["platforms"] == ["claude-code"]


@pytest.mark.parametrize(("args", "expected"), [
    (("deploy", "-p", "cursr"), "unknown platform 'cursr'; did you mean 'cursor'?"),
    (("diff", "-p", "codexx"), "unknown platform 'codexx'; did you mean 'codex'?"),
    (("status", "-p", "zzzzzz"), "unknown platform 'zzzzzz'; valid platforms: "),
    (("list", "--kind", "rulez"), "--kind: unknown kind 'rulez'; did you mean 'rule'?"),
    (("list", "--kind", "banana"), "--kind: unknown kind 'banana'; expected one of rule, "),
])
def test_unknown_names_on_the_command_line(tmp_path: Path, args: tuple[str, ...],
                                           expected: str) -> None:
    project = make_project(tmp_path)
    result = aiwg(project, *args)
    assert result.exit_code == 2
    check_one_line(result.stderr, expected)
    assert not (project / ".aiwg").exists()


def test_list_kind_takes_the_folder_name_too(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    rows = aiwg(project, "list", "--kind", "rules", "--json").json()["items"]
    assert rows and {row["kind"] for row in rows} == {"rule"}
