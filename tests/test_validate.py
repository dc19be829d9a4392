from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwg.errors import Problem
from aiwg.formats.block import content_problem
from aiwg.library import Layer, Library, load_library
from aiwg.resources import builtin_library_dir
from aiwg.validate import validate_library

PLATFORMS = frozenset({"cursor", "claude-code", "claude", "codex"})



def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def md(name: str, extra: str = "", description: str = "Does a thing.") -> str:
    """An item whose `extra` fields start on line 4."""
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n\nBody.\n"


def library_of(root: Path, *layers: Path) -> Library:
    roots = [Layer(f"layer{i}", layer) for i, layer in enumerate(layers)] or [
        Layer("project", root)]
    return load_library(roots, PLATFORMS)


def problems(root: Path, known: frozenset[str] | None = None) -> list[str]:
    return [str(p) for p in validate_library(library_of(root), known)]


def one(root: Path, relative: str, text: str, known: frozenset[str] | None = None) -> list[str]:
    """The problems of a library holding just this one file, with `{file}` standing for it."""
    path = write(root, relative, text)
    return [line.replace(str(path), "{file}") for line in problems(root, known)]


def test_a_clean_library_has_no_problems(tmp_path: Path) -> None:
    write(tmp_path, "rules/a.md", md("a", "severity: low\ntags: [core]\nrequires: [b]\n"))
    write(tmp_path, "rules/b.md", md("b", "conflicts: skill/c\nenhances: [a]\n"))
    write(tmp_path, "skills/c/SKILL.md", md("c", "license: MIT\nmy-own-field: 1\n"))
    write(tmp_path, "agents/under_score.v2.md", md("under_score.v2", "tools: [Read]\n"
                                                   "mode: subagent\nmodel: x\n"))
    write(tmp_path, "mcp/github.yaml", "name: github\ndescription: GitHub.\ncommand: npx\n"
          "args: [-y, server]\nenv:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n  LOG: debug\n")
    write(tmp_path, "mcp/api.yaml", "name: api\ndescription: API.\nurl: https://x.test/mcp\n"
          "headers:\n  Authorization: Bearer ${API_TOKEN}\n  X-Basic: ${USER}:${PASS}\n")
    assert problems(tmp_path, PLATFORMS) == []


# --- files that cannot be read ------------------------------------------------------------------


def test_malformed_yaml_is_reported_and_the_rest_still_loads(tmp_path: Path) -> None:
    bad = write(tmp_path, "rules/bad.md", "---\nname: bad\ntags: [a, b\nseverity: high\n---\n")
    write(tmp_path, "rules/good.md", md("good", "severity: urgent\n"))
    library = library_of(tmp_path)
    found = validate_library(library)
    assert list(library.items) == ["rule/good"]
    assert [(p.file, p.line, p.field) for p in found] == [
        (str(bad), 4, None), (str(tmp_path / "rules/good.md"), 4, "severity")]
    assert found[0].message.startswith("malformed YAML: ")


def test_frontmatter_not_a_mapping(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", "---\njust text\n---\nBody\n") == [
        "{file}:2: frontmatter must be a mapping of fields, got a string"]


# --- required fields and types --------------------------------------------------------------------


def test_missing_name_and_description(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", "---\nseverity: low\n---\nBody\n") == [
        "{file}: description: missing; every item needs a description",
        "{file}: name: missing; every item needs a name",
    ]


def test_empty_frontmatter(tmp_path: Path) -> None:
    assert one(tmp_path, "commands/a.md", "---\n---\nBody\n") == [
        "{file}: description: missing; every item needs a description",
        "{file}: name: missing; every item needs a name",
    ]


@pytest.mark.parametrize(("extra", "expected"), [
    ("tags: 5\n", "{file}:4: tags: expected a list of strings, got 5"),
    ("tags: [core, 7]\n", "{file}:4: tags: expected a list of strings, but entry 2 is 7"),
    ("globs: {a: b}\n", "{file}:4: globs: expected a list of strings, got a mapping"),
    ("requires: true\n", "{file}:4: requires: expected a list of strings, got true"),
    ("always: yes-please\n", "{file}:4: always: expected true or false, got 'yes-please'"),
    ("version: [1]\n", '{file}:4: version: expected a string like "1.0", got a list'),
    ("version: true\n", '{file}:4: version: expected a string like "1.0", got true'),
    ("category: 3\n", "{file}:4: category: expected a non-empty string, got 3"),
    ("severity: urgent\n",
     "{file}:4: severity: expected one of critical, high, medium, low, got 'urgent'"),
    ("severity: 1\n", "{file}:4: severity: expected one of critical, high, medium, low, got 1"),
])
def test_wrong_types(tmp_path: Path, extra: str, expected: str) -> None:
    assert one(tmp_path, "rules/a.md", md("a", extra)) == [expected]


