"""Issue 14's input defects (8, 9, 12, 13, 14), each through the CLI as a user meets it."""

from __future__ import annotations

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
