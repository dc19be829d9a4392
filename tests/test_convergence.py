"""A run killed mid-apply converges on the next run; two concurrent runs serialise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import aiwg, make_project, manifest_outputs, mtimes, rule_text, tree, write_item

from aiwg import apply as apply_module
from aiwg.plan import FileChange

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def populated(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in ("alpha", "beta", "gamma", "delta"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    write_item(project, "mcp/github.yaml", "name: github\ndescription: G.\ncommand: npx\n")
    return project


@pytest.mark.parametrize("killed_after", [0, 1, 3, 6])
def test_a_run_killed_mid_apply_converges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          killed_after: int) -> None:
    reference = populated(tmp_path / "reference")
    assert aiwg(reference, "deploy", "-p", "cursor", "-p", "codex").exit_code == 0
    expected = tree(reference)

    project = populated(tmp_path / "killed")
    real_apply = apply_module.apply_file
    calls = {"n": 0}

    def dying(change: FileChange, root: Path) -> None:
        if calls["n"] == killed_after:
            raise KeyboardInterrupt  # the process dies here, between two renames
        calls["n"] += 1
        real_apply(change, root)

    monkeypatch.setattr(apply_module, "apply_file", dying)
    killed = aiwg(project, "deploy", "-p", "cursor", "-p", "codex")
    assert killed.exit_code != 0
    assert not (project / ".aiwg/manifest.jsonl").exists()  # the manifest is written last
    monkeypatch.setattr(apply_module, "apply_file", real_apply)

    rerun = aiwg(project, "deploy", "-p", "cursor", "-p", "codex")
    assert rerun.exit_code == 0, rerun.stderr
    assert tree(project) == expected
    stamps = mtimes(project)
    assert aiwg(project, "sync").exit_code == 0
    assert mtimes(project) == stamps
    assert aiwg(project, "diff", "--check").exit_code == 0


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
