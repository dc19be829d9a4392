from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from aiwg.config import Config, Selection, find_line, load_config
from aiwg.errors import InputError

FULL = """\
# every key
platforms = ["claude-code", "cursor"]
ignore = [".env", "secrets/**"]

[library]
builtin = false
user = false
paths = [".aiwg/library", "../shared"]

[select]
kinds = ["rule", "skill"]
tags = ["core", "python"]
names = ["stateless-*"]
exclude = ["rule/port-binding"]
min_severity = "medium"

[platform.warp]
rules_file = "WARP.md"
nested = { any = ["thing", 1] }

[budgets.codex]
rule = 20000
"""

EXPECTED = Config(
    platforms=("claude-code", "cursor"),
    ignore=(".env", "secrets/**"),
    builtin=False,
    user_library=False,
    library_paths=(".aiwg/library", "../shared"),
    selection=Selection(kinds=("rule", "skill"), tags=("core", "python"),
                        names=("stateless-*",), exclude=("rule/port-binding",),
                        min_severity="medium"),
    platform_options={"warp": {"rules_file": "WARP.md", "nested": {"any": ["thing", 1]}}},
    budgets={"codex": {"rule": 20000}},
)


def with_libraries(root: Path) -> Path:
    """The folders FULL names as library paths: a configured path must exist."""
    (root / ".aiwg" / "library").mkdir(parents=True)
    (root.parent / "shared").mkdir(exist_ok=True)
    return root



def config_error(root: Path, text: str, name: str = "aiwg.toml") -> str:
    (root / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(root)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.path is None
    assert config.library_paths == (".aiwg/library",)
    assert (config.builtin, config.user_library) == (True, False)
    assert config.selection == Selection(kinds=("rule", "agent", "command", "skill", "mcp", "hook"),
                                         tags=("core",), names=(), exclude=(),
                                         min_severity=None, layers=("builtin",))


def test_every_key_in_aiwg_toml(tmp_path: Path) -> None:
    tmp_path = with_libraries(tmp_path / "project")
    (tmp_path / "aiwg.toml").write_text(FULL, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.path == tmp_path / "aiwg.toml"
    assert config == replace(EXPECTED, path=tmp_path / "aiwg.toml")


def test_every_key_in_pyproject(tmp_path: Path) -> None:
    nested = FULL.replace("[library]", "[tool.aiwg.library]").replace(
        "[select]", "[tool.aiwg.select]").replace("[platform.", "[tool.aiwg.platform.").replace(
        "[budgets.", "[tool.aiwg.budgets.")
    text = "[project]\nname = 'x'\n\n[tool.aiwg]\n" + nested.replace("# every key\n", "")
    tmp_path = with_libraries(tmp_path / "project")
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.selection == EXPECTED.selection
    assert config.platform_options == EXPECTED.platform_options
    assert config.budgets == EXPECTED.budgets
    assert (config.platforms, config.ignore) == (EXPECTED.platforms, EXPECTED.ignore)


def test_pyproject_without_tool_aiwg_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n[tool.ruff]\n")
    assert load_config(tmp_path) == Config()


def test_aiwg_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "aiwg.toml").write_text('platforms = ["cursor"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.aiwg]\nplatforms = ["codex"]\n')
    assert load_config(tmp_path).platforms == ("cursor",)


def test_empty_tags_means_no_tag_filter(tmp_path: Path) -> None:
    (tmp_path / "aiwg.toml").write_text("[select]\ntags = []\n")
    assert load_config(tmp_path).selection.tags == ()


# --- unknown keys -----------------------------------------------------------------------------


def test_misspelt_top_level_key(tmp_path: Path) -> None:
    assert config_error(tmp_path, '# x\nplatfroms = ["cursor"]\n') == (
        "aiwg.toml:2: key 'platfroms': unknown; did you mean 'platforms'?")


def test_misspelt_key_in_a_table(tmp_path: Path) -> None:
    text = '[library]\nbuiltin = true\n\n[select]\nkinds = ["rule"]\ntagz = ["core"]\n'
    assert config_error(tmp_path, text) == (
        "aiwg.toml:6: key 'select.tagz': unknown; did you mean 'select.tags'?")


def test_misspelt_table(tmp_path: Path) -> None:
    assert config_error(tmp_path, 'platforms = []\n[selcet]\ntags = []\n') == (
        "aiwg.toml:2: key 'selcet': unknown; did you mean 'select'?")


def test_unknown_key_without_a_close_match(tmp_path: Path) -> None:
    assert config_error(tmp_path, "[library]\nzzz = 1\n") == (
        "aiwg.toml:2: key 'library.zzz': unknown; expected one of builtin, user, paths")


def test_dotted_key_line(tmp_path: Path) -> None:
    assert config_error(tmp_path, "platforms = []\nlibrary.bultin = true\n") == (
        "aiwg.toml:2: key 'library.bultin': unknown; did you mean 'library.builtin'?")


def test_misspelt_key_in_pyproject(tmp_path: Path) -> None:
    text = "[project]\nname = 'x'\n\n[tool.aiwg]\nplatfroms = []\n"
    assert config_error(tmp_path, text, "pyproject.toml") == (
        "pyproject.toml:5: [tool.aiwg] key 'platfroms': unknown; did you mean 'platforms'?")


def test_misspelt_key_in_a_pyproject_table(tmp_path: Path) -> None:
    text = "[tool.aiwg]\nplatforms = []\n[tool.aiwg.select]\nexlude = []\n"
    assert config_error(tmp_path, text, "pyproject.toml") == (
        "pyproject.toml:4: [tool.aiwg] key 'select.exlude': unknown; "
        "did you mean 'select.exclude'?")


def test_platform_options_are_free_form(tmp_path: Path) -> None:
    (tmp_path / "aiwg.toml").write_text('[platform.cursor]\nanything_goes = "yes"\n')
    assert load_config(tmp_path).platform_options == {"cursor": {"anything_goes": "yes"}}


# --- wrong values -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('platforms = "cursor"\n',
     'aiwg.toml:1: platforms: expected a list of strings, got "cursor"'),
    ("ignore = [1]\n", "aiwg.toml:1: ignore: expected a list of strings, got [1]"),
    ('[library]\nbuiltin = "yes"\n',
     'aiwg.toml:2: library.builtin: expected true or false, got "yes"'),
    ("[library]\nuser = 0\n", "aiwg.toml:2: library.user: expected true or false, got 0"),
    ('[library]\npaths = ".aiwg/library"\n',
     'aiwg.toml:2: library.paths: expected a list of strings, got ".aiwg/library"'),
    ('library = "x"\n', 'aiwg.toml:1: library: expected a table, got "x"'),
    ('[select]\nkinds = ["rules"]\n',
     "aiwg.toml:2: select.kinds: expected a list of kinds (rule, agent, command, skill, mcp, hook), "
     "got \"rules\" (did you mean 'rule'?)"),
    ('[select]\nkinds = ["banana"]\n',
     "aiwg.toml:2: select.kinds: expected a list of kinds (rule, agent, command, skill, mcp, hook), "
     'got "banana"'),
    ("[select]\ntags = [1, 2]\n", "aiwg.toml:2: select.tags: expected a list of strings, "
                                  "got [1, 2]"),
    ('[select]\nnames = "x"\n', 'aiwg.toml:2: select.names: expected a list of strings, '
                                'got "x"'),
    ("[select]\nexclude = {}\n",
     "aiwg.toml:2: select.exclude: expected a list of strings, got {}"),
    ('[select]\nmin_severity = "urgent"\n',
     'aiwg.toml:2: select.min_severity: expected one of critical, high, medium, low, '
     'got "urgent"'),
    ("platform = 3\n", "aiwg.toml:1: platform: expected a table, got 3"),
    ("[platform]\nwarp = 3\n", "aiwg.toml:2: platform.warp: expected a table, got 3"),
    ("[budgets.codex]\nrule = 0\n",
     "aiwg.toml:2: budgets.codex.rule: expected a positive integer, got 0"),
    ("[budgets.codex]\nrule = true\n",
     "aiwg.toml:2: budgets.codex.rule: expected a positive integer, got true"),
    ('[budgets.codex]\nrule = "20k"\n',
     'aiwg.toml:2: budgets.codex.rule: expected a positive integer, got "20k"'),
    ("[budgets.codex]\nsize = 20000\n",
     "aiwg.toml:2: budgets.codex.size: expected a kind (rule, agent, command, skill, mcp, "
     'hook) as the key, got "size"'),
    ("[budgets.codex]\nrules = 20000\n",
     "aiwg.toml:2: budgets.codex.rules: expected a kind (rule, agent, command, skill, mcp, "
     "hook) as the key, got \"rules\" (did you mean 'rule'?)"),
    ('[select]\nlayers = ["projects"]\n',
     "aiwg.toml:2: select.layers: expected a list of layers (builtin, source, user, project), "
     "got \"projects\" (did you mean 'project'?)"),
    ("[budgets]\ncodex = 5\n", "aiwg.toml:2: budgets.codex: expected a table, got 5"),
])
def test_wrong_values(tmp_path: Path, text: str, expected: str) -> None:
    assert config_error(tmp_path, text) == expected


