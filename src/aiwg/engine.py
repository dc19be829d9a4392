"""The pipeline of one run: config + library → selection → render → plan (→ apply).

Commands call `prepare` and then print or apply the plan; nothing here prints.
"""

from __future__ import annotations

import os
import posixpath
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aiwg.adapters import Adapter, Registry, default_registry
from aiwg.config import USER_DEFAULTS, Config, load_config, load_user_config, user_config_dir
from aiwg.errors import InputError, UsageError
from aiwg.fingerprint import snapshot
from aiwg.items import Item
from aiwg.library import Library, default_layers, load_library
from aiwg.manifest import Entry, StateDir, load_manifest, project_state, user_state
from aiwg.measured import candidates, pinned_names, present, read_hosts
from aiwg.outputs import Output, RenderResult
from aiwg.parse_cache import ParseCache
from aiwg.plan import Flags, Plan, build_plan
from aiwg.render import Scope, Target, block_hosts, condition_places, render
from aiwg.roots import RootTable, project_table
from aiwg.select import select_items
from aiwg.validate import validate_library

if TYPE_CHECKING:
    from aiwg.sources.resolve import Sources

Mode = Literal["deploy", "sync", "remove"]


@dataclass
class Context:
    project_root: Path
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # A user-scope run reads the user's own config and libraries, never the project's, so
    # it gives the same result from any folder.
    scope: Scope = "project"
    # `--frozen`: use only what aiwg.lock pins (also when the environment sets CI).
    frozen: bool = False

    def for_scope(self, scope: Scope) -> Context:
        return self if scope == self.scope else replace(self, scope=scope)

    @cached_property
    def registry(self) -> Registry:
        return default_registry()

    @cached_property
    def config(self) -> Config:
        if self.scope == "user":
            return load_user_config(self.platform_names)
        return load_config(self.project_root, self.platform_names)

    @property
    def config_defaults(self) -> Config:
        """What a config file leaves unsaid means this in the context's scope."""
        return USER_DEFAULTS if self.scope == "user" else Config()

    @property
    def platform_names(self) -> dict[str, str]:
        """Every platform id and alias, lower case, to the id it means (for config checks)."""
        return {name.lower(): a.id for a in self.registry.adapters for name in a.names}

    @property
    def config_root(self) -> Path:
        """Where relative library paths and source folders start."""
        return self.project_root if self.scope == "project" else user_config_dir()

    @cached_property
    def sources(self) -> Sources | None:
        """The `[[sources]]` as layers (fetched into the cache if need be); None without any.

        Reading it checks the lock: with --frozen or CI, a source it does not pin fails here."""
        if not self.config.sources:
            return None
        from aiwg.sources.resolve import is_ci, open_sources

        return open_sources(self.config, self.config_root, self.env,
                            frozen=self.frozen or is_ci(self.env))

    @property
    def source_warnings(self) -> list[str]:
        return [] if self.sources is None else self.sources.warnings

    @cached_property
    def library(self) -> Library:
        sources = self.sources
        layers = default_layers(self.config_root, self.config, self.scope,
                                sources=sources.layers if sources else ())
        library = load_library(layers, self.registry.keys(), self.parse_cache)
        if sources is not None:
            sources.verify(library)  # a tampered cached tree is refused here
        return library

    @cached_property
    def parse_cache(self) -> ParseCache:
        """Parsed library files from earlier runs (project scope; see parse_cache)."""
        if self.scope != "project":
            return ParseCache.disabled()
        return ParseCache.load(project_state(self.project_root).path)

    def checked_library(self) -> Library:
        """The library, refusing to deploy one that has problems (each is printed by the CLI)."""
        problems = validate_library(self.library, set(self.registry.keys()))
        if problems:
            raise LibraryProblems(problems)
        return self.library

    def selection(self) -> list[Item]:
        return select_items(self.checked_library(), self.config.selection)

    def target(self, scope: Scope, aliases: Mapping[str, str] | None = None) -> Target:
        return Target(scope=scope, project_root=self.project_root, env=self.env,
                      options=self.config.platform_options, budgets=self.config.budgets,
                      ignore=tuple(self.config.ignore), aliases=aliases or {},
                      pinned=pinned_names(self.config), linguist=self.config.linguist)

    def state(self, scope: Scope) -> StateDir:
        """The scope's state folder, refused when it (or a file in it) is a symlink."""
        state = project_state(self.project_root) if scope == "project" else user_state()
        state.check()
        return state

    def roots(self, scope: Scope) -> RootTable:
        """The roots aiwg may act on in this scope, as computed now (never read from state)."""
        if scope == "project":
            return project_table(self.project_root)
        return RootTable("user", adapters={a.id: a for a in self.registry.adapters},
                         env=self.env)


class LibraryProblems(InputError):
    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__(f"the library has {len(self.problems)} problem(s); "
                         "fix them (see `aiwg validate`) before deploying")


@dataclass
class Run:
    """A planned run: what was rendered, for which platforms, and the plan to apply."""

    scope: Scope
    platforms: list[str]
    rendered: RenderResult
    plan: Plan
    roots: dict[str, Path]
    # Manifest entries not trusted (outside every root computed now) and shared sources the
    # lock does not pin: printed as warnings.
    warnings: list[str] = field(default_factory=list)
    # Stat entries (fingerprint.snapshot) of the files besides the outputs whose presence or
    # text the render read (block hosts, `unless_exists` conditions), taken before reading them.
    consulted: list[list[Any]] = field(default_factory=list)


