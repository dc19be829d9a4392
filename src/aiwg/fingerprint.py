"""The last in-sync run's fingerprint: when nothing it depends on changed, a no-op `sync` or
`diff` answers without loading, rendering or planning anything (the entry point asks it before
typer or the engine are imported; see launch.py).

It is recorded after a deploy or sync that left every output exactly as rendered (no conflict,
no kept edit, nothing skipped or missing) for every platform a sync covers, and it lists the
stat of every file and folder that result depends on: each library layer (and each folder that
would become one if it appeared; shared sources' trees too), aiwg.toml, pyproject.toml and
aiwg.lock, the adapters, aiwg's own code,
the state folder, manifest and base store, the files the render consulted besides the outputs
(block hosts, `unless_exists` conditions in the project and every folder above it), every output
file, and every folder on the way to an output (by kind and inode: one swapped for a link to
elsewhere is a change); plus the environment values that can move a root. If any of them differs
— bytes, size, mtime, ctime, inode, mode, a file added to a library folder, a variable — the run
takes the full path.

Same size and same mtime is not the same file when the mtime is recent (git's "racily clean"
case: a second write within one timestamp tick keeps the mtime). An input stat'ed less than
RACY_NS after its mtime, and an output less than a tick after its mtime (see `_settle_ns`), is
recorded with its digest and compared by content every time; the others by stat, which includes
ctime, a time no tool can set back. Each output is read back when recorded, so an edit made
during the run is never vouched for. The record is removed before any run writes, so a run that
dies midway never leaves a fingerprint that vouches for a half-written tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiwg import __version__

if TYPE_CHECKING:
    from aiwg.engine import Context, Run
    from aiwg.render import Scope

FORMAT = 3
# The project scope's state folder (manifest.project_state), named here so the entry point can
# find the fingerprint without importing the manifest module.
STATE_FOLDER = ".aiwg"
# A stat younger than this when recorded may hide a later write within the same timestamp tick
# (coarse clocks, 2-second FAT times): such files are checked by their bytes.
RACY_NS = 3_000_000_000
# The same for a filesystem whose timestamps show sub-10 ms precision (see `_settle_ns`).
FINE_SETTLE_NS = 100_000_000
# Entry markers: a library (or code) folder walked whole; a folder on the way to an output.
# An output's entry also carries the digest of its bytes (see `known_outputs`).
TREE, PLACE, OUTPUT = "tree", "place", "output"
# Variables that can steer where outputs land or which library is read.
# CI too: under it, shared sources the lock does not pin are refused (sources.resolve.is_ci).
_PATH_VARIABLES = re.compile(r"^(HOME|USERPROFILE|APPDATA|LOCALAPPDATA|XDG_.*|AIWG_.*|.*_HOME|"
                             r".*_DIR|.*_PROFILE|.*CONFIG.*|.*_STATE_.*|CI)$")
# A line of a no-op sync's report and its style (None: plain).
Line = tuple[str, str | None]
IN_SYNC_KINDS = frozenset({"create", "update", "unchanged", "delete", "forget"})


FILE_NAME = "fingerprint.json"


def file_for(state_dir: Path) -> Path:
    return state_dir / "local" / FILE_NAME


def path_environment(env: dict[str, str] | Any) -> dict[str, str]:
    return {k: v for k, v in sorted(env.items()) if _PATH_VARIABLES.match(k)}


def _stamp(info: os.stat_result) -> list[int]:
    return [stat.S_IFMT(info.st_mode) | stat.S_IMODE(info.st_mode), info.st_size,
            info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result | None]]:
    """Every entry under `root`, folders included, in a stable order. A link is recorded as
    itself and, since the library reads through links, also as what it points to (a file by its
    own stat, absent ones as absent, a folder walked whole): editing the target of a rule linked
    in from outside the library changes nothing about the link itself."""
    pending = [str(root)]
    walked = {os.path.realpath(root)}
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
            elif stat.S_ISLNK(info.st_mode):
                target = os.path.realpath(entry.path)
                target_info = _lstat(target)
                yield target, target_info
                if (target_info is not None and stat.S_ISDIR(target_info.st_mode)
                        and target not in walked):
                    walked.add(target)  # a link back up the tree is walked once
                    pending.append(target)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _record_path(path: str, info: os.stat_result | None, now_ns: int) -> list[Any]:
    if info is None:
        return [path, None, None]
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
        entries.append([*_record_path(root, _lstat(root), now_ns), TREE])
        entries.extend(_record_path(p, info, now_ns) for p, info in _walk(Path(root)))
    seen = {entry[0] for entry in entries}
    for path in sorted({str(f) for f in files} - seen):
        entries.append(_record_path(path, _lstat(path), now_ns))
    return entries


def _now_on_disk(folder: Path) -> int | None:
    """The filesystem's idea of now (a new file's mtime), capped by the system clock: the
    earlier of the two, so a clock running ahead never makes a fresh file look settled."""
    import time

    from aiwg.atomic import temp_name

    probe = temp_name(folder / FILE_NAME)  # a name the next run's leftover clean-up knows
    try:
        probe.write_bytes(b"")
        return min(os.stat(probe).st_mtime_ns, time.time_ns())
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _settle_ns(mtimes: Iterable[int]) -> int:
    """How long after a write its mtime can still be shared by a later write: a timestamp tick.
    Files with sub-10 ms timestamps are on a clock that ticks at most every few milliseconds
    (0.1 s is ample); whole-second, 2-second (FAT) or 10 ms (exFAT) ones get the coarse margin."""
    return FINE_SETTLE_NS if any(m % 10_000_000 for m in mtimes) else RACY_NS


# What an earlier fingerprint knew of an output: its stamp, the digest to check it by when it
# was too fresh to trust its stat (else None), and the digest of its bytes.
Known = dict[str, tuple[list[int] | None, str | None, str | None]]


def _verified_outputs(outputs: dict[Path, bytes | None], skip: set[str], clock_folder: Path,
                      known: Known) -> list[list[Any]] | None:
    """Stat entries for the outputs, each checked to hold exactly the bytes aiwg meant it to
    have, else None: a person editing during the run gets no fingerprint. An output is read back
    after its stat (and stat'ed again after the read) unless the previous fingerprint already
    knew it by a settled stamp that still holds and by the same bytes: a file not written since
    a tick after it was checked has not changed. An output whose mtime is younger than a tick
    keeps its digest, since a later same-size write could share that mtime."""
    now = _now_on_disk(clock_folder)
    stats: list[tuple[str, bytes | None, os.stat_result | None]] = [
        (str(path), expected, _lstat(str(path)))
        for path, expected in sorted(outputs.items()) if str(path) not in skip]
    settle = _settle_ns([info.st_mtime_ns for _, _, info in stats if info is not None]
                        + ([now] if now is not None else []))
    entries: list[list[Any]] = []
    for path, expected, info in stats:
        if (info is None) != (expected is None):
            return None  # not what the plan wrote
        if info is None or expected is None:
            entries.append([path, None, None, OUTPUT, None])
            continue
        digest = hashlib.sha256(expected).hexdigest()
        stamp = _stamp(info)
        before = known.get(path)
        if before is None or before != (stamp, None, digest):  # not known settled: read back
            after = _lstat(path)
            if _digest(path) != digest or after is None or _stamp(after) != stamp:
                return None
        settled = now is not None and info.st_mtime_ns + settle <= now
        entries.append([path, stamp, None if settled else digest, OUTPUT, digest])
    return entries


def known_outputs(file: Path) -> Known:
    """What the fingerprint in `file` knew of each output (whether or not it still holds), read
    before a run removes it, so that run need not read back the outputs it did not touch."""
    document = _document(file)
    if document is None:
        return {}
    known: Known = {}
    with contextlib.suppress(KeyError, TypeError, ValueError):
        for path, stamp, racy, *marker in document["entries"]:
            if len(marker) == 2 and marker[0] == OUTPUT:
                known[str(path)] = (stamp, racy, marker[1])
    return known


def record(file: Path, *, valid_for: dict[str, Any], inputs: list[list[Any]], places: set[Path],
           outputs: dict[Path, bytes | None], summary: list[Line],
           known: Known | None = None) -> None:
    """Write the fingerprint: `inputs` as stat'ed before planning (a change during the run is a
    change); `places` (folders on the way to outputs) by kind and inode; each output as checked
    now against the bytes aiwg meant it to have (see `_verified_outputs`)."""
    from aiwg.atomic import atomic_write

    entries = list(inputs)
    seen = {entry[0] for entry in entries}
    checked = _verified_outputs(outputs, seen, file.parent, known or {})
    if checked is None:
        return
    entries.extend(checked)
    seen.update(entry[0] for entry in checked)
    for place in sorted({str(p) for p in places} - seen):
        info = _lstat(place)
        entries.append([place, None if info is None else _stamp(info), None, PLACE])
    tree_roots = [entry[0] for entry in inputs if entry[3:] == [TREE]]
    document = {"format": FORMAT, "aiwg": __version__, "key": valid_for, "trees": tree_roots,
                "entries": entries, "summary": summary}
    atomic_write(file, (json.dumps(document, separators=(",", ":")) + "\n").encode(), 0o644)


def _holds(entry: list[Any]) -> bool:
    """Whether one recorded entry still describes what is on disk."""
    path, stamp, digest, *marker = entry
    info = _lstat(path)
    if info is None or stamp is None:
        return info is None and stamp is None
    if marker == [PLACE]:  # a folder on the way: the same folder (not a link, not a copy)
        return [stat.S_IFMT(info.st_mode), info.st_ino] == [stat.S_IFMT(stamp[0]), stamp[4]]
    if _stamp(info) != stamp:
        return False
    return digest is None or _digest(path) == digest


_READ: dict[str, tuple[list[int], dict[str, Any]]] = {}


def _document(file: Path) -> dict[str, Any] | None:
    """The fingerprint document in `file` (of this format and version), parsed once a run: the
    entry point, the sync's own check and `known_outputs` all read it."""
    info = _lstat(str(file))
    if info is None:
        return None
    seen = _READ.get(str(file))
    if seen is not None and seen[0] == _stamp(info):
        return seen[1]
    try:
        document = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return None
    if (not isinstance(document, dict) or document.get("format") != FORMAT
            or document.get("aiwg") != __version__):
        return None
    _READ[str(file)] = (_stamp(info), document)
    return document


