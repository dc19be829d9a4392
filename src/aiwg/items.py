"""The library's item model: one item per file, with typed common fields and three projections.

Items are immutable values. Everything a renderer needs is computed from them without disk
access, so rendering stays pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

Kind = Literal["rule", "agent", "command", "skill", "mcp", "hook"]
KINDS: tuple[Kind, ...] = ("rule", "agent", "command", "skill", "mcp", "hook")
# Kinds written as one YAML mapping per file (no Markdown body).
YAML_KINDS: tuple[Kind, ...] = ("mcp", "hook")
# aiwg's own names for hook events; each adapter maps them onto its platform's names.
HOOK_EVENTS: tuple[str, ...] = (
    "session-start", "session-end", "user-prompt", "pre-tool-use", "post-tool-use", "stop",
    "subagent-stop", "pre-compact", "notification",
)
# The folder of each kind inside a library layer.
KIND_DIRS: Mapping[Kind, str] = {
    "rule": "rules",
    "agent": "agents",
    "command": "commands",
    "skill": "skills",
    "mcp": "mcp",
    "hook": "hooks",
}
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
SEVERITY_RANK: Mapping[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

# How a rule is brought into an assistant's context.
Scope = Literal["always", "glob", "request"]
Level = Literal["index", "summary", "full"]
LEVELS: tuple[Level, ...] = ("index", "summary", "full")

# The single source form of "all the arguments the user typed" in command and skill bodies;
# each adapter translates it into its platform's placeholder.
ARGUMENTS_PLACEHOLDER = "$ARGUMENTS"


def estimate_tokens(text: str) -> int:
    """A cheap, deterministic token estimate (about four characters a token for English prose)."""
    return math.ceil(len(text) / 4)


@dataclass(frozen=True)
class Resource:
    """A file that travels with a skill: its path inside the skill folder, bytes and exec bit."""

    path: str
    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class Projection:
    text: str
    tokens: int

    @classmethod
    def of(cls, text: str) -> Projection:
        return cls(text, estimate_tokens(text))


@dataclass(frozen=True)
class Item:
    """One library item (a rule, agent, command, skill or MCP server)."""

    kind: Kind
    name: str
    description: str
    body: str = ""
    # Every frontmatter field as written, unknown ones included (platform override blocks excluded).
    meta: Mapping[str, Any] = field(default_factory=dict)
    # Platform id -> fields that replace the common ones for that platform only.
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: Path = Path("<memory>")
    layer: str = "builtin"
    resources: tuple[Resource, ...] = ()
    version: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    severity: str | None = None
    targets: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    always: bool | None = None
    requires: tuple[str, ...] = ()
    enhances: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def versioned_id(self) -> str:
        return f"{self.id}@{self.version}" if self.version else self.id

    @property
    def scope(self) -> Scope:
        """always: loaded every session; glob: attached for matching files; request: by description."""
        if self.always is True:
            return "always"
        if self.globs:
            return "glob"
        if self.always is False:
            return "request"
        return "always"

    def targets_platform(self, platform_id: str, aliases: tuple[str, ...] = ()) -> bool:
        """`targets` lists platform ids to include; `!id` excludes. No includes means every platform."""
        names = {platform_id, *aliases}
        includes = [t for t in self.targets if not t.startswith("!")]
        excludes = {t[1:] for t in self.targets if t.startswith("!")}
        if names & excludes:
            return False
        return not includes or bool(names & set(includes))

    def for_platform(self, platform_id: str, aliases: tuple[str, ...] = ()) -> Item:
        """This item as one platform sees it: its override block (keyed by the platform's id
        or an alias) applied to the common fields, and a per-platform `model` mapping
        (`model: {cursor: x, codex: y}`) narrowed to this platform's entry."""
        names = (platform_id, *aliases)
        block = next((self.overrides[name] for name in names if self.overrides.get(name)), {})
        model = self.meta.get("model")
        if not block and not isinstance(model, Mapping):
            return self
        changes: dict[str, Any] = {}
        meta = dict(self.meta)
        for key, value in block.items():
            meta[key] = value
            attr = _FIELD_ATTRS.get(key)
            if attr is not None:
                changes[attr] = _coerce_field(attr, value)
        model = meta.get("model")
        if isinstance(model, Mapping):
            chosen = next((model[name] for name in names if name in model), None)
            if chosen is None:
                del meta["model"]
            else:
                meta["model"] = chosen
        return replace(self, meta=meta, **changes)

    # --- projections -------------------------------------------------------------------------

    def index_line(self) -> str:
        severity = f", {self.severity}" if self.severity else ""
        return f"- **{self.name}** ({self.kind}{severity}): {self.description}"

    def summary_text(self) -> str:
        lines = [self.description]
        if self.checks:
            lines.append("")
            lines.append("Check:")
            lines.extend(f"- {check}" for check in self.checks)
        return "\n".join(lines)

    def projection(self, level: Level) -> Projection:
        if level == "index":
            return Projection.of(self.index_line())
        if level == "summary":
            return Projection.of(self.summary_text())
        return Projection.of(self.body)


# Frontmatter keys that map onto typed attributes of Item (others stay only in `meta`).
_FIELD_ATTRS: Mapping[str, str] = {
    "name": "name",
    "description": "description",
    "version": "version",
    "tags": "tags",
    "category": "category",
    "severity": "severity",
    "targets": "targets",
    "globs": "globs",
    "always": "always",
    "requires": "requires",
    "enhances": "enhances",
    "conflicts": "conflicts",
    "checks": "checks",
}
_TUPLE_ATTRS = {"tags", "targets", "globs", "requires", "enhances", "conflicts", "checks"}


def _coerce_field(attr: str, value: Any) -> Any:
    if attr in _TUPLE_ATTRS:
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        # Anything but a list is a type problem `validate` reports; it must not crash here.
        return tuple(str(v) for v in value if v is not None) if isinstance(value, list) else ()
    if attr == "version" and value is not None:
        return str(value)
    return value


COMMON_FIELDS: tuple[str, ...] = tuple(_FIELD_ATTRS)

_WHAT_TO_CHECK = re.compile(r"^#{1,6}\s+What to check\s*$", re.IGNORECASE | re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")


def checks_from_body(body: str) -> tuple[str, ...]:
    """The bullet points of a "What to check" section, used when frontmatter has no `checks`."""
    match = _WHAT_TO_CHECK.search(body)
    if match is None:
        return ()
    rest = body[match.end():]
    next_heading = _HEADING.search(rest)
    section = rest[: next_heading.start()] if next_heading else rest
    found = []
    for line in section.splitlines():
        bullet = _BULLET.match(line)
        if bullet:
            found.append(bullet.group(1))
    return tuple(found)
