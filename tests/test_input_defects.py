"""Issue 14's input defects (8, 9, 12, 13, 14), each through the CLI as a user meets it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from helpers import aiwg, make_project, rule_text, tree, write_item

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
BEGIN, END = "<!-- aiwg:begin rules -->", "<!-- aiwg:end rules -->"


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return lines[0] if len(lines) == 1 else "\n".join(lines)


# --- defect 8 ---------------------------------------------------------------------------------


def test_defect_8_rule_documenting_the_markers_deploys_syncs_and_removes(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    body = f"Blocks look like this:\n\n````markdown\n{BEGIN}\n...\n{END}\n````\n"
    write_item(project, "rules/markers.md", rule_text("markers", body=body))
    mine = f"# Mine\n\n~~~\n{BEGIN}\nmy example\n{END}\n~~~\n"
    (project / "AGENTS.md").write_text(mine)
    assert aiwg(project, "deploy", "--platform", "codex").exit_code == 0
    agents = (project / "AGENTS.md").read_text()
    assert agents.startswith(mine) and "my example" in agents and "...\n" in agents
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    removed = aiwg(project, "remove", "--platform", "codex", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert (project / "AGENTS.md").read_text() == mine


def test_defect_8_a_body_marker_outside_a_fence_is_refused_with_file_and_line(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/bad.md", rule_text("bad", body=f"Text.\n{END}\n"))
    result = aiwg(project, "validate")
    assert result.exit_code == 1
    assert "rules/bad.md:10: body: this line is an aiwg marker line outside fenced code" in (
        result.stdout + result.stderr)
    before = tree(project)
    deploy = aiwg(project, "deploy", "--platform", "codex")
    assert deploy.exit_code == 2 and tree(project) == before


# --- defect 12 (library side) -----------------------------------------------------------------

SKILL = "---\nname: tool\ndescription: A skill.\n---\nUse it.\n"


def _skill_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "skills/tool/SKILL.md", SKILL)
    return project


def test_defect_12_a_skill_resource_linking_out_of_the_library_is_refused(
        tmp_path: Path, fake_home: Path) -> None:
    secret = fake_home / ".ssh" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    for target in (secret, Path("/etc/passwd")):
        project = _skill_project(tmp_path / target.name)
        link = project / ".aiwg/library/skills/tool/key"
        link.symlink_to(target)
        before = tree(project)
        result = aiwg(project, "deploy", "--platform", "cursor")
        assert result.exit_code == 2
        assert f"{link}: is a symlink to {target.resolve()}, outside the library" in result.stderr
        assert tree(project) == before
        assert not (project / ".cursor").exists()


def test_defect_12_a_linked_folder_out_of_the_library_is_refused(tmp_path: Path) -> None:
    project = _skill_project(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "data.txt").write_text("not the library's\n")
    (project / ".aiwg/library/skills/tool/linked").symlink_to(outside)
    result = aiwg(project, "deploy", "--platform", "cursor")
    assert result.exit_code == 2 and "outside the library" in result.stderr
    assert not (project / ".cursor").exists()


def test_defect_12_a_link_inside_the_library_is_copied_as_its_content(tmp_path: Path) -> None:
    project = _skill_project(tmp_path)
    shared = project / ".aiwg/library/shared.sh"
    shared.write_text("echo shared\n")
    shared.chmod(0o755)
    (project / ".aiwg/library/skills/tool/run.sh").symlink_to(shared)
    (project / ".aiwg/library/skills/tool/loop").symlink_to(project / ".aiwg/library/skills")
    result = aiwg(project, "deploy", "--platform", "cursor")
    assert result.exit_code == 0, result.stderr
    copied = project / ".cursor/skills/tool/run.sh"
    assert not copied.is_symlink() and copied.read_text() == "echo shared\n"


def test_defect_12_a_named_pipe_in_a_skill_folder_is_refused_not_read(tmp_path: Path) -> None:
    project = _skill_project(tmp_path)
    pipe = project / ".aiwg/library/skills/tool/pipe"
    os.mkfifo(pipe)
    result = aiwg(project, "validate")
    assert result.exit_code == 1
    assert f"{pipe}: expected a regular file as a skill resource, got a named pipe" in (
        result.stderr + result.stdout)


BILLION_LAUGHS = """---
name: laughs
description: Billion laughs.
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]
---
"""


def test_defect_12_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS.splitlines()) == 14
    project = make_project(tmp_path, CONFIG)
    source = write_item(project, "rules/laughs.md", BILLION_LAUGHS + "Body.\n")
    started = time.monotonic()
    result = aiwg(project, "deploy", "--platform", "codex")
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert f"{source}:" in result.stderr and "expands to more than" in result.stderr
    assert not (project / "AGENTS.md").exists()


def test_defect_12_self_referring_aliases_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/cycle.md", "---\nname: cycle\ndescription: x\nloop: &l [*l]\n---\n")
    write_item(project, "rules/deep.md",
               "---\nname: deep\ndescription: x\ndeep: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    result = aiwg(project, "validate")
    text = result.stdout + result.stderr
    assert result.exit_code == 1 and "Traceback" not in text
    assert "cycle.md:4: malformed YAML: an alias refers to the node that contains it" in text
    assert "deep.md:4: malformed YAML: nested more than 50 levels deep" in text


# --- defect 14 (library side) -----------------------------------------------------------------

AGENT = "---\nname: a\ndescription: An agent.\n{extra}---\nDo things.\n"


def test_defect_14_tools_a_number_is_one_line_not_a_crash(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    source = write_item(project, "agents/a.md", AGENT.format(extra="tools: 5\n"))
    result = aiwg(project, "deploy", "--platform", "claude-code")
    assert result.exit_code == 2
    assert _one_error_line(result.stderr).startswith(
        f"aiwg: {source}:4: tools: expected a list of strings, got 5")
    assert not (project / ".claude").exists()


def test_defect_14_a_per_platform_model_mapping_is_narrowed_and_a_null_refused(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    source = write_item(project, "agents/a.md", AGENT.format(
        extra="model:\n  claude-code: opus\n  codex: null\n"))
    result = aiwg(project, "deploy", "--platform", "claude-code", "--platform", "codex")
    assert result.exit_code == 2
    assert f"{source}:6: model.codex: expected a model name, got nothing" in result.stderr
    source.write_text(AGENT.format(extra="model:\n  claude-code: opus\n  codex: gpt-5\n"))
    assert aiwg(project, "deploy", "--platform", "claude-code", "--platform",
                "codex").exit_code == 0
    assert "model: opus\n" in (project / ".claude/agents/a.md").read_text()
    assert 'model = "gpt-5"' in (project / ".codex/agents/a.toml").read_text()


def test_defect_14_a_250_character_name_is_refused_before_anything_is_written(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    name = "a" * 250
    source = write_item(project, f"commands/{name}.md",
                        f"---\nname: {name}\ndescription: Long.\n---\nDo it.\n")
    result = aiwg(project, "deploy", "--platform", "claude-code", "--platform", "copilot")
    assert result.exit_code == 2
    assert f"{source}:2: name: 250 characters; expected at most 128" in result.stderr
    assert set(tree(project)) == {"aiwg.toml"}


# --- defect 9 ---------------------------------------------------------------------------------


def test_defect_9_an_excluded_reader_never_sees_an_item_in_a_shared_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/shared.md", rule_text("shared"))
    write_item(project, "rules/not-codex.md", rule_text("not-codex", targets='["!codex"]'))
    result = aiwg(project, "deploy", "--platform", "opencode", "--platform", "codex",
                  "--explain")
    assert result.exit_code == 0, result.stderr
    agents = (project / "AGENTS.md").read_text()
    assert "Shared" in agents and "Not-Codex" not in agents
    assert "no losses" not in result.stdout
    assert "left out of AGENTS.md: codex also reads it" in result.stdout
    # Alone, OpenCode gets it: no other deployed platform reads its AGENTS.md.
    alone = make_project(tmp_path / "alone", CONFIG)
    write_item(alone, "rules/not-codex.md", rule_text("not-codex", targets='["!codex"]'))
    assert aiwg(alone, "deploy", "--platform", "opencode").exit_code == 0
    assert "Not-Codex" in (alone / "AGENTS.md").read_text()


def test_defect_9_a_shared_skill_folder_carries_only_skills_every_reader_may_see(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "skills/tool/SKILL.md",
               "---\nname: tool\ndescription: A skill.\ntargets: ['!codex']\n---\nUse it.\n")
    result = aiwg(project, "deploy", "--platform", "opencode", "--platform", "codex",
                  "--explain")
    assert result.exit_code == 0, result.stderr
    assert not (project / ".agents/skills/tool").exists()
    assert "left out of .agents/skills/tool: codex also reads it" in result.stdout
