"""Issue 14 defect 1: the manifest is never trusted as to where things are.

Roots are computed now; an entry names a root by id and a path relative to it. Entries that
point anywhere else (a crafted root, an absolute path, `..`, another checkout) are ignored with a
warning and never acted on: nothing outside is deleted or written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import aiwg, make_project, manifest_outputs, rule_text, tree, write_item

from aiwg.outputs import sha256

CONFIG = 'platforms = ["cursor", "codex"]\n[select]\ntags = []\n'


def deployed(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    write_item(project, "rules/beta.md", rule_text("beta"))
    assert aiwg(project, "sync").exit_code == 0
    return project


def manifest_lines(project: Path) -> list[str]:
    return (project / ".aiwg/manifest.jsonl").read_text().splitlines()


def add_lines(manifest: Path, *records: dict[str, object]) -> None:
    with manifest.open("a") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def victim(tmp_path: Path) -> Path:
    target = tmp_path / "outside" / "precious.txt"
    target.parent.mkdir()
    target.write_text("a person's file outside the project\n")
    return target


def test_the_manifest_records_relative_paths_sorted_one_entry_per_line(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    lines = manifest_lines(project)
    header, records = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header == {"aiwg_manifest": 2, "scope": "project"}
    assert all("root" not in r and not r["path"].startswith("/") for r in records)
    assert str(project) not in "\n".join(lines)
    assert lines[1:] == sorted(lines[1:])
    assert {r["path"] for r in records} >= {".cursor/rules/alpha.mdc", "AGENTS.md"}


def test_copied_project_deselecting_everything_and_syncing_leaves_the_original_untouched(
        tmp_path: Path) -> None:
    original = deployed(tmp_path)
    before = tree(original)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, symlinks=True)
    (copy / "aiwg.toml").write_text(CONFIG.replace("tags = []", 'exclude = ["*"]'))
    result = aiwg(copy, "sync", "--yes")
    assert result.exit_code == 0, result.stderr
    assert tree(original) == before
    assert not (copy / ".cursor/rules/alpha.mdc").exists()  # the copy's own files went


def test_a_clone_at_another_path_has_the_same_status_diff_and_sync(tmp_path: Path) -> None:
    original = deployed(tmp_path)
    copy = tmp_path / "elsewhere" / "clone"
    shutil.copytree(original, copy, symlinks=True)
    shutil.rmtree(copy / ".aiwg/local")  # bases are local state: a clone has none

    def views(project: Path) -> tuple[object, ...]:
        status = aiwg(project, "status", "--json").json()["outputs"]
        check = aiwg(project, "diff", "--check")
        return status, check.exit_code, check.stdout

    assert views(copy) == views(original)
    assert views(copy)[1] == 0
    mtimes = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if p.is_file()}
    assert aiwg(copy, "sync").exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in copy.rglob("*") if p.is_file()
            if ".aiwg/local" not in p.as_posix()} == {
        p: t for p, t in mtimes.items() if ".aiwg/local" not in p.as_posix()}


CRAFTED = [
    pytest.param(lambda t: {"path": str(t), "grain": "file", "root": "/"}, id="root-slash"),
    pytest.param(lambda t: {"path": str(t), "grain": "file"}, id="absolute-path"),
    pytest.param(lambda t: {"path": "../outside/precious.txt", "grain": "file"}, id="dotdot"),
    pytest.param(lambda t: {"path": "a/../../outside/precious.txt", "grain": "file"},
                 id="dotdot-inside"),
    pytest.param(lambda t: {"path": "precious.txt", "grain": "file", "root": "cursor:home"},
                 id="user-root-in-project"),
    pytest.param(lambda t: {"path": "precious.txt", "grain": "file", "root": str(t.parent)},
                 id="absolute-root"),
]


@pytest.mark.parametrize("make", CRAFTED)
def test_a_crafted_entry_pointing_outside_the_project_is_ignored_and_never_deleted(
        tmp_path: Path, make: object) -> None:
    project = deployed(tmp_path)
    target = victim(tmp_path)
    record = make(target)  # type: ignore[operator]
    record.update({"platforms": ["cursor"], "sources": ["rule/gone@1"],
                   "sha256": sha256(target.read_bytes())})
    add_lines(project / ".aiwg/manifest.jsonl", record)
    for args in (("status",), ("diff", "--check"), ("sync", "--yes")):
        result = aiwg(project, *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "ignored, never acted on" in result.stderr
    assert target.read_text() == "a person's file outside the project\n"
    assert target.parent.is_dir()
    # The untrusted line is dropped when aiwg next writes the manifest.
    assert str(target) not in (project / ".aiwg/manifest.jsonl").read_text()


def test_a_version_1_manifest_is_converted_when_its_root_is_the_project(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    entries = manifest_outputs(project)
    outputs = {identity: {**record, "root": str(project)} for identity, record in entries.items()}
    target = victim(tmp_path)
    outputs["evil"] = {"path": str(target), "grain": "file", "root": "/",
                       "platforms": ["cursor"], "sources": [],
                       "sha256": sha256(target.read_bytes())}
    (project / ".aiwg/manifest.jsonl").unlink()
    (project / ".aiwg/manifest.json").write_text(json.dumps(
        {"manifest_version": 1, "scope": "project", "outputs": outputs}))
    before = tree(project)
    check = aiwg(project, "diff", "--check")
    assert check.exit_code == 0, check.stdout  # every real entry was recognised
    assert "ignored, never acted on" in check.stderr
    assert aiwg(project, "sync", "--yes").exit_code == 0
    assert tree(project) == before
    assert target.exists()
    assert not (project / ".aiwg/manifest.json").exists()
    assert set(manifest_outputs(project)) == set(entries)


def test_a_version_1_manifest_from_another_checkout_is_not_acted_on(tmp_path: Path) -> None:
    original = deployed(tmp_path)
    entries = manifest_outputs(original)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, symlinks=True)
    (copy / ".aiwg/manifest.jsonl").unlink()
    (copy / ".aiwg/manifest.json").write_text(json.dumps({
        "manifest_version": 1, "scope": "project",
        "outputs": {i: {**r, "path": str(original / r["path"]), "root": str(original)}
                    for i, r in entries.items()}}))
    before = tree(original)
    (copy / "aiwg.toml").write_text(CONFIG.replace("tags = []", 'exclude = ["*"]'))
    result = aiwg(copy, "sync", "--yes")
    assert result.exit_code == 0
    assert "ignored, never acted on" in result.stderr
    assert tree(original) == before


def test_user_scope_entries_name_a_root_and_a_relative_path(tmp_path: Path, fake_home: Path) -> None:
    project = make_project(tmp_path, "[select]\ntags = []\n")
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    state = fake_home / ".local/state/aiwg/manifest.jsonl"
    records = [json.loads(line) for line in state.read_text().splitlines()[1:]]
    assert records and all(r["root"].startswith("claude-code:") for r in records)
    assert all(not r["path"].startswith("/") for r in records)
    assert str(fake_home) not in state.read_text()


def test_user_scope_ignores_a_root_no_adapter_computes(tmp_path: Path, fake_home: Path) -> None:
    project = make_project(tmp_path, "[select]\ntags = []\n")
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    assert aiwg(project, "deploy", "--scope", "user", "-p", "claude-code").exit_code == 0
    target = victim(tmp_path)
    add_lines(fake_home / ".local/state/aiwg/manifest.jsonl", *[
        {"path": "precious.txt", "grain": "file", "root": root, "platforms": ["claude-code"],
         "sha256": sha256(target.read_bytes())}
        for root in ("claude-code:nowhere", "no-such-platform:home", str(target.parent))])
    result = aiwg(project, "sync", "--scope", "user", "--yes")
    assert result.exit_code == 0
    assert result.stderr.count("ignored, never acted on") == 3
    assert target.exists()


def test_an_entry_reached_through_a_link_that_leaves_the_project_is_ignored(
        tmp_path: Path) -> None:
    project = deployed(tmp_path)
    target = victim(tmp_path)
    (project / "shared").symlink_to(target.parent)
    add_lines(project / ".aiwg/manifest.jsonl",
              {"path": "shared/precious.txt", "grain": "file", "platforms": ["cursor"],
               "sha256": sha256(target.read_bytes())})
    result = aiwg(project, "sync", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "ignored, never acted on" in result.stderr
    assert target.exists()
    assert "shared/precious.txt" not in (project / ".aiwg/manifest.jsonl").read_text()
