"""The real Claude Code CLI loads each rule once when deployed beside an AGENTS.md writer.

`claude -p /context` lists the memory files Claude loaded, offline and without a login. Skipped
when the CLI is not installed (`.ci/run` installs a pinned version from npm) or is older than
2.1.277, the first version that reads AGENTS.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import aiwg, make_project, write_item

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
RULES = ("alpha", "beta", "gamma")


def claude() -> str | None:
    folder = os.environ.get("AIWG_CLIENTS_BIN")
    found = str(Path(folder) / "claude") if folder and (Path(folder) / "claude").exists() \
        else shutil.which("claude")
    if found is None:
        return None
    version = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60,
                             check=False).stdout
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    return found if match and tuple(map(int, match.groups())) >= (2, 1, 277) else None


CLAUDE = claude()
pytestmark = pytest.mark.skipif(CLAUDE is None, reason="claude CLI >= 2.1.277 not installed")


def memory_files(project: Path) -> list[str]:
    assert CLAUDE is not None
    done = subprocess.run([CLAUDE, "-p", "/context"], cwd=project, capture_output=True,
                          text=True, timeout=180, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    section = done.stdout.split("### Memory Files", 1)
    assert len(section) == 2, done.stdout + done.stderr
    table = section[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| [^|]+ \| (\S+) \| [^|]+ \|$", table, re.M)
    return sorted(Path(row).relative_to(project.resolve()).as_posix() for row in rows
                  if row.startswith(str(project.resolve())))


def deployed(tmp_path: Path, *, claude_md: bool) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in RULES:
        write_item(project, f"rules/{name}.md", f"---\nname: {name}\ndescription: {name}.\n"
                   f"severity: high\n---\n# {name.title()}\n\nDo {name}.\n")
    if claude_md:
        (project / "CLAUDE.md").write_text("# Ours\n")
    result = aiwg(project, "deploy", "-p", "claude-code", "-p", "codex")
    assert result.exit_code == 0, result.stderr
    return project


def test_claude_beside_codex_loads_the_rules_from_agents_md_only(tmp_path: Path) -> None:
    project = deployed(tmp_path, claude_md=False)
    loaded = memory_files(project)
    assert loaded == ["AGENTS.md"]
    text = (project / "AGENTS.md").read_text()
    assert all(text.count(f"### {name.title()} (high)") == 1 for name in RULES)


def test_with_a_persons_claude_md_claude_loads_its_own_rule_files_only(tmp_path: Path) -> None:
    project = deployed(tmp_path, claude_md=True)
    loaded = memory_files(project)
    assert loaded == sorted(["CLAUDE.md", *(f".claude/rules/{name}.md" for name in RULES)])
