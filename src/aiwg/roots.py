"""The roots aiwg acts on, computed now: the project folder, or each platform's user folders.

Nothing aiwg reads back (a manifest, a cloned repository) may name a root: entries name a root
by id ("project", or "<platform>:<root>" in user scope) and this module says where that root is
today. Environment values that move a root are checked here, once: a path value is made absolute
against the current folder, and a value that is spliced into a path (a profile name) must be one
plain name, so no variable can steer aiwg outside the folder it names.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiwg.adapters import Adapter, RootSpec
from aiwg.errors import InputError

PROJECT_ROOT_ID = "project"


def _home(env: Mapping[str, str]) -> str:
    home = env.get("HOME") or env.get("USERPROFILE") or str(Path.home())
    return os.path.abspath(home)


def _env_value(spec: RootSpec, value: str, home: str) -> str:
    """The root a variable's value gives, or an InputError naming the variable."""
    if "\0" in value:
        raise InputError(f"{spec.env}: refusing a value with a NUL character")
    if spec.env_path.startswith("{env}"):
        # The value is a path: `~` is the home folder, a relative path is taken from the current
        # folder once (a later join must never prefix it again).
        if value == "~" or value.startswith("~/"):
            value = home + value[1:]
        return spec.env_path.replace("{env}", os.path.abspath(value))
    # The value is a part of a path (a profile name): one plain name, nothing that walks.
    if value in (".", "..") or "/" in value or "\\" in value:
        raise InputError(f"{spec.env}={value!r}: expected a plain name (no '/', '\\' or '..'), "
                         f"since it names a folder inside {spec.env_path.split('{env}')[0]}")
    return spec.env_path.replace("{env}", value)


def user_roots(adapter: Adapter, env: Mapping[str, str]) -> dict[str, str]:
    """Each user-scope root of the adapter as an absolute POSIX path, honouring its variable."""
    home = _home(env)
    roots: dict[str, str] = {}
    for name, spec in adapter.roots.items():
        raw = spec.default
        # The first variable set moves the root (OpenClaw: OPENCLAW_WORKSPACE_DIR, then a profile).
        for candidate in (spec, *spec.fallbacks):
            value = env.get(candidate.env) if candidate.env else None
            if value and value not in candidate.env_ignore:
                raw = _env_value(candidate, value, home)
                break
        if raw == "~" or raw.startswith("~/"):
            raw = home + raw[1:]
        roots[name] = posixpath.normpath(Path(raw).as_posix())
    return roots


def root_id(adapter_id: str, root_name: str) -> str:
    return f"{adapter_id}:{root_name}"


@dataclass
class RootTable:
    """Root id → absolute root now, for one scope. Only roots computed here are ever acted on."""

    scope: str
    project_root: str = ""
    adapters: Mapping[str, Adapter] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, dict[str, str]] = field(default_factory=dict)

    def _user(self, adapter_id: str) -> dict[str, str]:
        roots = self._cache.get(adapter_id)
        if roots is None:
            adapter = self.adapters.get(adapter_id)
            roots = {} if adapter is None else user_roots(adapter, self.env)
            self._cache[adapter_id] = roots
        return roots

    def path_of(self, ident: str) -> str | None:
        """Where the root named `ident` is now, or None when no adapter computes it."""
        if self.scope == "project":
            return self.project_root if ident == PROJECT_ROOT_ID else None
        adapter_id, _, name = ident.partition(":")
        return self._user(adapter_id).get(name)

    def for_platforms(self, platforms: Iterable[str]) -> dict[str, str]:
        """Every root id of these platforms and where it is now."""
        if self.scope == "project":
            return {PROJECT_ROOT_ID: self.project_root}
        return {root_id(p, name): path for p in platforms for name, path in self._user(p).items()}


def project_table(project_root: Path) -> RootTable:
    return RootTable("project", project_root=project_root.as_posix())
