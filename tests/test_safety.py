import contextlib
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwg.errors import UnsafePathError
from aiwg.safety import Destinations, safe_destination


def test_plain_paths_resolve_inside_the_root(tmp_path: Path) -> None:
    assert safe_destination(tmp_path, ".cursor/rules/x.mdc") == tmp_path.resolve() / ".cursor/rules/x.mdc"


@pytest.mark.parametrize("path", ["../x", "a/../../x", ".claude/../../etc/passwd"])
def test_dotdot_is_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(UnsafePathError, match=r"'\.\.'"):
        safe_destination(tmp_path, path)


def test_absolute_path_outside_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError, match="outside"):
        safe_destination(tmp_path / "root", str(tmp_path / "elsewhere" / "x"))


def test_symlink_leaving_the_root_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / ".cursor")
    with pytest.raises(UnsafePathError, match="symlink"):
        safe_destination(root, ".cursor/rules/x.mdc")


def test_symlink_inside_the_root_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("x")
    os.symlink("AGENTS.md", tmp_path / "CLAUDE.md")
    assert safe_destination(tmp_path, "CLAUDE.md") == (tmp_path / "AGENTS.md").resolve()


# --- the per-plan cache gives the answers of a fresh, uncached resolution ---------------------


def reference_destination(root: str | Path, path: str) -> Path:
    """The resolution `Destinations` must match: every path resolved whole by pathlib, every
    parent probed again (the implementation before folders were cached)."""
    posix = PurePosixPath(path)
    if ".." in posix.parts:
        raise UnsafePathError(f"{path}: refusing a path with '..' in it")
    root_path = Path(root)
    target = Path(posix) if posix.is_absolute() else root_path / posix

    def inside(p: Path, r: Path) -> bool:
        return p == r or r in p.parents

    if not inside(Path(os.path.normpath(target)), Path(os.path.normpath(root_path))):
        raise UnsafePathError(f"{path}: refusing to write outside {root_path}")
    real_root = Path(os.path.realpath(root_path))
    real_target = Path(os.path.realpath(target))
    if not inside(real_target, real_root):
        raise UnsafePathError(
            f"{path}: refusing to write through a symlink that leads outside {root_path} "
            f"(to {real_target})")
    if real_target.is_dir():
        raise UnsafePathError(f"{path}: a folder is in the way of a file aiwg writes")
    for parent in real_target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UnsafePathError(f"{path}: {parent} is a file where aiwg needs a folder")
            break
    return real_target


def answer(resolve: Callable[[str | Path, str], Path], root: str | Path, path: str) -> str:
    try:
        return str(resolve(root, path))
    except UnsafePathError as error:
        return f"refused: {error}"


NAMES = ["a", "b", "c", "AGENTS.md", "x.md"]
LINK_TARGETS = ["a", "b/c", "../outside", "../outside/deep", "../root2", "missing", "x.md", "loop", "/",
                "a/b", "."]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(kind, relative path, link target) entries: folders, files and symlinks of every sort
    (inside, outside, dangling, looping, to files where folders are wanted)."""
    entries = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["dir", "file", "link"]))
        parts = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))
        entries.append((kind, "/".join(parts), draw(st.sampled_from(LINK_TARGETS))))
    return entries


def build(base: Path, entries: list[tuple[str, str, str]]) -> Path:
    root = base / "root"
    root.mkdir()
    (base / "outside" / "deep").mkdir(parents=True)
    (base / "root2").mkdir()  # shares the root's name as a prefix: still outside
    for kind, relative, target in entries:
        path = root / relative
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                path.mkdir()
            elif kind == "file":
                path.write_text("x")
            else:
                os.symlink(target if target != "loop" else relative.split("/")[-1], path)
    return root


@settings(max_examples=int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0")) or 150,
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees(), paths=st.lists(st.lists(st.sampled_from([*NAMES, ".", ""]), min_size=1,
                                              max_size=4).map("/".join), min_size=1,
                                     max_size=12),
       absolute=st.booleans())
def test_one_cache_for_a_plan_answers_like_a_fresh_resolution(
        tmp_path_factory: pytest.TempPathFactory, tree: list[tuple[str, str, str]],
        paths: list[str], absolute: bool) -> None:
    root = build(tmp_path_factory.mktemp("tree"), tree)
    shared = Destinations()
    for path in paths + paths[::-1]:
        path = str(root / path) if absolute else path
        expected = answer(reference_destination, root, path)
        assert answer(shared.resolve, root, path) == expected, (tree, path)
        if not expected.startswith("refused"):
            found = shared.lookup(root, path)
            lexical = Path(path) if path.startswith("/") else root / path
            assert found.through_link == lexical.is_symlink(), (tree, path)
            assert found.mode == (found.path.stat().st_mode if found.path.exists() else None)
        slashed = f"{root}/"
        assert answer(safe_destination, slashed, path) == answer(reference_destination, slashed,
                                                                  path)