def test_lists_may_be_comma_strings_and_versions_numbers(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", md("a", "tags: core, ops\nversion: 2\n")) == []


def test_name_and_description_types(tmp_path: Path) -> None:
    text = "---\nname: [a]\ndescription:\n---\nBody\n"
    assert one(tmp_path, "rules/a.md", text) == [
        "{file}:2: name: expected a non-empty string, got a list",
        "{file}:3: description: expected a non-empty string, got nothing",
    ]


def test_wrong_type_inside_a_platform_block(tmp_path: Path) -> None:
    extra = "cursor:\n  description: Cursor text.\n  globs: 3\n"
    assert one(tmp_path, "rules/a.md", md("a", extra)) == [
        "{file}:6: cursor.globs: expected a list of strings, got 3"]


def test_description_must_be_one_line(tmp_path: Path) -> None:
    text = "---\nname: a\ndescription: |\n  First.\n  Second.\n---\nBody\n"
    assert one(tmp_path, "rules/a.md", text) == [
        "{file}:3: description: expected one line (it is the trigger text and the index "
        "line), got 2 lines"]


def test_folded_description_ending_in_a_newline_is_one_line(tmp_path: Path) -> None:
    text = "---\nname: a\ndescription: >\n  First\n  and more.\n---\nBody\n"
    assert one(tmp_path, "rules/a.md", text) == []


# --- field names ---------------------------------------------------------------------------------


def test_misspelt_field(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", md("a", "factor: VI\nsevrity: high\nmy-note: x\n")) == [
        "{file}:5: sevrity: unknown field 'sevrity'; did you mean 'severity'?"]


@pytest.mark.parametrize(("key", "meant"), [
    ("tool", "tools"), ("argument_hint", "argument-hint"), ("header", "headers"),
    ("requries", "requires"), ("allowed_tools", "allowed-tools"), ("licence", "license"),
])
def test_misspelt_well_known_fields(tmp_path: Path, key: str, meant: str) -> None:
    assert one(tmp_path, "agents/a.md", md("a", f"{key}: x\n")) == [
        f"{{file}}:4: {key}: unknown field {key!r}; did you mean {meant!r}?"]


def test_misspelt_platform_block(tmp_path: Path) -> None:
    extra = "cursorr:\n  globs: [x]\n"
    assert one(tmp_path, "rules/a.md", md("a", extra), PLATFORMS) == [
        "{file}:4: cursorr: unknown field 'cursorr'; did you mean 'cursor'?"]


def test_misspelt_field_inside_a_platform_block(tmp_path: Path) -> None:
    extra = "claude:\n  descripton: Other.\n"
    assert one(tmp_path, "rules/a.md", md("a", extra)) == [
        "{file}:5: claude.descripton: unknown field 'descripton'; did you mean 'description'?"]


# --- names ----------------------------------------------------------------------------------------


def test_name_must_equal_the_file_name(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", md("b")) == [
        "{file}:2: name: expected 'a' (the file name), got 'b'"]


def test_skill_name_must_equal_the_folder_name(tmp_path: Path) -> None:
    assert one(tmp_path, "skills/debugging/SKILL.md", md("debug")) == [
        "{file}:2: name: expected 'debugging' (the folder name), got 'debug'"]


@pytest.mark.parametrize("name", ["Debugging", "de--bug", "-debug", "debug-", "de_bug",
                                  "x" * 65])
def test_skill_names_follow_the_agent_skills_spec(tmp_path: Path, name: str) -> None:
    assert one(tmp_path, f"skills/{name}/SKILL.md", md(name)) == [
        "{file}:2: name: expected 1-64 lowercase letters, digits and single hyphens "
        f"(Agent Skills spec), got {name!r}"]


def test_skill_name_of_64_characters_is_fine(tmp_path: Path) -> None:
    name = "a" * 64
    assert one(tmp_path, f"skills/{name}/SKILL.md", md(name)) == []


def test_skill_description_at_most_1024_characters(tmp_path: Path) -> None:
    assert one(tmp_path / "ok", "skills/s/SKILL.md", md("s", description="x" * 1024)) == []
    assert one(tmp_path / "long", "skills/t/SKILL.md", md("t", description="x" * 1025)) == [
        "{file}:3: description: 1025 characters; the Agent Skills spec allows at most 1024"]


@pytest.mark.parametrize("name", ["../etc", "a/b", "a\\\\b", "a..b", ".."])
def test_names_with_path_parts(tmp_path: Path, name: str) -> None:
    shown = name.replace("\\\\", "\\")
    assert one(tmp_path, "rules/a.md", md(f'"{name}"')) == [
        f"{{file}}:2: name: expected a plain name without a path separator or '..', "
        f"got {shown!r}"]


@pytest.mark.parametrize("name", ["Upper", "_lead", ".hidden", "sp ace", "ünï"])
def test_non_skill_names_are_strict(tmp_path: Path, name: str) -> None:
    assert one(tmp_path, "rules/a.md", md(f'"{name}"')) == [
        "{file}:2: name: expected lowercase letters, digits, '-', '_' or '.', starting with a "
        f"letter or digit, got {name!r}"]


def test_duplicate_names_in_one_layer(tmp_path: Path) -> None:
    write(tmp_path, "mcp/x.yaml", "name: x\ndescription: X.\nurl: https://a.test\n")
    second = write(tmp_path, "mcp/x.yml", "name: x\ndescription: X.\nurl: https://b.test\n")
    assert problems(tmp_path) == [
        f"{second}: name: duplicate of mcp/x (x.yaml) in the same layer; keep one"]


def test_same_name_in_different_layers_is_an_override(tmp_path: Path) -> None:
    write(tmp_path / "low", "rules/a.md", md("a"))
    write(tmp_path / "high", "rules/a.md", md("a"))
    library = library_of(tmp_path, tmp_path / "low", tmp_path / "high")
    assert validate_library(library) == []


def test_shadowed_items_are_validated_too(tmp_path: Path) -> None:
    low = write(tmp_path / "low", "rules/a.md", md("a", "severity: huge\n"))
    write(tmp_path / "high", "rules/a.md", md("a"))
    library = library_of(tmp_path, tmp_path / "low", tmp_path / "high")
    assert [str(p) for p in validate_library(library)] == [
        f"{low}:4: severity: expected one of critical, high, medium, low, got 'huge'"]


# --- relations ------------------------------------------------------------------------------------


def test_relations_must_name_known_items(tmp_path: Path) -> None:
    path = write(tmp_path, "rules/a.md", md("a", "requires: [stateless]\nenhances: [nope]\n"
                                           "conflicts: [skill/a]\n"))
    write(tmp_path, "rules/stateless-processes.md", md("stateless-processes"))
    assert problems(tmp_path) == [
        f"{path}:4: requires: unknown item 'stateless'; did you mean 'stateless-processes'?",
        f"{path}:5: enhances: unknown item 'nope'",
        f"{path}:6: conflicts: unknown item 'skill/a'; did you mean 'rule/a'?",
    ]


def test_ambiguous_relation(tmp_path: Path) -> None:
    path = write(tmp_path, "agents/a.md", md("a", "enhances: [t]\n"))
    write(tmp_path, "rules/t.md", md("t"))
    write(tmp_path, "skills/t/SKILL.md", md("t"))
    assert problems(tmp_path) == [
        f"{path}:4: enhances: item 't' is ambiguous (rule/t, skill/t); write kind/name"]


def test_relation_to_a_broken_file_is_reported_once(tmp_path: Path) -> None:
    write(tmp_path, "rules/a.md", md("a", "requires: [b]\nenhances: [rule/b]\n"))
    broken = write(tmp_path, "rules/b.md", "---\nname: b\ndescription: x: y\n---\n")
    assert problems(tmp_path) == [
        f"{broken}:3: malformed YAML: mapping values are not allowed here"]


def test_relation_prefers_the_same_kind(tmp_path: Path) -> None:
    write(tmp_path, "rules/a.md", md("a", "enhances: [t]\n"))
    write(tmp_path, "rules/t.md", md("t"))
    write(tmp_path, "skills/t/SKILL.md", md("t"))
    assert problems(tmp_path) == []


def test_requires_cycle(tmp_path: Path) -> None:
    first = write(tmp_path, "rules/a.md", md("a", "requires: [b]\n"))
    write(tmp_path, "rules/b.md", md("b", "requires: [c]\n"))
    write(tmp_path, "rules/c.md", md("c", "requires: [rule/a]\n"))
    write(tmp_path, "rules/d.md", md("d", "requires: [a]\n"))  # leads into it, not part of it
    assert problems(tmp_path) == [
        f"{first}:4: requires: requires cycle: rule/a -> rule/b -> rule/c -> rule/a"]


def test_requires_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "skills/s/SKILL.md", md("s", "requires: s\n"))
    assert problems(tmp_path) == [f"{path}:4: requires: requires cycle: skill/s -> skill/s"]