def check_scope(adapters: Sequence[Adapter], scope: Scope) -> None:
    for adapter in adapters:
        if not adapter.has_scope(scope):
            other = "user" if scope == "project" else "project"
            raise UsageError(f"{adapter.name} has no {scope} scope: it reads nothing aiwg could "
                             f"write there; use --scope {other}")


def _platforms_for(context: Context, mode: Mode, requested: Sequence[str],
                   recorded: set[str]) -> list[str]:
    if mode == "sync":
        names = sorted(recorded | {context.registry.canonical(p) for p in
                                   context.config.platforms})
        if not names:
            raise UsageError("nothing to sync: no platform is deployed or listed in aiwg.toml; "
                             "run `aiwg deploy --platform ID` first")
        return names
    if not requested:
        raise UsageError("name at least one --platform (or --all); "
                         f"valid platforms: {', '.join(context.registry.ids())}")
    return [context.registry.get(p).id for p in requested]


def prepare(context: Context, scope: Scope, mode: Mode, requested: Sequence[str],
            flags: Flags | None = None) -> Run:
    """Render and reconcile; touches nothing on disk."""
    context = context.for_scope(scope)
    state = context.state(scope)
    manifest = load_manifest(state, scope, context.roots(scope))
    # A manifest may name a platform by an id that is now an alias (windsurf → devin).
    recorded = {context.registry.canonical(p) for p in manifest.platforms()}
    planned = _platforms_for(context, mode, requested, recorded)
    known = [p for p in planned if context.registry.find(p) is not None]
    check_scope([context.registry.get(p) for p in known if mode != "remove"], scope)
    # Shared files carry every contributor's part, so platforms already deployed are rendered
    # too; only outputs that involve a planned platform are acted on.
    render_ids = recorded - set(planned) if mode == "remove" else set(known) | recorded
    adapters = [a for a in context.registry.adapters if a.id in render_ids]
    items = context.selection() if adapters else []
    # What a client loads around aiwg's blocks counts against its budget; read it first.
    host_places = block_hosts(adapters, context.target(scope))
    conditions = condition_places(adapters, context.target(scope))
    # Stat'ed before they are read, so a fingerprint of this run sees a change made meanwhile.
    consulted = snapshot((), {*(Path(root) / path for path, root in host_places),
                              *(c for path in conditions
                                for c in candidates(path, context.project_root))},
                         time.time_ns())
    hosts = read_hosts(host_places)
    found = present(conditions, context.project_root)
    rendered = render(adapters, items, replace(context.target(scope), hosts=hosts, present=found))
    aliases = host_aliases(rendered.outputs)
    if aliases:
        hosts.update({alias: hosts[path] for path, alias in aliases.items() if path in hosts})
        rendered = render(adapters, items, replace(context.target(scope, aliases), hosts=hosts,
                                                   present=found))
    wanted = set(planned)
    considered: dict[str, Entry] = {e.identity: e for e in
                                    manifest.entries_for(context.registry.names_of(wanted))}
    desired: dict[str, Output]
    if mode == "remove":
        desired = {o.identity: o for o in rendered.outputs if o.identity in considered}
        # A platform that loaded items from a removed platform's file (Claude Code reading the
        # rules in Codex's AGENTS.md) gets its own files back in the same run.
        served = {p for e in considered.values() for p in e.platforms} - wanted
        desired.update({o.identity: o for o in rendered.outputs
                        if o.identity not in manifest.entries and served & set(o.platforms)})
    else:
        # An output another platform still reads stays desired even when a planned platform
        # dropped it, so a shared file is updated rather than deleted.
        desired = {o.identity: o for o in rendered.outputs
                   if wanted & set(o.platforms) or o.identity in considered}
    plan = build_plan(scope, state, manifest, desired, considered, flags or Flags())
    # Real roots: with a symlinked home, emptied folders are found below the real path.
    real = {root: Path(os.path.realpath(root)) for root in
            {o.root for o in desired.values()} | {e.root for e in considered.values()}}
    roots = {output.path: real[output.root] for output in desired.values()}
    roots.update({entry.path: real[entry.root] for entry in considered.values()})
    # A shared source deployed unpinned is said like an untrusted entry: once, as a warning.
    return Run(scope, planned, rendered, plan, roots,
               [*manifest.ignored, *context.source_warnings], consulted)


def host_aliases(outputs: Sequence[Output]) -> dict[str, str]:
    """Host paths (of blocks, keys, entries) that are symlinks to another file in the same root,
    mapped to that file's path: GEMINI.md -> AGENTS.md is one file with one block, not two."""
    aliases: dict[str, str] = {}
    for path, root in sorted({(o.path, o.root) for o in outputs if o.grain != "file"}):
        real_root = os.path.realpath(root)
        real = os.path.realpath(os.path.join(root, path))
        if not real.startswith(real_root + os.sep):
            continue  # leaves the root: planning refuses it with one line
        relative = os.path.relpath(real, real_root).replace(os.sep, "/")
        alias = posixpath.join(root, relative) if posixpath.isabs(path) else relative
        if alias != path:
            aliases[path] = alias
    return aliases