def matches(file: Path, valid_for: dict[str, Any]) -> list[Line] | None:
    """The recorded summary when nothing changed since the fingerprint was written, else None."""
    document = _document(file)
    if document is None or document.get("key") != valid_for:
        return None
    try:
        recorded = {entry[0]: entry for entry in document["entries"]}
        for root in document["trees"]:
            if root not in recorded:
                return None
            if _lstat(root) is not None and any(p not in recorded for p, _ in _walk(Path(root))):
                return None  # something new in a watched folder
        if not all(_holds(entry) for entry in recorded.values()):
            return None
        summary = document["summary"]
        return [(str(text), None if style is None else str(style)) for text, style in summary]
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def forget(file: Path) -> None:
    """Called before a run writes anything: a fingerprint must never outlive the tree it saw."""
    with contextlib.suppress(FileNotFoundError):
        file.unlink()


# --- the runs that use it -----------------------------------------------------------------------


def key(project_root: Path, env: Mapping[str, str],
        adapter_folders: Iterable[Path] | None = None) -> dict[str, Any]:
    """What a fingerprint is valid for: the project, the variables that move roots, and the
    folders the adapters are read from (by default, those that ship with aiwg)."""
    if adapter_folders is None:
        from aiwg.resources import adapters_dir

        adapter_folders = [adapters_dir()]
    return {"scope": "project", "root": str(project_root), "env": path_environment(env),
            "adapters": sorted({str(folder) for folder in adapter_folders})}