def test_two_cycles_are_two_problems(tmp_path: Path) -> None:
    a = write(tmp_path, "rules/a.md", md("a", "requires: [b]\n"))
    write(tmp_path, "rules/b.md", md("b", "requires: [a]\n"))
    x = write(tmp_path, "rules/x.md", md("x", "requires: [y]\n"))
    write(tmp_path, "rules/y.md", md("y", "requires: [x]\n"))
    assert problems(tmp_path) == [
        f"{a}:4: requires: requires cycle: rule/a -> rule/b -> rule/a",
        f"{x}:4: requires: requires cycle: rule/x -> rule/y -> rule/x",
    ]


# --- targets ------------------------------------------------------------------------------------


def test_targets_name_known_platforms(tmp_path: Path) -> None:
    text = md("a", "targets: [cursor, '!claude', curser, '!nope']\n")
    assert one(tmp_path, "rules/a.md", text, PLATFORMS) == [
        "{file}:4: targets: unknown platform 'curser'; did you mean 'cursor'?",
        "{file}:4: targets: unknown platform 'nope'; expected one of claude, claude-code, "
        "codex, cursor",
    ]


def test_targets_are_not_checked_without_known_platforms(tmp_path: Path) -> None:
    assert one(tmp_path, "rules/a.md", md("a", "targets: [whatever]\n")) == []


