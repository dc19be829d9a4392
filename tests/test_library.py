from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiwg.config import Config
from aiwg.errors import InputError
from aiwg.items import Resource
from aiwg.library import Layer, Library, default_layers, load_library

PLATFORMS = {"cursor", "claude-code", "claude"}

RULE = """\
---
name: stateless-processes
description: Keep processes stateless.
version: 1.0
severity: high
category: twelve-factor
tags: [core, ops]
factor: VI
globs: "src/**/*.py, lib/**"
always: false
requires: [config-in-env]
cursor:
  globs: ["**/*.ts"]
  alwaysApply: true
---

# Stateless processes

## Rule

Keep no state in memory between requests.

## What to check

- No module-level caches of user data.
- Sessions live in a backing service.

## Why

Scale out.
"""



def write(root: Path, relative: str, text: str | bytes, mode: int | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    if mode is not None:
        path.chmod(mode)
    return path


def item_md(name: str, description: str = "A thing.", extra: str = "",
            body: str = "Body.\n") -> str:
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n\n{body}"


def load(root: Path, name: str = "project") -> Library:
    return load_library([Layer(name, root)], PLATFORMS)


# --- items of every kind ---------------------------------------------------------------------


def test_rule_fields_are_typed(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/stateless-processes.md", RULE)
    library = load(tmp_path)
    item = library.items["rule/stateless-processes"]
    assert (item.kind, item.name, item.description) == (
        "rule", "stateless-processes", "Keep processes stateless.")
    assert item.version == "1.0"
    assert item.severity == "high"
    assert item.category == "twelve-factor"
    assert item.tags == ("core", "ops")
    assert item.globs == ("src/**/*.py", "lib/**")  # a comma string is a list
    assert item.always is False
    assert item.requires == ("config-in-env",)
    assert item.layer == "project"
    assert item.source == path
    assert item.meta["factor"] == "VI"
    assert library.problems == []


def test_platform_blocks_are_overrides_not_meta(tmp_path: Path) -> None:
    write(tmp_path, "rules/stateless-processes.md", RULE)
    item = load(tmp_path).items["rule/stateless-processes"]
    assert "cursor" not in item.meta
    assert item.overrides == {"cursor": {"globs": ["**/*.ts"], "alwaysApply": True}}
    assert item.for_platform("cursor").globs == ("**/*.ts",)


def test_unknown_platform_key_stays_in_meta(tmp_path: Path) -> None:
    write(tmp_path, "rules/stateless-processes.md", RULE)
    item = load_library([Layer("project", tmp_path)]).items["rule/stateless-processes"]
    assert item.overrides == {}
    assert item.meta["cursor"] == {"globs": ["**/*.ts"], "alwaysApply": True}


def test_override_block_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/a.md", item_md("a", extra="cursor: yes\n"))
    library = load(tmp_path)
    assert [str(p) for p in library.problems] == [
        f"{path}: cursor: expected a mapping of fields for platform 'cursor', got a boolean"]
    assert library.items["rule/a"].overrides == {}


def test_checks_come_from_the_what_to_check_section(tmp_path: Path) -> None:
    write(tmp_path, "rules/stateless-processes.md", RULE)
    item = load(tmp_path).items["rule/stateless-processes"]
    assert item.checks == ("No module-level caches of user data.",
                           "Sessions live in a backing service.")


def test_checks_in_frontmatter_win(tmp_path: Path) -> None:
    text = RULE.replace("factor: VI\n", "factor: VI\nchecks: [Only this.]\n")
    write(tmp_path, "rules/stateless-processes.md", text)
    assert load(tmp_path).items["rule/stateless-processes"].checks == ("Only this.",)


def test_projections(tmp_path: Path) -> None:
    write(tmp_path, "rules/stateless-processes.md", RULE)
    item = load(tmp_path).items["rule/stateless-processes"]
    assert item.projection("index").text == (
        "- **stateless-processes** (rule, high): Keep processes stateless.")
    assert item.projection("summary").text == (
        "Keep processes stateless.\n\nCheck:\n- No module-level caches of user data.\n"
        "- Sessions live in a backing service.")
    full = item.projection("full")
    assert full.text == item.body
    assert full.text.startswith("# Stateless processes\n\n## Rule\n")
    assert full.tokens == (len(item.body) + 3) // 4


def test_body_is_kept_exactly(tmp_path: Path) -> None:
    body = "# Title\n\n    indented code  \n\ttab\n\ntrailing spaces   \n\n"
    write(tmp_path, "agents/helper.md", item_md("helper", body=body))
    item = load(tmp_path).items["agent/helper"]
    # Only the blank line after the closing fence goes; everything else is as written.
    assert item.body == body
    assert item.kind == "agent"


def test_crlf_is_read_like_lf(tmp_path: Path) -> None:
    write(tmp_path / "lf", "rules/stateless-processes.md", RULE)
    write(tmp_path / "crlf", "rules/stateless-processes.md", RULE.replace("\n", "\r\n"))
    lf = load(tmp_path / "lf").items["rule/stateless-processes"]
    crlf = load(tmp_path / "crlf").items["rule/stateless-processes"]
    assert "\r" not in crlf.body
    assert (crlf.body, crlf.meta, crlf.checks) == (lf.body, lf.meta, lf.checks)


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "commands/plan.md", b"\xef\xbb\xbf" + item_md("plan").encode())
    assert load(tmp_path).items["command/plan"].description == "A thing."


def test_mcp_item_is_the_whole_mapping(tmp_path: Path) -> None:
    text = ("name: github\ndescription: GitHub.\ncommand: npx\nargs: [-y, server]\n"
            "env:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n")
    write(tmp_path, "mcp/github.yaml", text)
    write(tmp_path, "mcp/fetch.yml", "name: fetch\ndescription: Fetch.\nurl: https://x.test\n")
    library = load(tmp_path)
    github = library.items["mcp/github"]
    assert github.body == ""
    assert github.meta == {"name": "github", "description": "GitHub.", "command": "npx",
                           "args": ["-y", "server"], "env": {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}}
    assert library.items["mcp/fetch"].meta["url"] == "https://x.test"


def test_skill_resources_keep_their_exec_bits(tmp_path: Path) -> None:
    write(tmp_path, "skills/debugging/SKILL.md", item_md("debugging", body="Steps.\n"))
    write(tmp_path, "skills/debugging/scripts/run.sh", "#!/bin/sh\necho hi\n", mode=0o755)
    write(tmp_path, "skills/debugging/references/guide.md", "Guide.\n", mode=0o644)
    write(tmp_path, "skills/debugging/.DS_Store", b"\x00")
    write(tmp_path, "skills/debugging/.cache/x", "x")
    skill = load(tmp_path).items["skill/debugging"]
    assert skill.resources == (
        Resource("references/guide.md", b"Guide.\n", False),
        Resource("scripts/run.sh", b"#!/bin/sh\necho hi\n", True),
    )
    assert skill.body == "Steps.\n"


def test_skill_folder_without_skill_md(tmp_path: Path) -> None:
    write(tmp_path, "skills/empty/README.md", "x")
    library = load(tmp_path)
    assert library.items == {}
    assert [str(p) for p in library.problems] == [
        f"{tmp_path / 'skills/empty'}: expected a SKILL.md in the skill folder"]


def test_files_that_are_not_items_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# My library\n")
    write(tmp_path, "notes/x.md", item_md("x"))
    write(tmp_path, "rules/.draft.md", item_md("draft"))
    write(tmp_path, "rules/notes.txt", "not an item")
    write(tmp_path, "rules/sub/deep.md", item_md("deep"))
    write(tmp_path, "rules/README.md", item_md("README"))  # any *.md in rules/ is a rule
    library = load(tmp_path)
    assert list(library.items) == ["rule/README"]


def test_items_are_sorted_by_id(tmp_path: Path) -> None:
    for relative, name in (("rules/b.md", "b"), ("agents/z.md", "z"), ("rules/a.md", "a")):
        write(tmp_path, relative, item_md(name))
    assert list(load(tmp_path).items) == ["agent/z", "rule/a", "rule/b"]


def test_file_name_is_the_identity(tmp_path: Path) -> None:
    write(tmp_path, "rules/actual.md", item_md("other"))
    library = load(tmp_path)
    assert list(library.items) == ["rule/actual"]
    assert library.items["rule/actual"].meta["name"] == "other"


# --- files that cannot be items ------------------------------------------------------------


def test_malformed_yaml_skips_only_that_item(tmp_path: Path) -> None:
    bad = write(tmp_path, "rules/bad.md", "---\nname: bad\ndescription: [unclosed\n---\nBody\n")
    write(tmp_path, "rules/good.md", item_md("good"))
    library = load(tmp_path)
    assert list(library.items) == ["rule/good"]
    assert len(library.problems) == 1
    problem = library.problems[0]
    assert problem.file == str(bad)
    assert problem.line == 4
    assert problem.message.startswith("malformed YAML: ")


def test_malformed_yaml_line_after_a_blank_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "rules/bad.md", "---\n\nname: bad\nbad: : :\n---\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{bad}:4: malformed YAML: mapping values are not allowed here"]