def _file(context: Context, scope: Scope) -> Path:
    return file_for(context.state(scope).path)


def answer_for(project_root: Path, env: Mapping[str, str]) -> list[Line] | None:
    """A no-op project sync's summary lines when the fingerprint still holds, else None. Needs
    only the root and the environment, so the entry point can ask before loading anything."""
    return matches(file_for(project_root / STATE_FOLDER), key(project_root, env))


def answer(context: Context, scope: Scope) -> list[Line] | None:
    """A no-op sync's summary lines when the fingerprint still holds (project scope only)."""
    if scope != "project":
        return None
    return answer_for(context.project_root, context.env)


def before_writing(context: Context, scope: Scope) -> None:
    """Drop the record before a run writes (a no-op run has nothing to remove: it writes nothing)."""
    forget(_file(context, scope))


def watched_inputs(context: Context) -> list[list[Any]]:
    """What a run's result depends on, stat'ed before it plans (see `remember`)."""
    import aiwg
    from aiwg.library import default_layers
    from aiwg.resources import builtin_library_dir

    config = context.config
    sources = context.sources.layers if context.sources else ()
    trees = {layer.path for layer in default_layers(context.project_root, config,
                                                    sources=sources)}
    trees.update(context.project_root / Path(p).expanduser() for p in config.library_paths)
    if config.user_library:
        import platformdirs

        trees.add(platformdirs.user_data_path("aiwg") / "library")
    if config.builtin:
        with contextlib.suppress(FileNotFoundError):
            trees.add(builtin_library_dir())
    # The folders the registry was read from (every adapter file, and any new one, matters).
    trees.update(Path(adapter.file).parent for adapter in context.registry.adapters)
    trees.add(Path(aiwg.__file__).parent)
    import time

    files = {context.project_root / "aiwg.toml", context.project_root / "pyproject.toml",
             context.project_root / "aiwg.lock"}
    return snapshot(trees, files, time.time_ns())  # reads only: a failed run leaves no trace


