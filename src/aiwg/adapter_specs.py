"""Typed specs of a platform adapter: what `adapters/<id>.toml` says, after validation.

Every fact aiwg knows about a platform (where it reads each kind, in which format, which other
files it loads, whether it is still alive, and how sure we are of each fact) is a value here.
`aiwg.adapter_loader` builds these from the TOML files; nothing in this module names a platform.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from aiwg.items import Kind

# The closed set of output formats the engine implements (see aiwg.formats).
PER_ITEM_FORMATS = ("markdown", "mdc", "toml", "json", "skill")
FORMATS = (*PER_ITEM_FORMATS, "block", "keys", "entries")
KEY_SYNTAXES = ("json", "jsonc", "json5", "toml", "yaml")
FIELD_STYLES = ("raw", "list", "comma", "string", "bool")
BUDGET_UNITS = ("bytes", "chars", "lines")
SCOPES = ("project", "user")
Status = Literal["active", "deprecated", "end-of-life"]
STATUSES: tuple[Status, ...] = ("active", "deprecated", "end-of-life")
# How a fact is known: the vendor's own docs or source, another tool's implementation, or
# seen with the real client.
Confidence = Literal["official", "peer", "observed"]
CONFIDENCES: tuple[Confidence, ...] = ("official", "peer", "observed")
# Where a read file is looked for: only where the path says ("root"); in every folder from the
# working folder up to the project root ("up"); in every subfolder too, loaded when the agent
# works there ("down"); or both ("tree", Claude Code's CLAUDE.md).
Walk = Literal["root", "up", "down", "tree"]
WALKS: tuple[Walk, ...] = ("root", "up", "down", "tree")
_TEMPLATE_VAR = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class FieldSpec:
    """One output key: where its value comes from and how it is written."""

    key: str
    source: str | None = None  # an item field, "scope", "body", or a frontmatter key
    style: str = "raw"
    mapping: Mapping[str, Any] | None = None  # translate the source value (e.g. scope names)
    default: Any = None  # used when the source is empty
    value: Any = None  # a constant


@dataclass(frozen=True)
class McpShape:
    """How one platform spells an MCP server entry."""

    container: tuple[str, ...]
    stdio_type: str | None = None
    remote_type: str | None = None
    command_style: str = "split"  # "split": command + args; "array": command = [cmd, *args]
    env_key: str = "env"
    env_style: str = "map"  # "map": env table of references; "forward": list of variable names
    url_key: str = "url"
    headers_key: str = "headers"
    # "map": headers with references in env_ref syntax; "env-names": the platform takes the
    # names of variables instead (`env_http_headers`, `bearer_token_env_var`), as Codex does.
    headers_style: str = "map"
    env_ref: str = "${VAR}"  # how an environment reference is written; VAR is the name


@dataclass(frozen=True)
class HookShape:
    """How one platform writes a hook: the list it goes in, and the shape of one entry."""

    container: tuple[str, ...]
    events: Mapping[str, str]  # aiwg's event name -> the platform's
    # "grouped": {matcher, hooks: [handler]} in a list per event; "flat": the handler itself in a
    # list per event; "listed": one list for every event, each entry naming its event (Kiro).
    shape: str = "grouped"
    event_key: str = "trigger"  # for "listed": the entry key that names the event
    command_key: str = "command"
    type_value: str | None = "command"  # the handler's `type`, when the platform wants one
    timeout_key: str | None = "timeout"
    matcher: bool = True  # whether the platform filters hooks by tool name
    extra: Mapping[str, Any] = field(default_factory=dict)  # constant keys on every handler
    version: int | str | None = None  # a top-level `version` the file must carry


@dataclass(frozen=True)
class IgnoreSpec:
    """Where the config's `ignore` patterns go: a managed block in an ignore file, or entries
    in a settings list (Claude Code's `permissions.deny`)."""

    format: str  # "block" or "entries"
    project: str | None = None
    user: str | None = None
    syntax: str | None = None
    container: tuple[str, ...] = ()
    template: str = "{pattern}"


@dataclass(frozen=True)
class RegisterSpec:
    """A platform that reads a file only when its config lists it (Aider's `read:`): aiwg adds
    the file it writes as an entry of that list."""

    project: str | None
    user: str | None
    syntax: str
    container: tuple[str, ...]


@dataclass(frozen=True)
class ReadSpec:
    """One file or glob a platform loads for a kind, whether aiwg writes it or not.

    `path` is a glob template: relative to the project at project scope, starting with a root
    (`{home}/…`) at user scope; `*` stays within one folder, `**` spans folders. The platform
    skips it when any `unless_exists` path exists (in the same folder or above it, e.g. Claude
    Code's AGENTS.md when a CLAUDE.md is there).
    """

    path: str
    unless_exists: tuple[str, ...] = ()
    walk: Walk = "root"
    note: str | None = None

    def pattern(self, values: Mapping[str, str] | None = None) -> str:
        """The glob with its template variables (roots, options) filled in."""
        filled = values or {}
        return _TEMPLATE_VAR.sub(lambda m: filled.get(m.group(1), m.group(0)), self.path)

    def matches(self, path: str, values: Mapping[str, str] | None = None) -> bool:
        """Whether `path` (written with '/') is one of the files this read loads."""
        return glob_regex(self.pattern(values)).fullmatch(path) is not None


@cache
def glob_regex(glob: str) -> re.Pattern[str]:
    """A glob as a regex: `**/` is zero or more folders, `**` anything, `*` one segment's text."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


@dataclass(frozen=True)
class Provenance:
    """How sure aiwg is of one kind's facts, and where they come from."""

    confidence: Confidence
    sources: tuple[str, ...]
    verified: str


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    format: str
    project: str | None = None
    user: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    arguments: str | None = None  # the platform's "all arguments" placeholder
    emulate: Kind | None = None  # render this kind through another kind's spec (e.g. command→skill)
    block: str = "aiwg"  # managed block id, for format "block"
    syntax: str | None = None  # for format "keys"
    mcp: McpShape | None = None
    hook: HookShape | None = None
    # Keys the file must carry besides aiwg's entries (e.g. a Continue block's name/version).
    constants: Mapping[str, Any] = field(default_factory=dict)
    container: tuple[str, ...] = ()  # for other kinds written as list entries (Roo's customModes)
    register: RegisterSpec | None = None
    # A platform whose user-scope file has another shape than its project files (Windsurf's
    # single global_rules.md against one file per rule): the format and budget used there.
    user_format: str | None = None
    user_budget: int | None = None
    comment: str = "html"  # marker style of a managed block
    budget: int | None = None  # size limit of an always-loaded output
    budget_unit: str = "bytes"
    extra_fields: bool = True  # pass keys from the item's platform override block through
    note: str | None = None  # said in the loss report (why emulated, what is reduced)
    provenance: Provenance | None = None  # None only for an emulated kind (it has its target's)
    # Files the platform loads for this kind per scope, besides or instead of aiwg's own;
    # empty means "exactly what aiwg writes" (see Adapter.reads).
    reads_project: tuple[ReadSpec, ...] | None = None
    reads_user: tuple[ReadSpec, ...] | None = None
    # The path is also written for this kind by other adapters (one shared output, e.g.
    # AGENTS.md or .agents/skills/); paths not declared shared are unique per (scope, kind).
    shared: bool = False


@dataclass(frozen=True)
class RootSpec:
    """A user-scope root folder and the environment variable that moves it."""

    name: str
    default: str
    env: str | None = None
    env_path: str = "{env}"
    env_ignore: tuple[str, ...] = ()
    # Further variables that move the root when `env` is unset, in order (OpenClaw's
    # OPENCLAW_WORKSPACE_DIR, then OPENCLAW_PROFILE).
    fallbacks: tuple[RootSpec, ...] = ()


@dataclass(frozen=True)
class OptionSpec:
    name: str
    default: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adapter:
    id: str
    name: str
    aliases: tuple[str, ...]
    detect: tuple[str, ...]
    roots: Mapping[str, RootSpec]
    kinds: Mapping[Kind, KindSpec]
    sources: tuple[str, ...]
    verified: str
    options: Mapping[str, OptionSpec] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    ignore: IgnoreSpec | None = None
    file: Path = Path("<memory>")
    status: Status = "active"
    successor: str | None = None  # the adapter id users should move to
    status_date: str | None = None  # when the status took effect (release or announcement)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def supports(self, kind: Kind, scope: str) -> bool:
        spec = self.kinds.get(kind)
        if spec is None:
            return False
        target = self.kinds.get(spec.emulate) if spec.emulate else spec
        return target is not None and self.path_template(target, scope) is not None

    def has_scope(self, scope: str) -> bool:
        return any(self.supports(kind, scope) for kind in self.kinds)

    @staticmethod
    def path_template(spec: KindSpec, scope: str) -> str | None:
        return spec.project if scope == "project" else spec.user

    def target_spec(self, kind: Kind) -> KindSpec | None:
        """The spec a kind is rendered through: its own, or its emulation target's."""
        spec = self.kinds.get(kind)
        if spec is not None and spec.emulate:
            return self.kinds.get(spec.emulate)
        return spec

    def provenance(self, kind: Kind) -> Provenance | None:
        spec = self.target_spec(kind)
        return spec.provenance if spec else None

    def reads(self, kind: Kind, scope: str) -> tuple[ReadSpec, ...]:
        """Every file the platform loads as `kind` at `scope`, whoever wrote it.

        Declared in the adapter where the platform reads more than aiwg writes (or reads it
        only under a condition); otherwise exactly the files aiwg writes there.
        """
        spec = self.target_spec(kind)
        if spec is None:
            return ()
        declared = spec.reads_project if scope == "project" else spec.reads_user
        if declared is not None:
            return declared
        written = written_glob(spec, self.path_template(spec, scope), scope)
        return (ReadSpec(path=written),) if written else ()


def written_glob(spec: KindSpec, template: str | None, scope: str) -> str | None:
    """The files aiwg writes for a kind, as a read glob (`{name}` → `*`, a skill's SKILL.md)."""
    if template is None:
        return None
    effective = spec.user_format if scope == "user" and spec.user_format else spec.format
    glob = template.replace("{name}", "*")
    return f"{glob}/SKILL.md" if effective == "skill" else glob
