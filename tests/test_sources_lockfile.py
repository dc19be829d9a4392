"""aiwg.lock: deterministic bytes (sorted, no time), a round trip, and a broken lock as one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tomlkit import parse

from aiwg.errors import InputError
from aiwg.sources.lockfile import Lock, LockEntry, read_lock, write_lock

HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
ITEM = st.from_regex(r"(rule|skill|mcp|hook)/[a-z][a-z0-9-]{0,12}", fullmatch=True)
ENTRY = st.builds(
    lambda url, ref, commit, sha, items: LockEntry(
        spec={"kind": "git", "url": url, "ref": ref}, sha256=sha, items=items, commit=commit),
    st.from_regex(r"https://example\.com/[a-z]{1,8}\.git", fullmatch=True),
    st.from_regex(r"v[0-9]\.[0-9]", fullmatch=True), st.text("0123456789abcdef", min_size=40,
                                                            max_size=40),
    HEX, st.dictionaries(ITEM, HEX, max_size=5))


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), ENTRY,
                       max_size=4))
def test_lock_text_is_sorted_round_trips_and_ignores_insertion_order(
        entries: dict[str, LockEntry]) -> None:
    text = Lock(entries).text()
    assert Lock(dict(reversed(list(entries.items())))).text() == text
    document = parse(text)
    assert list(document["sources"]) == sorted(entries)
    for name, entry in entries.items():
        table = document["sources"][name]
        assert list(table["items"]) == sorted(entry.items)
        assert table["sha256"] == entry.sha256 and table["commit"] == entry.commit


def test_write_then_read_and_no_rewrite_when_equal(tmp_path: Path) -> None:
    path = tmp_path / "aiwg.lock"
    lock = Lock({"org": LockEntry(spec={"kind": "folder", "folder": "../org"}, sha256="a" * 64,
                                  items={"rule/x": "b" * 64})})
    assert write_lock(path, lock)
    stamp = path.stat().st_mtime_ns
    assert not write_lock(path, lock) and path.stat().st_mtime_ns == stamp
    again = read_lock(path)
    assert again is not None and again.entries == lock.entries
    assert "time" not in path.read_text() and str(tmp_path) not in path.read_text()


@pytest.mark.parametrize(("text", "expected"), [
    ("version = 1\n[sources.x]\nkind = 'git'\n", "aiwg.lock: sources.x: expected sha256"),
    ("version = 2\n", "aiwg.lock: expected version = 1"),
    ("version = [\n", "aiwg.lock: invalid TOML"),
    ("version = 1\nsources = 3\n", "aiwg.lock: expected version = 1 and a [sources] table"),
    ("version = 1\n[sources.x]\nsha256 = 'a'\ncommit = 3\n", "aiwg.lock: sources.x: expected commit"),
])
def test_a_broken_lock_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "aiwg.lock"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_lock(path)
    assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)


def test_no_lock_is_none(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "aiwg.lock") is None
