"""The parse cache: a sync after one edit parses one file, and a cached parse is never one the
file's current bytes would not give (tests/test_incremental.py checks whole trees)."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
from helpers import aiwg, make_project, rule_text, write_item

from aiwg import library as library_module
from aiwg.parse_cache import FILE_NAME, ParseCache, exact_in_json

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"


def deployed(tmp_path: Path, count: int = 5) -> Path:
    project = make_project(tmp_path, CONFIG)
    for i in range(count):
        write_item(project, f"rules/r{i}.md", rule_text(f"r{i}"))
    assert aiwg(project, "deploy", "-p", "cursor", "-p", "codex").exit_code == 0
    return project


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = library_module._parse_markdown

    def counting(path: Path, text: str) -> object:
        parsed.append(path.name)
        return real(path, text)

    monkeypatch.setattr(library_module, "_parse_markdown", counting)
    return parsed


def test_a_sync_after_one_edit_parses_only_that_file(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = deployed(tmp_path)
    assert (project / ".aiwg/local" / FILE_NAME).is_file()
    parsed = count_parses(monkeypatch)
    write_item(project, "rules/r3.md", rule_text("r3", body="Changed.\n"))
    assert aiwg(project, "sync").exit_code == 0
    assert parsed == ["r3.md"]
    assert "Changed." in (project / ".cursor/rules/r3.mdc").read_text()


def test_the_bytes_are_the_key_so_a_same_size_same_mtime_edit_is_parsed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = deployed(tmp_path)
    path = project / ".aiwg/library/rules/r1.md"
    info = path.stat()
    path.write_text(path.read_text().replace("Body line one.", "Body line 1ne."))
    import os
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    parsed = count_parses(monkeypatch)
    assert aiwg(project, "sync").exit_code == 0
    assert parsed == ["r1.md"]
    assert "Body line 1ne." in (project / ".cursor/rules/r1.mdc").read_text()


def test_a_cache_copied_in_with_the_project_is_ignored(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository or tarball that ships .aiwg/local/parsed.json cannot make aiwg deploy
    anything but what the library files say: the cache is bound to its state folder."""
    project = deployed(tmp_path)
    cache = project / ".aiwg/local" / FILE_NAME
    document = json.loads(cache.read_bytes())
    # Poison every entry: if any were used, the outputs would say so.
    for key, entry in document["entries"].items():
        data, body = json.loads(entry)
        document["entries"][key] = json.dumps([data, body.replace("Body", "POISON")])
    cache.write_text(json.dumps(document))
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    parsed = count_parses(monkeypatch)
    result = aiwg(copy, "deploy", "-p", "cursor", "-p", "codex", "--force")
    assert result.exit_code == 0
    assert len(parsed) == 5  # nothing taken from the copied cache
    assert "POISON" not in (copy / ".cursor/rules/r1.mdc").read_text()


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    (project / ".aiwg/local" / FILE_NAME).write_text("{not json")
    write_item(project, "rules/r0.md", rule_text("r0", body="Again.\n"))
    assert aiwg(project, "sync").exit_code == 0
    assert "Again." in (project / ".cursor/rules/r0.mdc").read_text()
    assert json.loads((project / ".aiwg/local" / FILE_NAME).read_bytes())["format"] == 1


def test_a_read_only_command_never_writes_it(tmp_path: Path) -> None:
    project = deployed(tmp_path)
    cache = project / ".aiwg/local" / FILE_NAME
    before = cache.stat().st_mtime_ns
    write_item(project, "rules/r9.md", rule_text("r9"))
    for command in (["diff"], ["status"], ["list"], ["validate"]):
        aiwg(project, *command)
    assert cache.stat().st_mtime_ns == before


def test_values_json_cannot_hold_exactly_are_parsed_every_time(tmp_path: Path) -> None:
    state = tmp_path / ".aiwg"
    state.mkdir()
    cache = ParseCache.load(state)
    calls = []

    def parse(path: Path, text: str) -> tuple[dict[str, object], str]:
        calls.append(text)
        return {"when": datetime.date(2026, 1, 2)}, "body"

    for _ in range(2):
        assert cache.parse("markdown", tmp_path / "x.md", "t", parse) == (
            {"when": datetime.date(2026, 1, 2)}, "body")
    cache.save()
    again = ParseCache.load(state)
    assert again.parse("markdown", tmp_path / "x.md", "t", parse)[0]["when"] == datetime.date(
        2026, 1, 2)
    assert len(calls) == 3


def test_a_hit_hands_out_values_the_caller_may_change(tmp_path: Path) -> None:
    state = tmp_path / ".aiwg"
    state.mkdir()
    cache = ParseCache.load(state)

    def parse(path: Path, text: str) -> tuple[dict[str, object], str]:
        return {"tags": ["core"]}, "body"

    first = cache.parse("markdown", tmp_path / "x.md", "t", parse)
    first[0]["tags"].append("changed")
    cache.save()
    again = ParseCache.load(state).parse("markdown", tmp_path / "x.md", "t", parse)
    assert again == ({"tags": ["core"]}, "body")
    again[0]["tags"].append("changed")
    assert ParseCache.load(state).parse("markdown", tmp_path / "x.md", "t", parse)[0] == {
        "tags": ["core"]}


def test_the_parser_is_part_of_the_key(tmp_path: Path) -> None:
    state = tmp_path / ".aiwg"
    state.mkdir()
    cache = ParseCache.load(state)
    cache.parse("markdown", tmp_path / "x", "same text", lambda p, t: ({"a": 1}, "md"))
    assert cache.parse("yaml", tmp_path / "x", "same text", lambda p, t: ({"a": 2}, "")) == (
        {"a": 2}, "")


@pytest.mark.parametrize(("value", "exact"), [
    ({"a": [1, 2.5, "x", None, True, {"b": False}]}, True),
    ({"a": float("nan")}, False), ({"a": float("inf")}, False), ({1: "x"}, False),
    ({"a": (1, 2)}, False), ({"a": datetime.date(2026, 1, 1)}, False), ({"a": b"x"}, False),
])
def test_exact_in_json(value: object, exact: bool) -> None:
    assert exact_in_json(value) is exact
