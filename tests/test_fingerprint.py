"""A no-op sync answered from the fingerprint must never hide a change: each kind of change below
sends the run down the full path, which sees it."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mtimes, rule_text, write_item

from aiwg import engine, fingerprint, resources
from aiwg.adapters import load_registry

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def deployed(tmp_path: Path) -> Path:
    project = make_project(tmp_path, CONFIG)
    for name in ("alpha", "beta"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    # Claude Code beside Codex loads the rules from AGENTS.md (no .claude/rules files) until a
    # CLAUDE.md appears in the project or above it: a file the fingerprint must watch.
    assert aiwg(project, "deploy", "-p", "cursor", "-p", "codex", "-p", "claude-code"
                ).exit_code == 0
    assert fingerprint.file_for(project / ".aiwg").is_file()
    assert not (project / ".claude").exists()
    return project


def key_for(project: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    return fingerprint.key(project, dict(os.environ) if env is None else env)


def test_a_no_op_sync_is_answered_from_the_fingerprint_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = deployed(tmp_path)

    def no_planning(*args: object, **kwargs: object) -> None:
        raise AssertionError("planned although nothing changed")

    monkeypatch.setattr("aiwg.commands.deploy.prepare", no_planning)
    monkeypatch.setattr("aiwg.commands.diff.prepare", no_planning)
    stamps = mtimes(project)
    result = aiwg(project, "sync")
    assert result.exit_code == 0 and "cursor: 2 unchanged" in result.stdout, result.stdout
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert mtimes(project) == stamps


def same_size_edit(path: Path) -> None:
    """The sneakiest edit: same size, mtime put back (only ctime tells)."""
    info = path.stat()
    data = path.read_bytes()
    path.write_bytes(data[:-2] + b"X\n")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def swapped_for_identical_copy(path: Path) -> None:
    """Same bytes, size, mode and mtime, but another file (what `cp -p` and an editor's
    save-by-rename give): its inode and ctime differ."""
    info = path.stat()
    copy = path.with_name(path.name + ".copy")
    copy.write_bytes(path.read_bytes())
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    copy.replace(path)


def folder_swapped_for_link(folder: Path) -> None:
    """Moved away and linked back: the files under it keep their inodes and every stat."""
    outside = folder.parent.parent / f"outside-{folder.name}"
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)


def output_made_a_link(path: Path) -> None:
    real = path.parent.parent / f"real-{path.name}"
    real.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(real)


CHANGES = {
    "output edited (same size, mtime restored)":
        lambda p: same_size_edit(p / ".cursor/rules/alpha.mdc"),
    "output swapped for an identical copy":
        lambda p: swapped_for_identical_copy(p / ".cursor/rules/alpha.mdc"),
    "output made a link to an identical file": lambda p: output_made_a_link(p / "AGENTS.md"),
    "output made executable": lambda p: (p / "AGENTS.md").chmod(0o755),
    "output deleted": lambda p: (p / ".cursor/rules/alpha.mdc").unlink(),
    "output's folder swapped for a link": lambda p: folder_swapped_for_link(p / ".cursor"),
    "library rule edited (same size, mtime restored)":
        lambda p: same_size_edit(p / ".aiwg/library/rules/alpha.md"),
    "library rule swapped for an identical copy":
        lambda p: swapped_for_identical_copy(p / ".aiwg/library/rules/alpha.md"),
    "library rule added": lambda p: write_item(p, "rules/gamma.md", rule_text("gamma")),
    "library rule deleted": lambda p: (p / ".aiwg/library/rules/beta.md").unlink(),
    "library rule renamed": lambda p: (p / ".aiwg/library/rules/beta.md").rename(
        p / ".aiwg/library/rules/gamma.md"),
    "library folder added": lambda p: (p / ".aiwg/library/agents").mkdir(),
    "shared block edited": lambda p: same_size_edit(p / "AGENTS.md"),
    "config changed": lambda p: (p / "aiwg.toml").write_text(CONFIG + "\n"),
    "config edited (same size, mtime restored)": lambda p: same_size_edit(p / "aiwg.toml"),
    "manifest edited (same size, mtime restored)":
        lambda p: same_size_edit(p / ".aiwg/manifest.jsonl"),
    "state folder swapped for a link": lambda p: folder_swapped_for_link(p / ".aiwg"),
    "CLAUDE.md created in the project (Claude Code stops reading AGENTS.md)":
        lambda p: (p / "CLAUDE.md").write_text("# mine\n"),
    "CLAUDE.md created above the project":
        lambda p: (p.parent / "CLAUDE.md").write_text("# mine\n"),
    ".claude/CLAUDE.md created": lambda p: write_file(p / ".claude/CLAUDE.md", "# mine\n"),
}


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_takes_the_full_path(tmp_path: Path, change: str) -> None:
    project = deployed(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    assert fingerprint.matches(file, key_for(project)) is not None
    CHANGES[change](project)
    assert fingerprint.matches(file, key_for(project)) is None


@pytest.mark.parametrize("change", ["CLAUDE.md created in the project (Claude Code stops "
                                    "reading AGENTS.md)", "CLAUDE.md created above the project"])
def test_a_condition_file_changes_what_the_full_path_writes(tmp_path: Path, change: str) -> None:
    """The fingerprint watches these because the result depends on them: here, proven."""
    project = deployed(tmp_path)
    CHANGES[change](project)
    assert aiwg(project, "diff", "--check").exit_code == 1
    assert aiwg(project, "sync").exit_code == 0
    assert (project / ".claude/rules/alpha.md").is_file()


def test_unrelated_files_beside_outputs_keep_the_answer(tmp_path: Path) -> None:
    """A file the full path ignores (a person's notes at the root, a file next to an output)
    does not cost the fast path: only what the result depends on is watched."""
    project = deployed(tmp_path)
    (project / "notes.txt").write_text("mine\n")
    (project / ".cursor/rules/mine.mdc").write_text("mine\n")
    (project / "src").mkdir()
    assert fingerprint.matches(fingerprint.file_for(project / ".aiwg"), key_for(project))
    full = aiwg(project, "--verbose", "sync")  # the full path agrees: nothing to do
    assert full.exit_code == 0 and "created" not in full.stdout and "updated" not in full.stdout


def test_an_adapter_edit_is_a_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapters = tmp_path / "adapters"
    shutil.copytree(resources.adapters_dir(), adapters)
    monkeypatch.setattr(engine, "default_registry", lambda: load_registry(adapters))
    project = deployed(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    recorded = json.loads(file.read_bytes())
    assert str(adapters) in recorded["trees"]
    valid_for = fingerprint.key(project, dict(os.environ), [adapters])
    assert fingerprint.matches(file, valid_for) is not None
    # Another set of adapters (the ones that ship) is another key.
    assert fingerprint.matches(file, key_for(project)) is None
    same_size_edit(adapters / "cursor.toml")
    assert fingerprint.matches(file, valid_for) is None


def test_a_fresh_output_keeps_its_digest_and_a_settled_one_its_stat(tmp_path: Path) -> None:
    """Racy-git: a same-size write within one timestamp tick keeps size and mtime, so a file
    younger than a tick when recorded is compared by content; older ones by stat alone."""
    project = deployed(tmp_path)
    recorded = json.loads(fingerprint.file_for(project / ".aiwg").read_bytes())
    agents = next(e for e in recorded["entries"] if e[0] == str(project / "AGENTS.md"))
    assert agents[2] is not None  # written a moment before the record: by content
    time.sleep(fingerprint.FINE_SETTLE_NS / 1e9 + 0.05)
    write_item(project, "rules/gamma.md", rule_text("gamma"))
    assert aiwg(project, "sync").exit_code == 0
    recorded = json.loads(fingerprint.file_for(project / ".aiwg").read_bytes())
    mdc = next(e for e in recorded["entries"] if e[0] == str(project / ".cursor/rules/alpha.mdc"))
    if any(e[1] and e[1][2] % 10_000_000 for e in recorded["entries"]):  # a fine-grained clock
        assert mdc[2] is None  # untouched by this run and older than a tick: by stat


def test_an_edit_during_the_run_is_never_vouched_for(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A person saves an output between aiwg's write and its record: no fingerprint."""
    project = deployed(tmp_path)
    write_item(project, "rules/alpha.md", rule_text("alpha", body="Changed.\n"))
    real_record = fingerprint.record

    def edit_then_record(*args: object, **kwargs: object) -> None:
        same_size_edit(project / ".cursor/rules/alpha.mdc")
        real_record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fingerprint, "record", edit_then_record)
    assert aiwg(project, "sync").exit_code == 0
    assert not fingerprint.file_for(project / ".aiwg").exists()
    assert aiwg(project, "diff", "--check").exit_code == 1


