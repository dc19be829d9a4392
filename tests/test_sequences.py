"""Random sequences of library edits, hand edits and aiwg runs: no byte a person wrote is lost.

Each sequence deploys a small library to six platforms (a shared AGENTS.md block, per-item
files, owned MCP keys), then interleaves library changes (edit, add, remove a rule; change an
MCP server), hand edits (a whole file, inside a managed block, outside it, a key beside aiwg's
in a config file) and runs (sync, deploy, deploy --adopt, remove, accept). After every run each
line the person wrote must still be in the file they wrote it in.

Sequences per run: 30 locally, 200 in CI (`CI` set); `AIWG_SEQUENCES=N` runs N (e.g. 10,000).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from helpers import aiwg, make_project

PLATFORMS = ("claude-code", "codex", "cursor", "copilot", "gemini-cli", "opencode")
COUNT = int(os.environ.get("AIWG_SEQUENCES") or (200 if os.environ.get("CI") else 30))
STEPS = 10
CONFIG = ('platforms = ["claude-code", "codex", "cursor", "copilot", "gemini-cli", "opencode"]\n'
          '[library]\nbuiltin = false\npaths = ["lib"]\n')


def _rule(name: str, body: str) -> str:
    return f"---\nname: {name}\ndescription: Rule {name}.\nseverity: high\n---\n{body}\n"


def _server(args: str) -> str:
    return f"name: tools\ndescription: A tool server.\ncommand: npx\nargs: [\"{args}\"]\n"


class Person:
    """What the person wrote where; the invariant checks every line of it after each run."""

    def __init__(self, project: Path, rng: random.Random) -> None:
        self.project = project
        self.rng = rng
        self.lines: list[tuple[Path, str]] = []
        self.serial = 0

    def _mark(self) -> str:
        self.serial += 1
        return f"person-line-{self.serial}-{self.rng.randrange(10**6)}"

    def outputs(self) -> list[Path]:
        return sorted(p for p in self.project.rglob("*") if p.is_file()
                      and p.relative_to(self.project).parts[0] not in (".aiwg", ".git", "lib")
                      and p.name != "aiwg.toml" and p.suffix in (".md", ".mdc"))

    def edit_whole_file(self) -> None:
        files = [p for p in self.outputs() if p.name not in ("AGENTS.md", "GEMINI.md")]
        if files:
            self._append(self.rng.choice(files))

    def _append(self, file: Path) -> None:
        mark = self._mark()
        file.write_text(file.read_text() + f"\n{mark}\n")
        self.lines.append((file, mark))

    def edit_inside_block(self) -> None:
        file = self.project / "AGENTS.md"
        if not file.exists():
            return
        text = file.read_text()
        begin = next((i for i, line in enumerate(text.splitlines(keepends=True))
                      if line.startswith("<!-- aiwg:begin")), None)
        if begin is None:
            return
        lines = text.splitlines(keepends=True)
        mark = self._mark()
        lines.insert(begin + 2, f"{mark}\n")
        file.write_text("".join(lines))
        self.lines.append((file, mark))

    def edit_outside_block(self) -> None:
        for name in ("AGENTS.md", "GEMINI.md"):
            file = self.project / name
            if file.exists():
                self._append(file)
                return

    def add_key_beside(self) -> None:
        file = self.project / ".mcp.json"
        if not file.exists():
            return
        data = json.loads(file.read_text())
        mark = self._mark()
        data.setdefault("mcpServers", {})[mark] = {"command": "mine"}
        file.write_text(json.dumps(data, indent=2) + "\n")
        self.lines.append((file, mark))

    def check(self, step: str) -> None:
        for file, mark in self.lines:
            assert file.exists(), f"after {step}: {file} (holding {mark}) was deleted"
            assert mark in file.read_text(), f"after {step}: {mark} lost from {file}"


class Library:
    def __init__(self, project: Path, rng: random.Random) -> None:
        self.rules = project / "lib" / "rules"
        self.mcp = project / "lib" / "mcp"
        self.rules.mkdir(parents=True)
        self.mcp.mkdir(parents=True)
        self.rng = rng
        self.serial = 0
        for _ in range(3):
            self.add_rule()
        (self.mcp / "tools.yaml").write_text(_server("server-0"))

    def add_rule(self) -> None:
        self.serial += 1
        name = f"rule-{self.serial}"
        (self.rules / f"{name}.md").write_text(_rule(name, f"Do thing {self.serial}."))

    def edit_rule(self) -> None:
        files = sorted(self.rules.glob("*.md"))
        if files:
            file = self.rng.choice(files)
            file.write_text(file.read_text().rstrip("\n") + f"\nAlso {self.rng.randrange(99)}.\n")

    def remove_rule(self) -> None:
        files = sorted(self.rules.glob("*.md"))
        if len(files) > 1:
            self.rng.choice(files).unlink()

    def edit_server(self) -> None:
        (self.mcp / "tools.yaml").write_text(_server(f"server-{self.rng.randrange(99)}"))


def _run(project: Path, rng: random.Random) -> str:
    platform = rng.choice(PLATFORMS)
    choice = rng.choice(("sync", "sync", "deploy", "adopt", "remove", "accept"))
    argv = {"sync": ["sync", "--yes"], "deploy": ["deploy", "-p", platform],
            "adopt": ["deploy", "-p", platform, "--adopt"],
            "remove": ["remove", "-p", platform, "--yes"],
            "accept": ["accept", "-p", platform]}[choice]
    result = aiwg(project, *argv)
    assert result.exit_code in (0, 1), f"{argv}: {result.stderr}"
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return " ".join(argv)


@pytest.mark.parametrize("seed", range(COUNT))
def test_no_person_byte_is_lost_over_a_random_sequence(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    project = make_project(tmp_path, CONFIG)
    library = Library(project, rng)
    person = Person(project, rng)
    assert aiwg(project, "sync", "--yes").exit_code == 0
    # The sequence acts on real outputs of every grain, or it proves nothing.
    assert person.outputs() and (project / "AGENTS.md").is_file()
    assert "aiwg" in json.loads((project / ".mcp.json").read_text())["mcpServers"] or \
        "tools" in json.loads((project / ".mcp.json").read_text())["mcpServers"]
    library_moves = (library.add_rule, library.edit_rule, library.remove_rule,
                     library.edit_server)
    person_moves = (person.edit_whole_file, person.edit_inside_block,
                    person.edit_outside_block, person.add_key_beside)
    for _ in range(STEPS):
        for _ in range(rng.randrange(3)):
            rng.choice(library_moves)()
        for _ in range(rng.randrange(3)):
            rng.choice(person_moves)()
        step = _run(project, rng)
        person.check(f"seed {seed}: {step}")
