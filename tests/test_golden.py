"""Golden output trees: every adapter in adapters/, at every scope it has, deploying the fixture
library. The list of cases is derived from the adapter files, so a new adapter without golden
files fails here until its tree is reviewed and recorded:

    AIWG_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import aiwg, home_tree, make_project, tree, user_library, write_user_config

from aiwg.adapters import default_registry

GOLDEN = Path(__file__).parent / "golden"
FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library"
CONFIG = "ignore = ['.env', 'secrets/**']\n[library]\nbuiltin = false\nuser = false\npaths = ['lib']\n"
# User scope reads the user's own config and library, wherever the run starts.
USER_CONFIG = "ignore = ['.env', 'secrets/**']\n[library]\nbuiltin = false\n"
UPDATE = bool(os.environ.get("AIWG_UPDATE_GOLDEN"))

CASES = [(adapter.id, scope) for adapter in default_registry().adapters
         for scope in ("project", "user") if adapter.has_scope(scope)]


def deployed_tree(tmp_path: Path, platform: str, scope: str) -> dict[str, bytes]:
    project = make_project(tmp_path, CONFIG)
    if scope == "project":
        shutil.copytree(FIXTURE_LIBRARY, project / "lib")
    else:
        write_user_config(USER_CONFIG)
        shutil.copytree(FIXTURE_LIBRARY, user_library())
    result = aiwg(project, "deploy", "--platform", platform, "--scope", scope)
    assert result.exit_code == 0, result.stderr

    def written() -> dict[str, bytes]:
        if scope == "project":
            return tree(project, skip=(".aiwg", ".git", "lib", "aiwg.toml"))
        return home_tree()

    files = written()
    again = aiwg(project, "deploy", "--platform", platform, "--scope", scope)
    assert again.exit_code == 0
    assert written() == files
    return files


@pytest.mark.parametrize(("platform", "scope"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_golden_tree(tmp_path: Path, platform: str, scope: str) -> None:
    files = deployed_tree(tmp_path, platform, scope)
    folder = GOLDEN / platform / scope
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        for relative, data in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    assert folder.is_dir(), f"no golden tree for {platform} ({scope}); record it with AIWG_UPDATE_GOLDEN=1"
    expected = tree(folder, skip=())
    assert sorted(files) == sorted(expected)
    for relative, data in files.items():
        assert data == expected[relative], f"{platform}/{scope}: {relative} differs from golden"


def test_no_stale_golden_trees() -> None:
    recorded = {(p.parent.name, p.name) for p in GOLDEN.glob("*/*") if p.is_dir()}
    assert recorded <= set(CASES), f"golden trees without an adapter: {recorded - set(CASES)}"