def test_an_environment_value_that_moves_a_root_is_a_change(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    env = dict(os.environ)
    assert fingerprint.matches(file, key_for(project, env)) is not None
    env["CODEX_HOME"] = str(tmp_path / "elsewhere")
    assert fingerprint.matches(file, key_for(project, env)) is None


def test_a_run_that_writes_removes_the_fingerprint_first(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    write_item(project, "rules/alpha.md", rule_text("alpha", body="Changed.\n"))
    (project / ".cursor/rules/alpha.mdc").write_text("a hand edit that conflicts\n")
    result = aiwg(project, "sync")
    assert result.exit_code in (0, 1)
    # Not everything is in sync now (a kept edit or a conflict): no fingerprint vouches for it.
    assert not fingerprint.file_for(project / ".aiwg").exists()
    assert aiwg(project, "diff", "--check").exit_code == 1


def linked_library(tmp_path: Path) -> tuple[Path, Path]:
    """A library whose rule, rule folder and a dangling rule are links to files outside it (the
    library reads through links, so what they point to is an input)."""
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    outside = tmp_path / "shared"
    (outside / "ship").mkdir(parents=True)
    (outside / "beta.md").write_text(rule_text("beta"))
    (outside / "ship" / "SKILL.md").write_text("---\nname: ship\ndescription: Ship it.\n---\n"
                                             "Ship.\n")
    library = project / ".aiwg/library"
    (library / "rules" / "beta.md").symlink_to(outside / "beta.md")
    (library / "rules" / "delta.md").symlink_to(outside / "delta.md")  # dangling until created
    (library / "skills").mkdir()
    (library / "skills" / "ship").symlink_to(outside / "ship", target_is_directory=True)
    assert aiwg(project, "deploy", "-p", "cursor").exit_code in (0, 1)
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "sync").exit_code == 0
    assert fingerprint.file_for(project / ".aiwg").is_file()
    return project, outside


LINKED_CHANGES = {
    "target of a linked rule edited (same size, mtime restored)":
        lambda o: same_size_edit(o / "beta.md"),
    "file added to a linked skill folder": lambda o: (o / "ship" / "notes.md").write_text(
        "Notes.\n"),
    "SKILL.md in a linked skill folder edited (same size, mtime restored)":
        lambda o: same_size_edit(o / "ship" / "SKILL.md"),
    "target of a dangling link created": lambda o: (o / "delta.md").write_text(
        rule_text("delta")),
}


@pytest.mark.parametrize("change", sorted(LINKED_CHANGES))
def test_a_change_behind_a_link_in_the_library_takes_the_full_path(tmp_path: Path,
                                                                   change: str) -> None:
    # Found by attack: the walk recorded each link's own stat only, so editing a rule linked in
    # from a shared folder left `sync` and `diff --check` answering "unchanged".
    project, outside = linked_library(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    assert fingerprint.matches(file, key_for(project)) is not None
    LINKED_CHANGES[change](outside)
    assert fingerprint.matches(file, key_for(project)) is None
    assert aiwg(project, "diff", "--check").exit_code == 1


def test_a_link_back_up_the_library_is_walked_once(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    library = project / ".aiwg/library"
    (library / "rules" / "loop").symlink_to(library, target_is_directory=True)
    entries = fingerprint.snapshot([library], [], 0)  # returns: the loop is not followed twice
    paths = [entry[0] for entry in entries]
    assert str(library / "rules" / "loop") in paths and len(paths) < 20, paths


def test_a_no_op_without_a_fingerprint_records_one_and_writes_nothing_else(
        tmp_path: Path) -> None:
    """A library edit that changes no output (or an upgrade) leaves no fingerprint that holds;
    the full-path no-op records one (its only writes: that and the parse cache, both aiwg's
    local state), so the next no-op is fast again and writes nothing at all."""
    project = deployed(tmp_path)
    file = fingerprint.file_for(project / ".aiwg")
    alpha = project / ".aiwg/library/rules/alpha.md"
    alpha.write_text(alpha.read_text() + "\n")  # a trailing blank line renders the same
    assert fingerprint.matches(file, key_for(project)) is None
    local = (".aiwg/local/fingerprint.json", ".aiwg/local/parsed.json")  # aiwg's own caches
    stamps = {p: s for p, s in mtimes(project).items() if p not in local}
    assert aiwg(project, "sync").exit_code == 0
    after = mtimes(project)
    assert {p: s for p, s in after.items() if p not in local} == stamps
    assert fingerprint.matches(file, key_for(project)) is not None
    assert aiwg(project, "sync").exit_code == 0 and mtimes(project) == after


def test_a_sync_reads_back_only_the_outputs_it_wrote(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The previous fingerprint vouches for outputs it knew by a settled stamp that still holds
    and by the same bytes; the others (here: what the edit rewrote) are read back."""
    project = deployed(tmp_path)
    for name in ("gamma", "delta", "epsilon"):
        write_item(project, f"rules/{name}.md", rule_text(name))
    assert aiwg(project, "sync").exit_code == 0
    time.sleep(fingerprint.FINE_SETTLE_NS / 1e9 + 0.05)
    write_item(project, "rules/alpha.md", rule_text("alpha", body="Changed.\n"))
    assert aiwg(project, "sync").exit_code == 0  # records with the outputs settled
    time.sleep(fingerprint.FINE_SETTLE_NS / 1e9 + 0.05)
    read: list[str] = []
    real = fingerprint._digest

    def counting(path: str) -> str | None:
        read.append(path)
        return real(path)

    monkeypatch.setattr(fingerprint, "_digest", counting)
    write_item(project, "rules/beta.md", rule_text("beta", body="Changed too.\n"))
    assert aiwg(project, "sync").exit_code == 0
    monkeypatch.setattr(fingerprint, "_digest", real)
    recorded = json.loads(fingerprint.file_for(project / ".aiwg").read_bytes())
    if not any(e[1] and e[1][2] % 10_000_000 for e in recorded["entries"]):
        pytest.skip("a coarse clock: every output is too fresh to vouch for")
    untouched = [project / f".cursor/rules/{name}.mdc" for name in ("gamma", "delta", "epsilon")]
    assert not {str(p) for p in untouched} & set(read), read
    # What this run wrote is read back; alpha's file was too fresh at the last record to be
    # vouched for by its stat, so it is read too.
    written = {str(project / ".cursor/rules/beta.mdc"), str(project / "AGENTS.md")}
    assert written <= set(read), read
    assert fingerprint.matches(fingerprint.file_for(project / ".aiwg"), key_for(project))
