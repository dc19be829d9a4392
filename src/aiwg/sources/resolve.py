"""From `[[sources]]` and `aiwg.lock` to library layers, and from a source to its lock entry.

Reading (every command): a source the lock pins is loaded from the cache at the locked commit
(fetched by that commit when the cache lacks it), and its items must hash to what the lock
says: a cached tree that does not is refused, whatever the mode. A source the lock does not
pin (missing lock, new entry, changed ref, new package version, edited folder) is fetched as
configured and deployed with a warning, or, with `--frozen` or when `CI` is set, refused with
one line before anything is fetched.

Locking (`aiwg add`, `aiwg update`): a source is resolved anew (its ref's commit now, the
installed version) and its items hashed into a LockEntry.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiwg.config import Config
from aiwg.errors import InputError
from aiwg.items import Item
from aiwg.library import Layer, Library, load_library
from aiwg.sources.digest import item_digests, total_digest
from aiwg.sources.lockfile import LOCK_FILE, Lock, LockEntry, lock_path, read_lock
from aiwg.sources.spec import SourceSpec
from aiwg.sources.taking import taker


def is_ci(env: Mapping[str, str]) -> bool:
    """CI services set `CI` (to "true", "1", ...); "false", "0" or empty mean no."""
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Located:
    """Where a source's items are on disk now, and what it resolved to."""

    path: Path
    commit: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class SourceState:
    spec: SourceSpec
    layer: Layer
    located: Located
    entry: LockEntry | None  # the lock entry in force; None when the lock does not pin it


@dataclass
class Sources:
    """The configured sources as layers, and what reading them had to warn about."""

    states: list[SourceState]
    frozen: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def layers(self) -> list[Layer]:
        return [state.layer for state in self.states]

    def verify(self, library: Library) -> None:
        """Each locked source's items must hash to the lock's sha256 (see the module doc)."""
        for state in self.states:
            if state.entry is None:
                continue
            found = total_digest(item_digests(
                (i for i in library.all_items() if i.layer == state.layer.name),
                state.located.path))
            if found == state.entry.sha256:
                continue
            name = state.spec.name
            if state.spec.kind == "folder":
                message = (f"source {name!r}: the folder {state.located.path} changed since "
                           f"{LOCK_FILE} was written (sha256 {found}, locked {state.entry.sha256})")
                self._unpinned(message, name)
                continue
            what = ("the cached tree" if state.spec.kind == "git"
                    else f"the installed package ({state.located.version})")
            raise InputError(f"source {name!r}: {what} at {state.located.path} has sha256 "
                             f"{found}, but {LOCK_FILE} says {state.entry.sha256}; it changed "
                             "after it was fetched, so aiwg refuses it (delete that folder to "
                             "fetch it again, or reinstall the package)")

    def _unpinned(self, message: str, name: str) -> None:
        advice = f"run `aiwg update {name}` and commit {LOCK_FILE}"
        if self.frozen:
            raise InputError(f"{message}; {advice} (--frozen and CI use only what the lock pins)")
        self.warnings.append(f"{message}: deployed as it is, unpinned; {advice}")


def open_sources(config: Config, base: Path, env: Mapping[str, str], *,
                 frozen: bool) -> Sources:
    """The sources of `config` as layers; `base` is where relative folders start."""
    folder = config.folder or base
    lock = read_lock(lock_path(folder))
    sources = Sources([], frozen)
    for spec in config.sources:
        entry = lock.entries.get(spec.name) if lock is not None else None
        stale = stale_reason(spec, entry, lock)
        if stale is not None and frozen:
            raise InputError(f"{LOCK_FILE}: {stale}; run `aiwg update {spec.name}` and commit "
                             f"{LOCK_FILE} (--frozen and CI never fetch what the lock does not "
                             "pin)")
        located = locate(spec, base, env, entry if stale is None else None)
        if stale is None and spec.kind == "package" and entry is not None \
                and entry.version != located.version:
            stale = (f"source {spec.name!r} is installed at version {located.version}, but "
                     f"{LOCK_FILE} pins {entry.version}")
            if frozen:
                raise InputError(f"{stale}; run `aiwg update {spec.name}` and commit {LOCK_FILE}")
        if stale is not None:
            what = f"commit {located.commit}" if located.commit else (
                f"version {located.version}" if located.version else str(located.path))
            sources.warnings.append(f"{stale}: deployed {what} unpinned; run `aiwg update "
                                    f"{spec.name}` and commit {LOCK_FILE}")
            entry = None
        sources.states.append(SourceState(spec, layer_of(spec, located.path),
                                          located, entry))
    return sources


def stale_reason(spec: SourceSpec, entry: LockEntry | None, lock: Lock | None) -> str | None:
    """Why the lock does not pin `spec` as configured, or None when it does."""
    if lock is None:
        return f"there is no {LOCK_FILE} to pin source {spec.name!r}"
    if entry is None:
        return f"{LOCK_FILE} does not pin source {spec.name!r}"
    wanted = spec.locked_fields()
    if dict(entry.spec) != wanted:
        changed = sorted(k for k in {*wanted, *entry.spec} if wanted.get(k) != entry.spec.get(k))
        parts = ", ".join(f"{k} {entry.spec.get(k)!r} -> {wanted.get(k)!r}" for k in changed)
        return f"aiwg.toml changed source {spec.name!r} since {LOCK_FILE} was written ({parts})"
    return None


def layer_of(spec: SourceSpec, path: Path) -> Layer:
    return Layer(spec.layer_name, path, take=taker(spec),
                 overrides=frozenset(f"source:{name}" for name in spec.overrides))


def locate(spec: SourceSpec, base: Path, env: Mapping[str, str],
           entry: LockEntry | None) -> Located:
    """Where the items of `spec` are: the locked commit's cached tree (fetched if absent), or,
    without an entry, the ref's commit now; the folder; the installed package's folder."""
    if spec.kind == "folder":
        return Located(base / Path(spec.location).expanduser())
    if spec.kind == "package":
        from aiwg.sources.packages import find_package

        library = find_package(spec.location, spec.name)
        return Located(library.folder(), version=library.version)
    from aiwg.sources import git
    from aiwg.sources.cache import GitCache

    runner = git.Git(env, spec.name)
    if entry is not None and entry.commit is not None:
        resolved = git.Resolved.locked(entry.commit, spec.ref)
    else:
        resolved = git.resolve(runner, spec.location, spec.ref)
    cache = GitCache.of(env, spec.location)
    tree = git.fetch_tree(runner, cache, spec.location, resolved, spec.path)
    return Located(tree, commit=resolved.commit)


@dataclass(frozen=True)
class Locked:
    """A source freshly locked: its entry and the items it gives (for the review list)."""

    spec: SourceSpec
    entry: LockEntry
    items: list[Item]
    problems: list[str]


def lock_source(spec: SourceSpec, base: Path, env: Mapping[str, str],
                platform_keys: Collection[str]) -> Locked:
    """Resolve `spec` anew and hash what it gives."""
    located = locate(spec, base, env, None)
    library = load_library([layer_of(spec, located.path)], platform_keys)
    items = list(library.all_items())
    digests = item_digests(items, located.path)
    entry = LockEntry(spec=spec.locked_fields(), sha256=total_digest(digests), items=digests,
                      commit=located.commit, version=located.version)
    return Locked(spec, entry, sorted(items, key=lambda i: i.id),
                  [str(problem) for problem in library.problems])