def test_no_frontmatter(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/plain.md", "# Just text\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{path}:1: expected YAML frontmatter: a '---' line, the fields (name, description, "
        "...), then a closing '---' line"]


def test_unclosed_frontmatter(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/open.md", "---\nname: open\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{path}:1: frontmatter is not closed: expected a '---' line after the fields"]


def test_frontmatter_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/list.md", "---\n- a\n- b\n---\nBody\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{path}:2: frontmatter must be a mapping of fields, got a list"]


def test_mcp_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "mcp/x.yaml", "just a string\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{path}:1: expected a YAML mapping (name, description, command or url, ...), "
        "got a string"]


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/latin.md", b"---\nname: caf\xe9\n---\n")
    assert [str(p) for p in load(tmp_path).problems] == [
        f"{path}: expected UTF-8 text (invalid byte at offset 13)"]


# --- layers ----------------------------------------------------------------------------------


def test_later_layers_win_and_shadowed_is_recorded(tmp_path: Path) -> None:
    builtin, user, project = tmp_path / "b", tmp_path / "u", tmp_path / "p"
    for root in (builtin, user, project):
        write(root, "rules/shared.md", item_md("shared", f"From {root.name}."))
    write(builtin, "rules/only-builtin.md", item_md("only-builtin"))
    write(user, "skills/tool/SKILL.md", item_md("tool", "User tool."))
    layers = [Layer("builtin", builtin), Layer("user", user), Layer("project", project)]
    library = load_library(layers, PLATFORMS)
    shared = library.items["rule/shared"]
    assert (shared.layer, shared.description) == ("project", "From p.")
    assert [(i.layer, i.description) for i in library.shadowed["rule/shared"]] == [
        ("builtin", "From b."), ("user", "From u.")]
    assert library.items["rule/only-builtin"].layer == "builtin"
    assert library.items["skill/tool"].layer == "user"
    assert set(library.shadowed) == {"rule/shared"}
    assert library.layers == tuple(layers)
    assert [i.layer for i in library.all_items() if i.name == "shared"] == [
        "builtin", "user", "project"]


