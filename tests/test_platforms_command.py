"""`aiwg platforms`: lifecycle, confidence and reads are shown from the adapter data, and
deploying to a platform that reached its end says so and names the successor."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import aiwg, make_project

from aiwg.adapters import default_registry
from aiwg.commands.platforms import lifecycle_warning, status_text

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library"
CONFIG = "[library]\nbuiltin = false\nuser = false\npaths = ['lib']\n"


def test_json_shows_status_and_per_kind_confidence_sources_date_and_reads(tmp_path: Path) -> None:
    platforms = {p["id"]: p for p in aiwg(tmp_path, "platforms", "--json").json()["platforms"]}
    for platform in platforms.values():
        assert platform["status"] in ("active", "deprecated", "end-of-life")
        assert platform["status"] == "active" or platform["status_date"]
        for kind in platform["kinds"].values():
            assert kind["confidence"] in ("official", "peer", "observed")
            assert kind["sources"] and kind["verified"]
            assert set(kind["reads"]) == {"project", "user"}
    continue_ = platforms["continue"]
    assert (continue_["status"], continue_["status_date"]) == ("end-of-life", "2026-06-19")
    claude_rules = platforms["claude-code"]["kinds"]["rule"]["reads"]["project"]
    agents_md = next(r for r in claude_rules if r["path"] == "AGENTS.md")
    assert agents_md["unless_exists"] == ["CLAUDE.md", ".claude/CLAUDE.md"]


def test_table_shows_status_and_a_confidence_mark_per_cell(tmp_path: Path) -> None:
    output = aiwg(tmp_path, "platforms").stdout
    continue_row = next(line for line in output.splitlines() if line.startswith("continue\t"))
    assert "end-of-life" in continue_row
    assert "◐" in output and "●" in output and "from the vendor's docs" in output


def test_status_text_names_the_successor() -> None:
    registry = default_registry()
    assert status_text(registry.get("claude-code")) == "active"
    assert lifecycle_warning(registry.get("claude-code")) is None
    warning = lifecycle_warning(registry.get("continue"))
    assert warning == "Continue is end-of-life (since 2026-06-19)"


def test_deploying_to_an_end_of_life_platform_warns_and_still_deploys(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    shutil.copytree(FIXTURE_LIBRARY, project / "lib")
    result = aiwg(project, "deploy", "-p", "continue")
    assert result.exit_code == 0
    assert "Continue is end-of-life (since 2026-06-19)" in result.stderr
    assert (project / ".continue").is_dir()
    quiet = aiwg(project, "deploy", "-p", "claude-code")
    assert "end-of-life" not in quiet.stderr


def test_json_lists_at_least_48_active_platforms_each_kind_sourced(tmp_path: Path) -> None:
    platforms = aiwg(tmp_path, "platforms", "--json").json()["platforms"]
    active = [p for p in platforms if p["status"] == "active"]
    assert len(active) >= 48
    for platform in active:
        assert platform["kinds"], platform["id"]
        for kind in platform["kinds"].values():
            assert kind["sources"] and kind["confidence"] and kind["verified"]


def test_every_platform_that_is_not_active_names_a_date_and_a_known_successor() -> None:
    registry = default_registry()
    for adapter in registry.adapters:
        if not adapter.active:
            assert adapter.status_date
            assert adapter.successor is None or registry.find(adapter.successor) is not None


def test_plain_listing_is_one_tab_separated_line_per_platform_with_every_id_whole(
        tmp_path: Path) -> None:
    from aiwg.adapters import default_registry

    result = aiwg(tmp_path, "platforms")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    ids = [adapter.id for adapter in default_registry().adapters]
    assert len(lines) == len(ids) + 2 and lines[-1].startswith("# ")  # header, rows, legend
    assert [line.split("\t")[0] for line in lines[1:-1]] == ids
    assert {len(line.split("\t")) for line in lines[:-1]} == {9}
