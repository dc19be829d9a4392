"""Issue 14 defect 11: aiwg's own state is never followed through symlinks, and a corrupted
base copy is treated as absent (so no "merge" drops a person's line)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from helpers import aiwg, make_project, manifest_outputs, rule_text, write_item

CONFIG = 'platforms = ["cursor"]\n[select]\ntags = []\n'


def project_with_rule(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    return project


def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    (folder / "aa").mkdir(parents=True)
    (folder / "aa" / ("a" * 64)).write_text("someone's file\n")
    (folder / ".bashrc").write_text("export PATH\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["local", "lock", "manifest.jsonl", "manifest.json", "base"])
def test_a_symlink_in_aiwgs_state_is_refused_with_one_line(tmp_path: Path, name: str) -> None:
    project = project_with_rule(tmp_path)
    assert aiwg(project, "sync").exit_code == 0
    target = outside(tmp_path)
    before = snapshot(target)
    state = project / ".aiwg" / name
    if state.is_dir():
        os.rename(state, tmp_path / "moved")
    elif state.exists():
        state.unlink()
    link_to = target if name in ("local", "base") else target / name
    os.symlink(link_to, state)
    write_item(project, "rules/beta.md", rule_text("beta"))
    for args in (("sync", "--yes"), ("status",), ("diff", "--check")):
        result = aiwg(project, *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "is a symlink" in result.stderr
        assert result.stderr.strip().count("\n") == 0
    assert snapshot(target) == before
    assert not (target / name).exists() or name in ("local", "base")


def test_a_symlinked_aiwg_folder_is_refused_and_nothing_is_written_through_it(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    target = outside(tmp_path)
    (target / "library/rules").mkdir(parents=True)
    (target / "library/rules/alpha.md").write_text(rule_text("alpha"))
    os.symlink(target, project / ".aiwg")
    before = snapshot(target)
    result = aiwg(project, "sync")
    assert result.exit_code == 2
    assert "is a symlink" in result.stderr
    assert snapshot(target) == before
    assert not (project / ".cursor").exists()


def test_a_corrupted_base_is_treated_as_absent_so_no_merge_drops_a_line(tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    assert aiwg(project, "sync").exit_code == 0
    output = project / ".cursor/rules/alpha.mdc"
    # Corrupt the stored base: a merge from it would drop "Body line two."
    with sqlite3.connect(project / ".aiwg/local/bases.sqlite") as db:
        (data,) = db.execute("SELECT data FROM bases").fetchone()
        db.execute("UPDATE bases SET data = ?",
                   (bytes(data).replace(b"Body line two.\n", b""),))
    db.close()
    edited = output.read_text().replace("Body line one.", "Body line one, edited.")
    output.write_text(edited)
    write_item(project, "rules/alpha.md",
               rule_text("alpha", "Body line one.\nBody line two.\nBody line three, new.\n"))
    result = aiwg(project, "sync")
    assert result.exit_code == 1  # a conflict, reported, file kept
    assert "no base copy" in result.stderr
    assert output.read_text() == edited


def test_bookkeeping_is_a_handful_of_files_and_ignores_local_state(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    for index in range(30):
        write_item(project, f"rules/r{index}.md", rule_text(f"r{index}"))
    assert aiwg(project, "sync").exit_code == 0
    state = sorted(p.relative_to(project / ".aiwg").as_posix()
                   for p in (project / ".aiwg").rglob("*")
                   if p.is_file() and "library" not in p.parts)
    assert state == [".gitattributes", ".gitignore", "local/bases.sqlite",
                     "local/fingerprint.json", "local/parsed.json", "lock", "manifest.jsonl"]
    ignored = (project / ".aiwg/.gitignore").read_text().splitlines()
    assert "/local/" in ignored and "/lock" in ignored


def test_a_version_1_base_folder_is_migrated_and_removed_without_following_links(
        tmp_path: Path) -> None:
    project = project_with_rule(tmp_path)
    assert aiwg(project, "sync").exit_code == 0
    with sqlite3.connect(project / ".aiwg/local/bases.sqlite") as db:
        rows = db.execute("SELECT digest, data FROM bases").fetchall()
    db.close()
    (project / ".aiwg/local/bases.sqlite").unlink()
    for digest, data in rows:
        blob = project / ".aiwg/base" / digest[:2] / digest
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(bytes(data))
    keep = project / ".aiwg/base/zz-not-aiwgs.txt"
    keep.write_text("not a base\n")
    write_item(project, "rules/beta.md", rule_text("beta"))
    assert aiwg(project, "sync").exit_code == 0
    assert keep.exists()
    assert sorted(p.name for p in (project / ".aiwg/base").rglob("*")) == [keep.name]
    with sqlite3.connect(project / ".aiwg/local/bases.sqlite") as db:
        stored = {row[0] for row in db.execute("SELECT digest FROM bases")}
    db.close()
    assert stored == {r["sha256"] for r in manifest_outputs(project).values()}
