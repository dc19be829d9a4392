"""Conflicts a person can finish: side file, markers on request, hand merge, green again."""

from __future__ import annotations

from pathlib import Path

from helpers import aiwg, make_project, rule_text, tree, write_item
from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.conflicts import finish_merge, has_markers, side_file, with_markers
from aiwg.manifest import StateDir

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
BODY = "".join(f"Line {i}.\n" for i in range(1, 9))
RULE = ".claude/rules/alpha.md"


def _conflicted(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project whose rule was edited by hand and in the library on the same line."""
    project = make_project(tmp_path, CONFIG)
    source = write_item(project, "rules/alpha.md", rule_text("alpha", body=BODY))
    # A CLAUDE.md of the person's: Claude Code then skips AGENTS.md and reads .claude/rules.
    (project / "CLAUDE.md").write_text("# Notes\n")
    assert aiwg(project, "deploy", "-p", "claude-code", "-p", "codex").exit_code == 0
    deployed = project / RULE
    deployed.write_text(deployed.read_text().replace("Line 4.", "Line 4 by hand."))
    source.write_text(source.read_text().replace("Line 4.", "Line 4 by the library."))
    return project, source, deployed


def _without(text: str, *dropped: str) -> list[str]:
    """The lines of a marked-up file with the markers and the `dropped` lines taken out."""
    return [line for line in text.splitlines(keepends=True)
            if not line.startswith(("<<<<<<<", "|||||||", "=======", ">>>>>>>"))
            and line not in dropped]


def test_conflict_writes_the_three_versions_to_a_side_file_not_the_live_file(
        tmp_path: Path) -> None:
    project, _, deployed = _conflicted(tmp_path)
    edited = deployed.read_bytes()
    result = aiwg(project, "sync")
    assert result.exit_code == 1
    assert deployed.read_bytes() == edited
    side = side_file(StateDir(project / ".aiwg"), RULE)
    assert "three versions are in .aiwg/local/conflicts/" in result.stderr
    view = side.read_text()
    assert "<<<<<<< disk (your edit)\nLine 4 by hand.\n" in view
    assert "||||||| base (what aiwg last wrote)\nLine 4.\n" in view
    assert "=======\nLine 4 by the library.\n>>>>>>> library (what aiwg would write now)" in view


def test_hand_merge_then_accept_ends_green_and_keeps_the_merge(tmp_path: Path) -> None:
    project, _, deployed = _conflicted(tmp_path)
    assert aiwg(project, "sync").exit_code == 1
    assert aiwg(project, "sync").exit_code == 1  # still a conflict: nothing was decided
    merged = deployed.read_text().replace("Line 4 by hand.", "Line 4, my own way.")
    deployed.write_text(merged)
    assert aiwg(project, "accept", RULE).exit_code == 0
    assert not side_file(StateDir(project / ".aiwg"), RULE).exists()
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert deployed.read_text() == merged


def test_hand_merge_that_carries_the_library_change_is_resolved_by_the_next_sync(
        tmp_path: Path) -> None:
    project, _, deployed = _conflicted(tmp_path)
    assert aiwg(project, "sync").exit_code == 1
    merged = deployed.read_text().replace("Line 4 by hand.",
                                          "Line 4 by the library.\nLine 4 by hand, too.")
    deployed.write_text(merged)
    synced = aiwg(project, "sync")
    assert synced.exit_code == 0, synced.stdout + synced.stderr
    assert not side_file(StateDir(project / ".aiwg"), RULE).exists()
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert deployed.read_text() == merged


def test_resolve_prints_the_view_and_markers_go_into_the_file_only_on_request(
        tmp_path: Path) -> None:
    project, _, deployed = _conflicted(tmp_path)
    edited = deployed.read_bytes()
    shown = aiwg(project, "resolve", RULE)
    assert shown.exit_code == 1 and "Line 4 by the library." in shown.stdout
    assert deployed.read_bytes() == edited
    assert aiwg(project, "resolve", RULE, "--markers").exit_code == 0
    text = deployed.read_text()
    assert has_markers(text.encode()) and "Line 4 by hand." in text
    assert aiwg(project, "sync").exit_code == 1  # markers in the file: still a conflict
    assert aiwg(project, "accept", RULE).exit_code == 2  # and not accepted as it stands
    # The person keeps both lines and removes the markers.
    deployed.write_text("".join(_without(text, "Line 4.\n")))
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0
    assert "Line 4 by hand." in deployed.read_text()


def test_block_conflict_markers_stay_inside_the_block(tmp_path: Path) -> None:
    project, _, _ = _conflicted(tmp_path)
    agents = project / "AGENTS.md"
    agents.write_text("My intro.\n\n" + agents.read_text().replace("Line 4.", "Line 4 here."))
    assert aiwg(project, "accept", RULE).exit_code == 0  # only the block is left in conflict
    assert aiwg(project, "sync").exit_code == 1
    assert aiwg(project, "resolve", "AGENTS.md", "--markers").exit_code == 0
    text = agents.read_text()
    assert text.startswith("My intro.\n\n<!-- aiwg:begin rules -->\n")
    begin, end = text.index("aiwg:begin"), text.index("aiwg:end")
    assert begin < text.index("<<<<<<<") < text.index(">>>>>>>") < end
    # The person takes the library's line and drops the markers.
    agents.write_text("".join(_without(text, "Line 4.\n", "Line 4 here.\n")))
    assert not has_markers(agents.read_bytes())
    assert aiwg(project, "sync").exit_code == 0
    assert aiwg(project, "diff", "--check").exit_code == 0


def test_force_still_ends_a_conflict_and_removes_its_side_file(tmp_path: Path) -> None:
    project, _, _ = _conflicted(tmp_path)
    assert aiwg(project, "sync").exit_code == 1
    assert aiwg(project, "sync", "--force").exit_code == 0
    assert not (project / ".aiwg/local/conflicts").exists()
    assert aiwg(project, "diff", "--check").exit_code == 0


def test_dry_run_conflict_writes_no_side_file(tmp_path: Path) -> None:
    project, _, _ = _conflicted(tmp_path)
    before = tree(project, skip=(".git",))
    assert aiwg(project, "sync", "--dry-run").exit_code == 1
    assert tree(project, skip=(".git",)) == before


def test_a_library_change_that_only_deletes_is_never_taken_as_merged() -> None:
    base = b"a\nb\nc\n"
    library = b"a\nc\n"
    disk = b"a\nb, edited\nc\n"  # the unmerged edit
    assert finish_merge(base, library, disk) is None


def test_unmerged_edit_is_not_taken_as_merged() -> None:
    assert finish_merge(b"a\nb\nc\n", b"a\nB\nc\n", b"a\nb!\nc\n") is None
    assert finish_merge(b"a\nb\nc\n", b"a\nB\nc\n", b"a\nB\nb!\nc\n") == b"a\nB\nb!\nc\n"


def test_a_finished_merge_gets_the_library_changes_it_did_not_overlap() -> None:
    base = b"1\n2\n3\n4\n5\n6\n"
    library = b"1 lib\n2\n3\n4 lib\n5\n6\n"
    disk = b"1\n2\n3\n4 lib\n4 mine\n5\n6\n"
    assert finish_merge(base, library, disk) == b"1 lib\n2\n3\n4 lib\n4 mine\n5\n6\n"


LINES = st.lists(st.sampled_from(["one\n", "two\n", "three\n", "four\n", "five\n"]),
                 min_size=0, max_size=8)


@settings(max_examples=300, deadline=None)
@given(base=LINES, library=LINES, disk=LINES)
def test_a_finished_merge_keeps_every_disk_line_and_every_library_addition(
        base: list[str], library: list[str], disk: list[str]) -> None:
    """Whatever the three versions: a merge taken as finished loses no line of the person's
    and carries every line the library added; markers always stop it."""
    b, lib, d = ("".join(x).encode() for x in (base, library, disk))
    finished = finish_merge(b, lib, d)
    if finished is not None:
        lines = finished.decode().splitlines(keepends=True)
        assert all(line in lines for line in library if line not in base)
        assert all(line in lines for line in disk if line not in base)
    marked = with_markers(b, lib, d)
    if has_markers(marked):
        assert finish_merge(b, lib, marked) is None
