"""Two concurrent runs serialise (kills and power losses: test_durability.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import aiwg, make_project, manifest_outputs, rule_text, write_item

from aiwg import apply as apply_module

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def populated(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in ("alpha", "beta", "gamma", "delta"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    write_item(project, "mcp/github.yaml", "name: github\ndescription: G.\ncommand: npx\n")
    return project


def test_two_concurrent_deploys_serialise(tmp_path: Path) -> None:
    project = populated(tmp_path)
    env = dict(os.environ)
    src = str(Path(apply_module.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "aiwg", "deploy", "-p", "cursor", "-p", "codex",
               "--project", str(project)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    outputs = [process.communicate(timeout=60) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    # Exactly one run created the files; the other, waiting on the lock, found them current.
    created = [out.decode() for out, _ in outputs if b"created" in out]
    assert len(created) == 1
    manifest = {"outputs": manifest_outputs(project)}
    assert len(manifest["outputs"]) == 7  # four .mdc rules, AGENTS.md block, two MCP keys
    assert aiwg(project, "diff", "--check").exit_code == 0