def _add_folders(places: set[Path], file: Path, root: Path) -> None:
    """Add the folders from `file`'s parent up to `root` (included; just the parent when `file`
    is not under `root`), stopping at one already added: outputs share most of their folders."""
    folder = file.parent
    inside = str(root) + os.sep
    while folder not in places:
        places.add(folder)
        if folder == root or not str(folder).startswith(inside):
            return
        folder = folder.parent


def known_before(context: Context, scope: Scope) -> Known:
    """What the current fingerprint knows of the outputs: read it before the run writes."""
    return known_outputs(_file(context, scope)) if scope == "project" else {}


def remember(context: Context, run: Run, inputs: list[list[Any]],
             notes: Iterable[str] = (), known: Known | None = None) -> None:
    """Record the fingerprint after a run that left everything in sync for what a sync covers;
    `notes` are the dim lines a no-op sync prints after the summary (what the filters left out);
    `known` what the previous fingerprint knew of the outputs (see `known_before`)."""
    plan = run.plan
    configured = {context.registry.canonical(p) for p in context.config.platforms}
    if (run.scope != "project" or run.warnings
            or any(a.kind not in IN_SYNC_KINDS for a in plan.actions)
            or set(run.platforms) != plan.manifest_after.platforms() | configured):
        return
    state = context.state(run.scope)
    state.local_dir.mkdir(parents=True, exist_ok=True)  # before the state folder is stat'ed
    outputs: dict[Path, bytes | None] = {}
    names: set[Path] = set()
    places: set[Path] = {state.local_dir}
    for path, change in plan.files.items():
        outputs[change.destination] = change.after
        root = run.roots.get(path)
        if root is not None and root / path != change.destination:
            names.add(root / path)  # the name, if it is a link
        # Every folder on the way, up to the root: one swapped for a link is news.
        _add_folders(places, change.destination, root or context.project_root)
    # The state folder's own stat changes when anything in it is added, removed or replaced
    # (a manifest or `local/` swapped for a link); the manifest and base store by their stat.
    names.update({state.path, state.manifest_file, state.legacy_manifest_file, state.bases_file})
    # A consulted block host that is an output is checked as an output (its bytes, read back).
    consulted = [entry for entry in run.consulted if Path(entry[0]) not in outputs]
    inputs = [*inputs, *consulted, *snapshot((), names - set(outputs), 0)]
    counts = {p: sum(1 for a in plan.actions if p in a.platforms
                     and a.kind in ("create", "update", "unchanged")) for p in run.platforms}
    # In the order a sync prints them (sorted), whichever run recorded them.
    summary: list[Line] = [(f"{p}: {n} unchanged" if n else f"{p}: nothing to do", None)
                           for p, n in sorted(counts.items())]
    summary.extend((note, "dim") for note in notes)
    folders = [Path(adapter.file).parent for adapter in context.registry.adapters]
    record(_file(context, run.scope), valid_for=key(context.project_root, context.env, folders),
           inputs=inputs, places=places, outputs=outputs, summary=summary, known=known)