def test_wrong_value_in_pyproject(tmp_path: Path) -> None:
    text = "[tool.aiwg]\n[tool.aiwg.library]\nbuiltin = 1\n"
    assert config_error(tmp_path, text, "pyproject.toml") == (
        "pyproject.toml:3: [tool.aiwg] library.builtin: expected true or false, got 1")


def test_tool_aiwg_not_a_table(tmp_path: Path) -> None:
    assert config_error(tmp_path, "[tool]\naiwg = 1\n", "pyproject.toml") == (
        "pyproject.toml:2: [tool.aiwg] the config: expected a table, got 1")


# --- malformed TOML ---------------------------------------------------------------------------


def test_malformed_toml(tmp_path: Path) -> None:
    assert config_error(tmp_path, 'platforms = ["cursor"]\n[select\ntags = []\n') == (
        "aiwg.toml:2: invalid TOML: Expected ']' at the end of a table declaration")


def test_malformed_toml_at_end_of_document(tmp_path: Path) -> None:
    assert config_error(tmp_path, "platforms = [\n  'a',\n") == (
        "aiwg.toml:2: invalid TOML: Invalid value")


def test_malformed_pyproject(tmp_path: Path) -> None:
    assert config_error(tmp_path, "[tool.aiwg]\nplatforms = \n", "pyproject.toml") == (
        "pyproject.toml:2: invalid TOML: Invalid value")


# --- line finding -------------------------------------------------------------------------------


def test_find_line() -> None:
    text = 'a = 1\n# b = 2\n[t]\nb = 2\n"c" = 3\n[t.u]\nd.e = 4\n'
    assert find_line(text, ("a",)) == 1
    assert find_line(text, ("t",)) == 3
    assert find_line(text, ("t", "b")) == 4
    assert find_line(text, ("t", "c")) == 5
    assert find_line(text, ("t", "u", "d", "e")) == 7
    assert find_line(text, ("t", "missing")) == 3  # falls back to the enclosing table
    assert find_line(text, ("nowhere",)) is None
