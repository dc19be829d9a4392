"""Write a synthetic library: N rules and N/10 agents, commands, skills and MCP servers."""

from __future__ import annotations

import argparse
from pathlib import Path

SEVERITIES = ("critical", "high", "medium", "low")
PARAGRAPH = ("Keep the change small and explain why it is needed. Prefer the simplest design that "
             "works, test the behaviour that matters, and leave the code clearer than you found it. ")


def rule(i: int) -> str:
    globs = f'globs: ["src/module{i % 10}/**/*.py"]\n' if i % 3 == 0 else ""
    return (f"---\nname: rule-{i:04d}\ndescription: Synthetic rule number {i} for benchmarks.\n"
            f"version: \"1.{i % 7}\"\nseverity: {SEVERITIES[i % 4]}\ncategory: synthetic\n"
            f"tags: [core, synthetic]\n{globs}---\n# Rule {i}\n\n## Rule\n\n{PARAGRAPH * 3}\n\n"
            f"## Why\n\n{PARAGRAPH * 2}\n\n## What to check\n\n- check {i} one\n- check {i} two\n")


def agent(i: int) -> str:
    return (f"---\nname: agent-{i:04d}\ndescription: Synthetic agent {i}.\ntools: [Read, Grep]\n"
            f"model: inherit\ntags: [core]\n---\nYou are synthetic agent {i}. {PARAGRAPH * 4}\n")


def command(i: int) -> str:
    return (f"---\nname: command-{i:04d}\ndescription: Synthetic command {i}.\n"
            f"argument-hint: \"[target]\"\ntags: [core]\n---\nDo task {i} for $ARGUMENTS. {PARAGRAPH}\n")


def skill(i: int) -> str:
    return (f"---\nname: skill-{i:04d}\ndescription: Synthetic skill {i}; use it when benchmarking.\n"
            f"tags: [core]\n---\n# Skill {i}\n\n{PARAGRAPH * 5}\n")


def mcp(i: int) -> str:
    return (f"name: server-{i:04d}\ndescription: Synthetic server {i}.\ntags: [core]\ncommand: npx\n"
            f"args: [\"-y\", \"server-{i}\"]\nenv:\n  API_TOKEN_{i}: ${{API_TOKEN_{i}}}\n")


def generate(root: Path, count: int) -> None:
    """The work unit of the performance issue: N rules and N/10 agents, commands, skills and MCP
    servers (at least one of each)."""
    others = max(1, count // 10)
    for kind, make, suffix, how_many in (("rules", rule, ".md", count),
                                         ("agents", agent, ".md", others),
                                         ("commands", command, ".md", others),
                                         ("mcp", mcp, ".yaml", others)):
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        prefix = {"rules": "rule", "agents": "agent", "commands": "command", "mcp": "server"}[kind]
        for i in range(how_many):
            (folder / f"{prefix}-{i:04d}{suffix}").write_text(make(i), encoding="utf-8")
    for i in range(others):
        folder = root / "skills" / f"skill-{i:04d}"
        (folder / "references").mkdir(parents=True, exist_ok=True)
        (folder / "SKILL.md").write_text(skill(i), encoding="utf-8")
        (folder / "references" / "notes.md").write_text(PARAGRAPH, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    generate(args.root, args.count)


if __name__ == "__main__":
    main()
