"""The last in-sync run's fingerprint: when nothing it depends on changed, a no-op `sync` or
`diff --check` answers without loading, rendering or planning anything.

It is recorded after a deploy or sync that left every output exactly as rendered (no conflict,
no kept edit, nothing skipped or missing) for every platform a sync covers, and it lists the
stat of every file and folder that result depends on: each library layer (and each folder that
would become one if it appeared), aiwg.toml and pyproject.toml, the adapters, aiwg's own code,
the manifest, and every output file; plus the environment values that can move a root. If any of
them differs — bytes, size, mtime, inode, mode, a file added to a library folder, a variable —
the run takes the full path. A file modified too close to the record to trust its mtime (git's
"racily clean" case) is compared by content. The record is removed before any run writes, so a
run that dies midway never leaves a fingerprint that vouches for a half-written tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiwg import __version__

if TYPE_CHECKING:
    from aiwg.engine import Context, Run
    from aiwg.render import Scope

FORMAT = 1
# A stat younger than this when recorded may hide a later write within the same timestamp tick
# (coarse clocks, 2-second FAT times): such files are checked by their bytes.
RACY_NS = 2_000_000_000
# Variables that can steer where outputs land or which library is read.
_PATH_VARIABLES = re.compile(r"^(HOME|USERPROFILE|APPDATA|LOCALAPPDATA|XDG_.*|AIWG_.*|.*_HOME|"
                             r".*_DIR|.*_PROFILE|.*CONFIG.*|.*_STATE_.*)$")
IN_SYNC_KINDS = frozenset({"create", "update", "unchanged", "delete", "forget"})


def file_for(state_dir: Path) -> Path:
    return state_dir / "local" / "fingerprint.json"


def path_environment(env: dict[str, str] | Any) -> dict[str, str]:
    return {k: v for k, v in sorted(env.items()) if _PATH_VARIABLES.match(k)}


def _stamp(info: os.stat_result) -> list[int]:
    return [stat.S_IFMT(info.st_mode) | stat.S_IMODE(info.st_mode), info.st_size,
            info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under `root` (not following links), folders included, in a stable order."""
    pending = [str(root)]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue  # compiled code comes and goes with imports; the sources are watched
            info = entry.stat(follow_symlinks=False)
            yield entry.path, info
            if stat.S_ISDIR(info.st_mode):
                pending.append(entry.path)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _record_path(path: str, info: os.stat_result | None, now_ns: int) -> list[Any]:
    if info is None:
        return [path, None]
    stamp = _stamp(info)
    racy = stat.S_ISREG(info.st_mode) and info.st_mtime_ns + RACY_NS > now_ns
    return [path, stamp, _digest(path) if racy else None]


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def snapshot(trees: Iterable[Path], files: Iterable[Path], now_ns: int) -> list[list[Any]]:
    """Stat entries for `trees` (walked whole: a new entry in them is a change) and `files`
    (single paths; absent ones must stay absent)."""
    tree_roots = sorted({str(t) for t in trees})
    entries: list[list[Any]] = []
    for root in tree_roots:
        entries.append([*_record_path(root, _lstat(root), now_ns), "tree"])
        entries.extend(_record_path(p, info, now_ns) for p, info in _walk(Path(root)))
    seen = {entry[0] for entry in entries}
    for path in sorted({str(f) for f in files} - seen):
        entries.append(_record_path(path, _lstat(path), now_ns))
    return entries


def record(file: Path, *, key: dict[str, Any], inputs: list[list[Any]],
           outputs: dict[Path, bytes | None], summary: list[str]) -> None:
    """Write the fingerprint: `inputs` as stat'ed before planning (a change during the run is a
    change); each output's stat now, with the digest of the bytes aiwg meant it to have, so an
    edit made since the write is caught by content."""
    from aiwg.atomic import atomic_write

    entries = list(inputs)
    seen = {entry[0] for entry in entries}
    for path, expected in sorted(outputs.items()):
        if str(path) in seen:
            continue
        info = _lstat(str(path))
        stamp = None if info is None else _stamp(info)
        digest = None if expected is None else hashlib.sha256(expected).hexdigest()
        if (info is None) != (expected is None):
            return  # not what the plan wrote: record nothing
        entries.append([str(path), stamp, digest])
    tree_roots = [entry[0] for entry in inputs if entry[-1:] == ["tree"]]
    document = {"format": FORMAT, "aiwg": __version__, "key": key, "trees": tree_roots,
                "entries": entries, "summary": summary}
    atomic_write(file, (json.dumps(document, separators=(",", ":")) + "\n").encode(), 0o644)


