"""The benchmark library in rulesync's source layout (`.rulesync/`), so both tools deploy the same
items: rules, subagents, commands, skills and MCP servers, every one for every target."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml


def _split(text: str) -> tuple[dict[str, object], str]:
    _, front, body = text.split("---\n", 2)
    fields = yaml.safe_load(front)
    assert isinstance(fields, dict)
    return fields, body


def _write(path: Path, fields: dict[str, object], body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def write_rulesync_library(library: Path, target: Path) -> None:
    for source in sorted((library / "rules").glob("*.md")):
        fields, body = _split(source.read_text(encoding="utf-8"))
        rule: dict[str, object] = {"root": False, "targets": ["*"],
                                   "description": fields["description"]}
        rule["globs"] = fields.get("globs", ["**/*"])
        _write(target / "rules" / source.name, rule, body)
    for kind, folder in (("agents", "subagents"), ("commands", "commands")):
        for source in sorted((library / kind).glob("*.md")):
            fields, body = _split(source.read_text(encoding="utf-8"))
            _write(target / folder / source.name,
                   {"targets": ["*"], "name": fields["name"],
                    "description": fields["description"]}, body)
    for skill in sorted((library / "skills").iterdir()):
        fields, body = _split((skill / "SKILL.md").read_text(encoding="utf-8"))
        _write(target / "skills" / skill.name / "SKILL.md",
               {"name": fields["name"], "description": fields["description"],
                "targets": ["*"]}, body)
        for resource in skill.rglob("*"):
            if resource.is_file() and resource.name != "SKILL.md":
                copy = target / "skills" / skill.name / resource.relative_to(skill)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(resource, copy)
    servers = {}
    for source in sorted((library / "mcp").glob("*.yaml")):
        fields = yaml.safe_load(source.read_text(encoding="utf-8"))
        servers[fields["name"]] = {"command": fields["command"], "args": fields.get("args", []),
                                   "env": fields.get("env", {})}
    (target / "mcp.json").write_text(json.dumps({"mcpServers": servers}, indent=2) + "\n")
