"""`aiwg outdated`: newer tags, new commits on a branch, and nothing when the lock is newest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import aiwg, make_project
from source_repos import org_repo, source_config

from aiwg.commands.outdated import newest_tag, version_key

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def test_a_newer_tag_and_new_commits_on_a_branch(tmp_path: Path) -> None:
    repo = org_repo(tmp_path)
    two = source_config(repo) + (f"\n[[sources]]\nname = 'edge'\nurl = '{repo.url}'\n"
                                 "ref = 'main'\npath = 'library'\nexclude = { names = ['*'] }\n")
    project = make_project(tmp_path, two)
    assert aiwg(project, "update").exit_code == 0
    current = aiwg(project, "outdated", "--check")
    assert current.exit_code == 0 and "every source is as new" in current.stdout
    repo.rule("new-rule")
    head = repo.commit()
    repo.tag("v1.10.0")
    repo.tag("v1.9.0")
    found = aiwg(project, "outdated", "--json").json()["sources"]
    assert found[0] == {"name": "org", "locked": "v1.0.0", "latest": "v1.10.0",
                        "why": "newer tag v1.10.0", "outdated": True,
                        "command": "aiwg update org --ref v1.10.0"}
    assert found[1]["outdated"] and found[1]["latest"] == head[:12]
    assert found[1]["command"] == "aiwg update edge"
    said = aiwg(project, "outdated").stdout
    assert "`aiwg update org --ref v1.10.0` locks it" in said
    assert "`aiwg update edge` locks it" in said
    assert aiwg(project, "outdated", "--check").exit_code == 1
    for source in found:  # the command it names is the one that brings the source up to date
        assert aiwg(project, *source["command"].split()[1:]).exit_code == 0
    assert not any(s["outdated"] for s in aiwg(project, "outdated", "--json").json()["sources"])


def test_tags_compare_by_their_numbers() -> None:
    assert version_key("v1.10.0") > version_key("v1.9.3")  # type: ignore[operator]
    assert newest_tag("v1.2.0", ["v1.10.0", "v1.9.0", "release-7", "2.0"]) == "v1.10.0"
    assert newest_tag("v2.0.0", ["v1.10.0"]) is None
    assert version_key("main") is None
