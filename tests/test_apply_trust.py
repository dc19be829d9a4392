"""Trust issue defects that live in applying a plan: 7 (plan → apply unchecked), 12 (a named pipe
hangs the run), 14 (leftover temp files, `chmod +x` never deployed), and a real SIGKILL."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import aiwg, make_project, manifest_outputs, mtimes, rule_text, tree, write_item

from aiwg import atomic, fingerprint
from aiwg.commands import deploy as deploy_command

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
SRC = str(Path(atomic.__file__).resolve().parents[1])


def project_with_rules(tmp_path: Path, *names: str) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in names:
        write_item(project, f"rules/{name}.md", rule_text(name))
    return project


def run_cli(project: Path, *args: str, prelude: str = "",
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """aiwg in a child process (a hang fails the test by timeout instead of wedging pytest)."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = f"{prelude}\nfrom aiwg.cli import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *args, "--project", str(project)],
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)


# --- defect 7: a save between planning and the rename is never overwritten ----------------------


def edit_during_confirm(monkeypatch: pytest.MonkeyPatch, path: Path, text: bytes | None) -> None:
    """Stand in for the [y/N] prompt: while it waits, someone saves (or deletes) `path`."""

    def confirm(run: object, yes: bool) -> bool:
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
        return True

    monkeypatch.setattr(deploy_command, "_confirm", confirm)


def test_defect_7_a_save_during_the_confirm_prompt_stops_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with_rules(tmp_path, "alpha", "omega")
    assert aiwg(project, "deploy", "-p", "cursor").exit_code == 0
    for name in ("alpha", "omega"):
        write_item(project, f"rules/{name}.md", rule_text(name, body="New body.\n"))
    manifest = (project / ".aiwg/manifest.jsonl").read_bytes()
    saved = project / ".cursor/rules/omega.mdc"
    person = saved.read_bytes() + b"\nA line the person saved during the prompt.\n"
    edit_during_confirm(monkeypatch, saved, person)

    stopped = aiwg(project, "sync")
    assert stopped.exit_code == 1
    lines = stopped.stderr.strip().splitlines()
    assert len(lines) == 1 and ".cursor/rules/omega.mdc: changed on disk" in lines[0], lines
    assert "1 file(s) already written" in lines[0]
    assert saved.read_bytes() == person  # the save survives
    assert (project / ".aiwg/manifest.jsonl").read_bytes() == manifest  # manifest unwritten
    assert b"New body." in (project / ".cursor/rules/alpha.mdc").read_bytes()  # written before

    monkeypatch.undo()
    again = aiwg(project, "sync", "--json")
    assert again.exit_code in (0, 1), again.stderr  # 1: the save conflicts with the change
    kinds = {a["path"]: a["action"] for a in again.json()["actions"]}
    assert kinds[".cursor/rules/alpha.mdc"] == "unchanged"  # converged without a rewrite
    assert kinds[".cursor/rules/omega.mdc"] in ("merge", "keep-edited", "conflict")
    assert b"A line the person saved during the prompt." in saved.read_bytes()


@pytest.mark.parametrize("what", ["created", "deleted"])
def test_defect_7_a_file_created_or_deleted_after_planning_stops_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    project = project_with_rules(tmp_path, "alpha")
    target = project / ".cursor/rules/alpha.mdc"
    if what == "created":
        edit_during_confirm(monkeypatch, target, b"the person's own rule\n")
        expected = "appeared on disk"
    else:
        assert aiwg(project, "deploy", "-p", "cursor").exit_code == 0
        write_item(project, "rules/alpha.md", rule_text("alpha", body="New.\n"))
        edit_during_confirm(monkeypatch, target, None)
        expected = "was deleted on disk"
    result = aiwg(project, "deploy", "-p", "cursor")
    assert result.exit_code == 1 and expected in result.stderr, result.stderr
    if what == "created":
        assert target.read_bytes() == b"the person's own rule\n"
        assert not (project / ".aiwg/manifest.jsonl").exists()
    else:
        assert not target.exists()


# --- defect 12: a named pipe (or socket, device) at an output or host path ---------------------


@pytest.mark.parametrize("where", [".cursor/rules/alpha.mdc", "AGENTS.md"])
def test_defect_12_a_named_pipe_at_an_output_path_is_refused_without_blocking(
        tmp_path: Path, where: str) -> None:
    project = project_with_rules(tmp_path, "alpha")
    pipe = project / where
    pipe.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(pipe)
    result = run_cli(project, "deploy", "-p", "cursor", "-p", "codex", timeout=30)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{where}: a named pipe" in lines[0], lines
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert not (project / ".aiwg/manifest.jsonl").exists()
    assert "Traceback" not in result.stderr


def test_defect_12_a_socket_at_an_output_path_is_refused(tmp_path: Path) -> None:
    project = project_with_rules(tmp_path, "alpha")
    (project / ".cursor/rules").mkdir(parents=True)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(project / ".cursor/rules/alpha.mdc"))
    try:
        result = aiwg(project, "deploy", "-p", "cursor")
    finally:
        listener.close()
    assert result.exit_code == 2
    assert "alpha.mdc: a socket" in result.stderr