def _clock_ns(file: Path) -> int:
    """The filesystem's idea of now (a file's mtime), which is what later stats are compared to."""
    import time

    from aiwg.atomic import temp_name

    file.parent.mkdir(parents=True, exist_ok=True)
    probe = temp_name(file)  # a name the next run's leftover clean-up knows
    try:
        probe.write_bytes(b"")
        return max(os.stat(probe).st_mtime_ns, time.time_ns())
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def matches(file: Path, key: dict[str, Any]) -> list[str] | None:
    """The recorded summary when nothing changed since the fingerprint was written, else None."""
    try:
        document = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return None
    if (not isinstance(document, dict) or document.get("format") != FORMAT
            or document.get("aiwg") != __version__ or document.get("key") != key):
        return None
    try:
        recorded = {entry[0]: entry for entry in document["entries"]}
        for root in document["trees"]:
            if root not in recorded:
                return None
            if _lstat(root) is not None and any(p not in recorded for p, _ in _walk(Path(root))):
                return None  # something new in a watched folder
        for path, stamp, *digest in recorded.values():
            digest = [d for d in digest if d != "tree"]
            info = _lstat(path)
            if (info is None) != (stamp is None):
                return None
            if info is None:
                continue
            if _stamp(info) != stamp:
                return None
            if digest and digest[0] is not None and _digest(path) != digest[0]:
                return None
        summary = document["summary"]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return [str(line) for line in summary]


def forget(file: Path) -> None:
    """Called before a run writes anything: a fingerprint must never outlive the tree it saw."""
    with contextlib.suppress(FileNotFoundError):
        file.unlink()


# --- the runs that use it -----------------------------------------------------------------------


def _key(context: Context, scope: Scope) -> dict[str, Any]:
    return {"scope": scope, "root": str(context.project_root),
            "env": path_environment(context.env)}


def _file(context: Context, scope: Scope) -> Path:
    return file_for(context.state(scope).path)


def answer(context: Context, scope: Scope) -> list[str] | None:
    """A no-op sync's summary lines when the fingerprint still holds (project scope only)."""
    if scope != "project":
        return None
    return matches(_file(context, scope), _key(context, scope))


def before_writing(context: Context, scope: Scope) -> None:
    """Drop the record before a run writes (a no-op run has nothing to remove: it writes nothing)."""
    forget(_file(context, scope))


def watched_inputs(context: Context) -> list[list[Any]]:
    """What a run's result depends on, stat'ed before it plans (see `remember`)."""
    import aiwg
    from aiwg.library import default_layers
    from aiwg.resources import adapters_dir, builtin_library_dir

    config = context.config
    trees = {layer.path for layer in default_layers(context.project_root, config)}
    trees.update(context.project_root / Path(p).expanduser() for p in config.library_paths)
    if config.user_library:
        import platformdirs

        trees.add(platformdirs.user_data_path("aiwg") / "library")
    if config.builtin:
        with contextlib.suppress(FileNotFoundError):
            trees.add(builtin_library_dir())
    trees.update({adapters_dir(), Path(aiwg.__file__).parent})
    import time

    files = {context.project_root / "aiwg.toml", context.project_root / "pyproject.toml"}
    return snapshot(trees, files, time.time_ns())  # reads only: a failed run leaves no trace


def remember(context: Context, run: Run, inputs: list[list[Any]]) -> None:
    """Record the fingerprint after a run that left everything in sync for what a sync covers."""
    plan = run.plan
    configured = {context.registry.canonical(p) for p in context.config.platforms}
    if (run.scope != "project" or run.warnings
            or any(a.kind not in IN_SYNC_KINDS for a in plan.actions)
            or set(run.platforms) != plan.manifest_after.platforms() | configured):
        return
    state = context.state(run.scope)
    outputs: dict[Path, bytes | None] = {}
    for path, change in plan.files.items():
        outputs[change.destination] = change.after
        root = run.roots.get(path)
        if root is not None and root / path != change.destination:
            inputs = [*inputs, *snapshot((), {root / path}, 0)]  # the name, if it is a link
        # The folder too: a file appearing beside an output (a killed run's temp file) is news.
        inputs = [*inputs, *snapshot((), {change.destination.parent}, 0)]
    inputs = [*inputs, *snapshot((), {state.manifest_file, state.legacy_manifest_file}, 0)]
    counts = {p: sum(1 for a in plan.actions if p in a.platforms
                     and a.kind in ("create", "update", "unchanged")) for p in run.platforms}
    summary = [f"{p}: {n} unchanged" if n else f"{p}: nothing to do" for p, n in counts.items()]
    record(_file(context, run.scope), key=_key(context, run.scope), inputs=inputs,
           outputs=outputs, summary=summary)