def test_duplicate_names_in_one_layer(tmp_path: Path) -> None:
    write(tmp_path, "mcp/x.yaml", "name: x\ndescription: X.\nurl: https://a.test\n")
    second = write(tmp_path, "mcp/x.yml", "name: x\ndescription: X2.\nurl: https://b.test\n")
    library = load(tmp_path)
    assert library.items["mcp/x"].description == "X."
    assert [str(p) for p in library.problems] == [
        f"{second}: name: duplicate of mcp/x (x.yaml) in the same layer; keep one"]


def test_default_layers(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / ".aiwg/library").mkdir(parents=True)
    user = Path(os.environ["XDG_DATA_HOME"]) / "aiwg" / "library"
    user.mkdir(parents=True)
    # A project reads the user library only when its config asks for it.
    assert [layer.name for layer in default_layers(project, Config())] == ["builtin", "project"]
    layers = default_layers(project, Config(user_library=True))
    assert [layer.name for layer in layers] == ["builtin", "user", "project"]
    assert layers[1].path == user
    assert layers[2].path == project / ".aiwg/library"


def test_user_scope_layers_name_their_paths_after_the_user(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    (Path(os.environ["XDG_DATA_HOME"]) / "aiwg" / "library").mkdir(parents=True)
    config = Config(user_library=True, library_paths=("extra",))
    layers = default_layers(tmp_path, config, "user")
    assert [(layer.name, layer.kind) for layer in layers] == [
        ("builtin", "builtin"), ("user", "user"), ("user:extra", "user")]


def test_default_layers_follow_the_config(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "lib-a").mkdir(parents=True)
    (project / "lib-c").mkdir(parents=True)
    (Path(os.environ["XDG_DATA_HOME"]) / "aiwg" / "library").mkdir(parents=True)
    config = Config(builtin=False, user_library=False, library_paths=("lib-a", "lib-c"))
    layers = default_layers(project, config)
    assert layers == [Layer("project:lib-a", project / "lib-a"),
                      Layer("project:lib-c", project / "lib-c")]


def test_defect_14_a_configured_library_path_that_is_missing_is_an_error(
        tmp_path: Path) -> None:
    from aiwg.config import load_config

    (tmp_path / "lib-a").mkdir()
    (tmp_path / "aiwg.toml").write_text('[library]\npaths = ["lib-a", "lib-b-missing"]\n')
    with pytest.raises(InputError, match=r"library\.paths: 'lib-b-missing' does not exist"):
        load_config(tmp_path)
    # The default library folder may be absent: a project that has none yet is fine.
    assert default_layers(tmp_path, Config(builtin=False, user_library=False)) == []


def test_user_layer_only_when_it_exists(tmp_path: Path) -> None:
    layers = default_layers(tmp_path, Config(user_library=True))
    assert [layer.name for layer in layers] == ["builtin"]


# --- finding items -----------------------------------------------------------------------------


def test_find_and_resolve(tmp_path: Path) -> None:
    write(tmp_path, "rules/testing.md", item_md("testing"))
    write(tmp_path, "skills/testing/SKILL.md", item_md("testing"))
    write(tmp_path, "rules/stateless-processes.md", RULE)
    library = load(tmp_path)
    assert library.find("stateless-processes").id == "rule/stateless-processes"
    assert library.find("skill/testing").kind == "skill"
    assert library.find("skills/testing").kind == "skill"  # the folder name works too
    assert library.resolve("testing") is None
    assert library.resolve("testing", prefer="rule") == library.items["rule/testing"]
    assert library.resolve("nope") is None
    with pytest.raises(InputError) as ambiguous:
        library.find("testing")
    assert str(ambiguous.value) == (
        "item 'testing' is ambiguous: rule/testing, skill/testing; write kind/name")
    with pytest.raises(InputError) as unknown:
        library.find("stateless-process")
    assert str(unknown.value) == (
        "unknown item 'stateless-process'; did you mean 'stateless-processes'?")
    with pytest.raises(InputError, match=r"^unknown item 'agent/testing'"):
        library.find("agent/testing")