# --- MCP servers -------------------------------------------------------------------------------


def mcp(extra: str) -> str:
    return f"name: srv\ndescription: A server.\n{extra}"


@pytest.mark.parametrize(("extra", "expected"), [
    ("", "{file}: command: expected exactly one of 'command' (a local server) or 'url' "
         "(a remote server), got neither"),
    ("command: npx\nurl: https://x.test\n",
     "{file}:3: command: expected exactly one of 'command' (a local server) or 'url' "
     "(a remote server), got both"),
    ("command: [npx]\n", "{file}:3: command: expected a non-empty string, got a list"),
    ("command: npx\nargs: -y\n", "{file}:4: args: expected a list of strings, got '-y'"),
    ("command: npx\nargs: [-y, 3]\n",
     "{file}:4: args: expected a list of strings, but entry 2 is 3"),
    ("command: npx\nenv: [A]\n", "{file}:4: env: expected a mapping of names to strings, "
                                 "got a list"),
    ("command: npx\nenv:\n  LEVEL: 3\n", "{file}:5: env.LEVEL: expected a string, got 3"),
    ("url: ftp://x.test\n", "{file}:3: url: expected an http(s) URL, got 'ftp://x.test'"),
    ("url: https://x.test\nheaders: x\n",
     "{file}:4: headers: expected a mapping of names to strings, got 'x'"),
])
def test_mcp_shape(tmp_path: Path, extra: str, expected: str) -> None:
    assert one(tmp_path, "mcp/srv.yaml", mcp(extra)) == [expected]


@pytest.mark.parametrize(("key", "value"), [
    ("GITHUB_TOKEN", "ghp_123"), ("api_key", "sk-abc"), ("DB_PASSWORD", "hunter2"),
    ("CLIENT_SECRET", "Bearer s3cr3t"), ("MY_CREDENTIALS", "sk-${X}"),
    ("AUTH", "$AUTH"), ("PASS", "${A}x"),
])
def test_secret_env_values_must_be_references(tmp_path: Path, key: str, value: str) -> None:
    text = mcp(f"command: npx\nenv:\n  OTHER: fine\n  {key}: {value!r}\n")
    assert one(tmp_path, "mcp/srv.yaml", text) == [
        f"{{file}}:6: env.{key}: expected an environment reference like ${{{key.upper()}}}, "
        "not a literal value"]


