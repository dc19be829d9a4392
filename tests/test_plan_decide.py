"""Every row of DESIGN.md §4's reconcile table, on the pure decision function, for every grain."""

import pytest

from aiwg.manifest import Entry, payload_digest
from aiwg.outputs import canonical_json
from aiwg.plan import Flags, decide, merge_three_way

NONE = Flags()
FORCE = Flags(force=True)
ADOPT = Flags(adopt=True)

GRAIN_PAYLOADS = {
    "file": (b"line 1\nline 2\nline 3\n", b"line 1\nline 2 library\nline 3\n"),
    "block": (b"rule 1\nrule 2\nrule 3\n", b"rule 1\nrule 2 changed\nrule 3\n"),
    "keys": (canonical_json({"command": "npx", "args": ["a"], "env": {}}).encode(),
             canonical_json({"command": "npx", "args": ["b"], "env": {}}).encode()),
}


def entry(payload: bytes) -> Entry:
    return Entry(path="p", grain="file", platforms=("x",), sources=(), sha256=payload_digest(payload),
                 root="/")


@pytest.fixture(params=sorted(GRAIN_PAYLOADS))
def grain(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_no_manifest_no_file_creates(grain: str) -> None:
    old, _ = GRAIN_PAYLOADS[grain]
    assert decide(old, None, None, None, grain, NONE)[:2] == ("create", old)  # type: ignore[arg-type]


def test_no_manifest_file_exists_is_skipped_unless_adopted_or_forced(grain: str) -> None:
    old, new = GRAIN_PAYLOADS[grain]
    assert decide(new, None, old, None, grain, NONE)[0] == "skip-unmanaged"  # type: ignore[arg-type]
    # --adopt keeps the person's bytes (managed from now on); only --force overwrites.
    assert decide(new, None, old, None, grain, ADOPT)[:2] == ("keep-edited", None)  # type: ignore[arg-type]
    assert decide(new, None, old, None, grain, FORCE)[:2] == ("update", new)  # type: ignore[arg-type]


def test_identical_unmanaged_content_is_taken_over_without_a_write(grain: str) -> None:
    old, _ = GRAIN_PAYLOADS[grain]
    assert decide(old, None, old, None, grain, NONE)[:2] == ("unchanged", None)  # type: ignore[arg-type]


def test_f_equals_m_and_d_equals_f_is_unchanged(grain: str) -> None:
    old, _ = GRAIN_PAYLOADS[grain]
    assert decide(old, entry(old), old, old, grain, NONE)[:2] == ("unchanged", None)  # type: ignore[arg-type]


def test_f_equals_m_and_d_differs_updates(grain: str) -> None:
    old, new = GRAIN_PAYLOADS[grain]
    assert decide(new, entry(old), old, old, grain, NONE)[:2] == ("update", new)  # type: ignore[arg-type]


def test_edited_and_library_unchanged_keeps_the_edit(grain: str) -> None:
    old, new = GRAIN_PAYLOADS[grain]
    edited = new.replace(b"2", b"9")
    kind, result, _ = decide(old, entry(old), edited, old, grain, NONE)  # type: ignore[arg-type]
    assert (kind, result) == ("keep-edited", None)
    assert decide(old, entry(old), edited, old, grain, FORCE)[:2] == ("update", old)  # type: ignore[arg-type]


def test_edited_and_library_changed_merges_cleanly() -> None:
    base = b"one\ntwo\nthree\nfour\nfive\n"
    ours = b"one\ntwo LIB\nthree\nfour\nfive\n"
    theirs = b"one\ntwo\nthree\nfour\nfive HAND\n"
    kind, result, _ = decide(ours, entry(base), theirs, base, "file", NONE)
    assert kind == "merge"
    assert result == b"one\ntwo LIB\nthree\nfour\nfive HAND\n"


def test_edited_and_library_changed_on_the_same_line_conflicts(grain: str) -> None:
    old, new = GRAIN_PAYLOADS[grain]
    hand = old.replace(b"2", b"HAND").replace(b'"a"', b'"hand"')
    kind, result, note = decide(new, entry(old), hand, old, grain, NONE)  # type: ignore[arg-type]
    assert (kind, result) == ("conflict", None)
    assert "conflict" in note
    assert decide(new, entry(old), hand, old, grain, FORCE)[:2] == ("update", new)  # type: ignore[arg-type]


def test_missing_base_copy_is_a_conflict_not_a_guess() -> None:
    old, new = GRAIN_PAYLOADS["file"]
    assert decide(new, entry(old), b"hand\n", None, "file", NONE)[0] == "conflict"


def test_deleted_by_a_person_is_reported_and_recreated_only_with_force(grain: str) -> None:
    old, _ = GRAIN_PAYLOADS[grain]
    assert decide(old, entry(old), None, old, grain, NONE)[0] == "missing"  # type: ignore[arg-type]
    assert decide(old, entry(old), None, old, grain, FORCE)[:2] == ("create", old)  # type: ignore[arg-type]


def test_no_longer_rendered_is_deleted_if_unedited_else_released(grain: str) -> None:
    old, new = GRAIN_PAYLOADS[grain]
    assert decide(None, entry(old), old, old, grain, NONE)[0] == "delete"  # type: ignore[arg-type]
    assert decide(None, entry(old), new, old, grain, NONE)[0] == "forget"  # type: ignore[arg-type]
    assert decide(None, entry(old), None, old, grain, NONE)[0] == "forget"  # type: ignore[arg-type]
    assert decide(None, entry(old), new, old, grain, FORCE)[0] == "delete"  # type: ignore[arg-type]


def test_key_merge_result_is_canonical_json() -> None:
    base = canonical_json({"a": 1, "b": 2, "c": 3}).encode()
    ours = canonical_json({"a": 10, "b": 2, "c": 3}).encode()
    theirs = canonical_json({"a": 1, "b": 2, "c": 30}).encode()
    merged = merge_three_way("keys", base, ours, theirs)
    assert merged == canonical_json({"a": 10, "b": 2, "c": 30}).encode()


def test_binary_payloads_never_merge() -> None:
    assert merge_three_way("file", b"\xff\x00", b"\xff\x01", b"\xff\x02") is None