def test_defect_12_the_lock_file_as_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    project = project_with_rules(tmp_path, "alpha")
    os.mkfifo(project / ".aiwg" / "lock")
    result = run_cli(project, "deploy", "-p", "cursor", timeout=30)
    assert result.returncode == 2 and "lock: a named pipe" in result.stderr, result.stderr


def test_read_regular_never_opens_a_pipe_for_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(atomic.UnsafePathError, match="a named pipe"):
        atomic.read_regular(tmp_path / "pipe")
    assert atomic.read_regular(tmp_path / "absent") is None
    (tmp_path / "file").write_bytes(b"x" * 100_000)
    assert atomic.read_regular(tmp_path / "file") == b"x" * 100_000


# --- defect 14: leftover temp files; chmod +x reaching the deployed copy -----------------------


def test_defect_14_leftover_temp_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    project = project_with_rules(tmp_path, "alpha")
    assert aiwg(project, "deploy", "-p", "cursor").exit_code == 0
    rules = project / ".cursor/rules"
    ours = rules / ".alpha.mdc.0123abcd.aiwg-tmp"
    not_a_target = rules / ".notes.md.0123abcd.aiwg-tmp"  # no file aiwg writes has that name
    not_our_pattern = rules / ".alpha.mdc.aiwg-tmp"
    for path in (ours, not_a_target, not_our_pattern):
        path.write_text("left by someone")
    # A run that got as far as writing temp files had dropped the fingerprint first.
    fingerprint.forget(fingerprint.file_for(project / ".aiwg"))
    assert aiwg(project, "sync").exit_code == 0
    assert not ours.exists()
    assert not_a_target.exists() and not_our_pattern.exists()


def test_a_run_killed_by_sigkill_leaves_temp_files_the_next_run_removes(tmp_path: Path) -> None:
    project = project_with_rules(tmp_path, "alpha", "beta", "gamma")
    reference = project_with_rules(tmp_path / "reference", "alpha", "beta", "gamma")
    assert aiwg(reference, "deploy", "-p", "cursor", "-p", "codex").exit_code == 0
    # Die (no cleanup, no finally) at the second rename: its temp file stays behind.
    prelude = ("import os\nimport aiwg.atomic as a\nreal = os.replace\ncalls = []\n"
               "def dying(src, dst):\n    calls.append(dst)\n"
               "    if len(calls) == 2:\n        os._exit(9)\n    real(src, dst)\n"
               "a.os = type('P', (), {'__getattr__': lambda s, n: getattr(os, n),"
               " 'replace': staticmethod(dying)})()\n")
    killed = run_cli(project, "deploy", "-p", "cursor", "-p", "codex", prelude=prelude)
    assert killed.returncode == 9
    assert list(project.rglob(f"*{atomic.TEMP_SUFFIX}"))  # a real kill leaves one
    assert not (project / ".aiwg/manifest.jsonl").exists()
    rerun = aiwg(project, "deploy", "-p", "cursor", "-p", "codex")
    assert rerun.exit_code == 0, rerun.stderr
    assert not list(project.rglob(f"*{atomic.TEMP_SUFFIX}"))
    assert tree(project) == tree(reference)


def skill_project(tmp_path: Path) -> tuple[Path, Path]:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "skills/notes/SKILL.md",
               "---\nname: notes\ndescription: Notes; use it for notes.\ntags: [core]\n---\nN.\n")
    script = write_item(project, "skills/notes/scripts/run.sh", "#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    return project, script


def test_defect_14_chmod_x_on_a_library_script_reaches_the_deployed_copy(tmp_path: Path) -> None:
    project, script = skill_project(tmp_path)
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    deployed = project / ".claude/skills/notes/scripts/run.sh"
    assert not os.stat(deployed).st_mode & stat.S_IXUSR

    script.chmod(0o755)
    assert aiwg(project, "diff", "--check").exit_code == 1  # the mode is compared
    result = aiwg(project, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    assert os.stat(deployed).st_mode & 0o777 == 0o755
    assert manifest_outputs(project)[".claude/skills/notes/scripts/run.sh"]["executable"] is True
    assert aiwg(project, "diff", "--check").exit_code == 0
    stamps = mtimes(project)
    assert aiwg(project, "sync").exit_code == 0 and mtimes(project) == stamps

    script.chmod(0o644)
    assert aiwg(project, "sync").exit_code == 0
    assert not os.stat(deployed).st_mode & 0o111


def test_a_persons_own_chmod_on_a_deployed_copy_is_kept(tmp_path: Path) -> None:
    project, _ = skill_project(tmp_path)
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    deployed = project / ".claude/skills/notes/scripts/run.sh"
    deployed.chmod(0o700)
    assert aiwg(project, "sync").exit_code == 0
    assert os.stat(deployed).st_mode & 0o777 == 0o700