def test_authorization_header_must_be_a_reference(tmp_path: Path) -> None:
    text = mcp("url: https://x.test\nheaders:\n  X-Team: platform\n  Authorization: Bearer abc\n")
    assert one(tmp_path, "mcp/srv.yaml", text) == [
        "{file}:6: headers.Authorization: expected an environment reference like "
        "${SRV_TOKEN}, not a literal value"]


@pytest.mark.parametrize("value", ["${GITHUB_TOKEN}", "Bearer ${T}", "token ${T}",
                                   "${USER}:${PASS}", " ${T} "])
def test_references_are_accepted(tmp_path: Path, value: str) -> None:
    text = mcp(f"url: https://x.test\nheaders:\n  Authorization: {value!r}\n")
    assert one(tmp_path, "mcp/srv.yaml", text) == []


# --- the whole report ---------------------------------------------------------------------------


def test_problems_are_sorted_and_never_compare_none_with_numbers(tmp_path: Path) -> None:
    write(tmp_path, "rules/a.md", "---\ndescription: A.\nseverity: no\ntags: 1\n---\n")
    write(tmp_path, "rules/b.md", md("b", "always: 1\n"))
    found = validate_library(library_of(tmp_path))
    assert [(Path(p.file).name, p.line, p.field) for p in found] == [
        ("a.md", None, "name"), ("a.md", 3, "severity"), ("a.md", 4, "tags"),
        ("b.md", 4, "always")]
    assert all(isinstance(p, Problem) for p in found)


def test_crlf_files_report_the_same_lines(tmp_path: Path) -> None:
    path = tmp_path / "rules/a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(md("a", "tags: core\nsevrity: x\n").replace("\n", "\r\n").encode())
    assert problems(tmp_path) == [
        f"{path}:5: sevrity: unknown field 'sevrity'; did you mean 'severity'?"]


def _builtin_rule_count() -> int:
    try:
        return len(list((builtin_library_dir() / "rules").glob("*.md")))
    except FileNotFoundError:
        return 0


@pytest.mark.skipif(_builtin_rule_count() < 15,
                    reason="the built-in library is still being written")
def test_the_builtin_library_is_valid() -> None:
    library = load_library([Layer("builtin", builtin_library_dir())],
                           {"claude-code", "claude", "cursor", "codex", "copilot", "warp",
                            "openclaw"})
    assert [str(p) for p in validate_library(library)] == []
    assert len(library.items) >= 15


def test_item_name_limit_leaves_room_for_every_adapters_file_name() -> None:
    """ITEM_NAME_MAX must keep each file name an adapter makes from an item name under the
    255 bytes file systems allow, or a valid name fails a deploy after other files were written."""
    from aiwg.adapters import default_registry
    from aiwg.validate import ITEM_NAME_MAX

    longest = "x" * ITEM_NAME_MAX
    for adapter in default_registry().adapters:
        for spec in adapter.kinds.values():
            for scope in ("project", "user"):
                template = adapter.path_template(spec, scope) or ""
                for part in template.split("/"):
                    if "{name}" in part:
                        assert len(part.replace("{name}", longest).encode()) <= 255, (
                            adapter.id, template)


# --- a clean loaded body means a clean file body (no second read) ----------------------------

BODY_LINES = st.sampled_from(["", " ", "\t", "text", "```", "~~~", "   ```", "    ```", "```py",
                              "<!-- aiwg:begin x -->", "<!-- aiwg:end x -->",
                              "   <!-- aiwg:begin y -->", "---", "# title"])


@settings(max_examples=int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0")) or 200,
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(BODY_LINES, max_size=8), crlf=st.booleans(), bom=st.booleans())
def test_a_body_problem_is_found_exactly_when_the_file_body_has_one(
        tmp_path_factory: pytest.TempPathFactory, lines: list[str], crlf: bool,
        bom: bool) -> None:
    """The check reads the loaded body first; the file's own lines decide the line number.
    Both must agree on whether there is a problem and where (leading blank lines included)."""
    root = tmp_path_factory.mktemp("lib")
    text = "---\nname: r\ndescription: A rule.\n---\n" + "\n".join(lines) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path = root / "rules" / "r.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    found = [p for p in problems(root) if "body:" in p]
    expected = content_problem("\n".join(lines) + "\n")
    assert bool(found) == (expected is not None), (lines, found)
    if expected is not None:
        assert f"r.md:{5 + expected[0]}: body:" in found[0]
