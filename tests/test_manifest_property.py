"""Property: whatever a manifest line says, every entry aiwg keeps lies inside a root computed
now, and a line it cannot read is an InputError (one line), never another exception."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwg.adapters import default_registry
from aiwg.errors import InputError
from aiwg.manifest import StateDir, load_manifest
from aiwg.roots import RootTable, project_table

SEGMENTS = st.sampled_from(["a", "b", ".", "..", "", "x.md", "\\", "~", "/", "AGENTS.md"])
PATHS = st.lists(SEGMENTS, max_size=6).map("/".join)
ROOT_IDS = st.sampled_from([None, "project", "/", "..", "claude-code:config", "claude-code:x",
                            "nope:home", "codex:home", "openclaw:workspace", ""])
VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.text(max_size=3)))


def records() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {"path": st.one_of(PATHS, VALUES), "grain": st.sampled_from(["file", "block", "keys",
                                                                     "entry", "x"]),
         "sha256": st.one_of(st.just("0" * 64), VALUES)},
        optional={"root": st.one_of(ROOT_IDS, VALUES), "platforms": st.one_of(
            st.lists(st.sampled_from(["cursor", "claude-code", "codex"]), max_size=2), VALUES),
            "key_path": st.one_of(st.lists(st.text(max_size=3), max_size=2), VALUES),
            "created_from": VALUES})


def inside(path: str, root: str) -> bool:
    real = os.path.normpath(path if os.path.isabs(path) else os.path.join(root, path))
    return real == root or real.startswith(root.rstrip("/") + "/")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(records(), max_size=6), scope=st.sampled_from(["project", "user"]))
def test_no_manifest_line_can_name_a_place_outside_the_roots_computed_now(
        tmp_path: Path, lines: list[dict[str, object]], scope: str) -> None:
    state = StateDir(tmp_path / scope / ".aiwg")
    state.path.mkdir(parents=True, exist_ok=True)
    header = json.dumps({"aiwg_manifest": 2, "scope": scope})
    state.manifest_file.write_text("\n".join([header, *map(json.dumps, lines)]) + "\n")
    roots = project_table(tmp_path / scope) if scope == "project" else RootTable(
        "user", adapters={a.id: a for a in default_registry().adapters},
        env={"HOME": str(tmp_path / "home")})
    try:
        manifest = load_manifest(state, scope, roots)
    except InputError as error:
        assert "\n" not in str(error)
        return
    for entry in manifest.entries.values():
        assert roots.path_of(entry.root_id) == entry.root
        assert inside(entry.path, entry.root), entry
        assert ".." not in entry.path.split("/")
