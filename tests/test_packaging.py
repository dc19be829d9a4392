"""aiwg as people install and wire it: the wheel, a tool install, the pre-commit hook, the Action.

These run the real tools (pip, uv, pre-commit, bash) against this checkout and take about a
minute, so they run in CI (where `CI` is set) and when `AIWG_SLOW_TESTS=1`, not on every local
run of the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("AIWG_SLOW_TESTS")),
    reason="installs real packages; runs in CI or with AIWG_SLOW_TESTS=1")

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env={**os.environ, **(env or {})}, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def _git(cwd: Path, *args: str) -> None:
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    result = _run(["git", *args], cwd, identity)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
                   str(REPO)], REPO)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("aiwg-*.whl")
    return built


def test_wheel_holds_library_adapters_and_types_but_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "aiwg/py.typed" in names
    assert any(n.startswith("aiwg/_data/library/rules/") for n in names)
    assert any(n.startswith("aiwg/_data/adapters/") and n.endswith(".toml") for n in names)
    assert "aiwg/_data/schemas/config.schema.json" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for field in ("License-Expression: MIT", "Project-URL: Repository", "Keywords:",
                  "Classifier: Programming Language :: Python :: 3.11", "Requires-Python: >=3.11"):
        assert field in metadata
    # Runtime dependencies are only what the code imports: json5 is a test tool.
    requirements = [line for line in metadata.splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not [r for r in requirements if "json5" in r or "hypothesis" in r]


@pytest.mark.skipif(shutil.which("uv", path=str(BIN)) is None, reason="uv is a dev dependency")
def test_uv_tool_install_of_the_wheel_runs_and_deploys(wheel: Path, tmp_path: Path) -> None:
    tools, bin_dir = tmp_path / "tools", tmp_path / "bin"
    env = {"UV_TOOL_DIR": str(tools), "UV_TOOL_BIN_DIR": str(bin_dir),
           "UV_CACHE_DIR": str(tmp_path / "cache"), "UV_PYTHON": sys.executable}
    result = _run([str(BIN / "uv"), "tool", "install", str(wheel)], tmp_path, env)
    assert result.returncode == 0, result.stderr
    aiwg = bin_dir / "aiwg"
    version = _run([str(aiwg), "--version"], tmp_path)
    assert version.returncode == 0 and re.fullmatch(r"aiwg \S+\n", version.stdout)
    project = tmp_path / "demo"
    project.mkdir()
    deployed = _run([str(aiwg), "deploy", "--platform", "claude-code", "--project", str(project)],
                    tmp_path)
    assert deployed.returncode == 0, deployed.stderr
    assert any((project / ".claude").rglob("*.md"))
    check = _run([str(aiwg), "diff", "--check", "--project", str(project)], tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def deployed_repo(tmp_path: Path) -> Iterator[Path]:
    """A git repository with a committed Claude Code deploy."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    result = _run([str(BIN / "aiwg"), "deploy", "--platform", "claude-code"], repo)
    assert result.returncode == 0, result.stderr
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "deploy")
    yield repo


def _first_rule(repo: Path) -> Path:
    return sorted((repo / ".claude" / "rules").glob("*.md"))[0]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.skipif(shutil.which("pre-commit", path=str(BIN)) is None,
                    reason="pre-commit is a dev dependency")
def test_pre_commit_hook_is_green_on_a_clean_tree_and_red_on_a_hand_edit(
        deployed_repo: Path, pre_commit_home: Path) -> None:
    env = {"PRE_COMMIT_HOME": str(pre_commit_home)}
    try_repo = [str(BIN / "pre-commit"), "try-repo", str(REPO), "aiwg-check", "--all-files"]
    clean = _run(try_repo, deployed_repo, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
    rule = _first_rule(deployed_repo)
    rule.write_text(rule.read_text() + "\nA hand edit.\n")
    edited = _run(try_repo, deployed_repo, env)
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert "Failed" in edited.stdout
    assert rule.relative_to(deployed_repo).as_posix() in edited.stdout


def _action_scripts(inputs: dict[str, str]) -> list[tuple[str, dict[str, str], str | None]]:
    """Each step of action.yml as (bash script, env, working-directory), inputs substituted."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    values = {name: inputs.get(name, spec.get("default", ""))
              for name, spec in action["inputs"].items()}

    def substitute(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    steps = []
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        env = {k: substitute(str(v)) for k, v in step.get("env", {}).items()}
        workdir = step.get("working-directory")
        steps.append((substitute(step["run"]), env, substitute(workdir) if workdir else None))
    return steps


def test_github_action_installs_aiwg_and_fails_on_drift(deployed_repo: Path,
                                                        tmp_path: Path) -> None:
    runner_temp, github_path = tmp_path / "runner", tmp_path / "github_path"
    runner_temp.mkdir()
    github_path.write_text("")

    def run_action() -> subprocess.CompletedProcess[str]:
        path = os.environ["PATH"]
        last: subprocess.CompletedProcess[str] | None = None
        for script, env, workdir in _action_scripts({"python": sys.executable}):
            added = [p for p in github_path.read_text().splitlines() if p]
            env = {**env, "GITHUB_ACTION_PATH": str(REPO), "RUNNER_TEMP": str(runner_temp),
                   "GITHUB_PATH": str(github_path), "PATH": os.pathsep.join([*added, path])}
            last = _run(["bash", "-e", "-c", script], deployed_repo / (workdir or "."), env)
            if last.returncode:
                return last
        assert last is not None
        return last

    clean = run_action()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    rule = _first_rule(deployed_repo)
    rule.write_text(rule.read_text() + "\nA hand edit.\n")
    edited = run_action()
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert rule.relative_to(deployed_repo).as_posix() in edited.stdout
