"""`aiwg doctor`: one line and a fix per finding, exit 1 on an error, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import aiwg, make_project, tree


def _lines(stdout: str, level: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"{level}: ")]


def test_a_healthy_project_is_all_ok(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor"]\n')
    assert aiwg(project, "sync").exit_code == 0
    result = aiwg(project, "doctor")
    assert result.exit_code == 0, result.stdout
    assert not _lines(result.stdout, "error") and not _lines(result.stdout, "warning")
    assert {line.split(":")[1].strip() for line in _lines(result.stdout, "ok")} >= {
        "config", "adapters", "library", "outputs", "context"}


def test_findings_name_the_problem_and_the_fix_and_write_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor", "continue"]\n'
                                     "[library]\nbuiltin = false\n[select]\ntags = []\n")
    rules = project / ".aiwg" / "library" / "rules"
    rules.mkdir(parents=True)
    (rules / "one.md").write_text("---\nname: one\ndescription: One.\n---\nLine.\n")
    assert aiwg(project, "sync").exit_code == 0
    (project / ".claude").mkdir()
    (project / "CLAUDE.md").write_text("# mine\n")
    deployed = project / ".cursor" / "rules" / "one.mdc"
    deployed.write_text(deployed.read_text() + "my edit\n")
    (rules / "one.md").write_text("---\nname: one\ndescription: One.\n---\nLibrary change.\n")
    before = tree(project, skip=())
    result = aiwg(project, "doctor")
    assert tree(project, skip=()) == before
    assert result.exit_code == 1  # the conflict is an error
    errors, warnings = _lines(result.stdout, "error"), _lines(result.stdout, "warning")
    assert any(".cursor/rules/one.mdc" in line and "fix: aiwg resolve" in line for line in errors)
    assert any("Claude Code files are here" in line and "aiwg import -p claude-code" in line
               for line in warnings)
    assert any(line.startswith("warning: platforms: ") and "Continue" in line
               and ("end-of-life" in line or "end of life" in line) for line in warnings), warnings
    document = json.loads(aiwg(project, "doctor", "--json").stdout)
    assert document["ok"] is False
    assert all(set(f) == {"level", "check", "message", "fix"} for f in document["findings"])


def test_a_broken_config_is_a_finding_and_later_checks_still_run(tmp_path: Path) -> None:
    project = make_project(tmp_path, "platforms = [1\n")
    result = aiwg(project, "doctor")
    assert result.exit_code == 1
    assert any(line.startswith("error: config: ") and "aiwg.toml" in line
               for line in result.stdout.splitlines())
    assert any(line.startswith("ok: adapters: ") for line in result.stdout.splitlines())
    assert "Traceback" not in result.stdout + result.stderr
