"""The frontmatter fields of library items, per kind: the one model `aiwg.validate` takes its
known fields and typo rule from and `aiwg schema rule|agent|…` is generated from.

Frontmatter is open by design (a field aiwg does not know is kept and passed where a platform
has a place for it), so what is refused is a key one edit away from a known one: a typo. The
validator also checks what JSON Schema cannot say (the name equals the file name, relations
resolve, no literal secrets, no marker lines in a body).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from aiwg.items import COMMON_FIELDS, HOOK_EVENTS, SEVERITIES, Kind
from aiwg.model import BOOLEAN, NON_EMPTY, POSITIVE_INT, STRING, STRINGS, Key, Schema, one_of
from aiwg.model import escape as _escape
from aiwg.model import typo_pattern as _typo_pattern

SKILL_NAME_MAX = 64
# File systems allow 255 bytes per file name; the longest suffix an adapter puts after an item
# name is far below 255 - 128 (tests/test_validate.py checks every adapter's templates), so a
# valid name can never fail a deploy half-way with "file name too long".
ITEM_NAME_MAX = 128
SKILL_DESCRIPTION_MAX = 1024
# The Agent Skills spec's name rule, and a looser one for other kinds that is still safe to use
# as a file name on every platform.
SKILL_NAME = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ITEM_NAME = r"^[a-z0-9][a-z0-9._-]*$"
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"

# A list field: a YAML list of strings, or one comma-separated string.
LIST: Schema = {"anyOf": [STRING, STRINGS]}
ONE_LINE: Schema = {"type": "string", "pattern": r"^\s*\S[^\n]*\s*$"}

COMMON: Mapping[str, Key] = {
    "name": Key("The item's name; equals its file name (a skill: its folder name).", NON_EMPTY),
    "description": Key("One line: the trigger text and the index line.", ONE_LINE),
    "version": Key("The item's own version, recorded in the manifest.",
                   {"type": ["string", "number"]}),
    "tags": Key("Selection tags ([select] tags); the built-in items tagged core deploy by "
                "default.", LIST),
    "category": Key("Grouping in listings.", NON_EMPTY),
    "severity": Key("Rules: how much it matters; decides what stays in full when a budget is "
                    "tight.", one_of(SEVERITIES)),
    "targets": Key("Only these platform ids; `!id` excludes one.", LIST),
    "globs": Key("A rule that applies only to files matching these globs.", LIST),
    "always": Key("true: always loaded; false with no globs: loaded when the agent judges it "
                  "relevant.", BOOLEAN),
    "requires": Key("Items deployed with this one (name or kind/name).", LIST),
    "enhances": Key("Items this one adds to (name or kind/name).", LIST),
    "conflicts": Key("Items this one must not be deployed with (name or kind/name).", LIST),
    "checks": Key("What a reviewer checks; else the body's \"What to check\" bullets.", LIST),
}

# Fields that are not common but that platforms have a place for; a key one edit from one of
# these is a typo of it. `mode` (OpenCode agents) is here because it is one letter from `model`.
EXTRA: Mapping[str, Key] = {
    "tools": Key("An agent's tools.", LIST),
    "model": Key("A model name, or platform ids -> model names.", {}),
    "mode": Key("OpenCode's agent mode.", {}),
    "argument-hint": Key("A command's argument hint.", NON_EMPTY),
    "factor": Key("The Twelve-Factor factor a rule comes from.", {}),
    "license": Key("A skill's license.", {}),
    "compatibility": Key("A skill's compatibility note.", {}),
    "metadata": Key("A skill's metadata.", {}),
    "allowed-tools": Key("A skill's allowed tools.", LIST),
    "command": Key("MCP: the server's command; hook: the command to run.", {}),
    "args": Key("MCP: the command's arguments.", {}),
    "env": Key("MCP: environment variables, secrets as ${NAME} references.", {}),
    "url": Key("MCP: a remote server's URL.", {}),
    "headers": Key("MCP: a remote server's HTTP headers, secrets as ${NAME} references.", {}),
    "event": Key("Hook: the event it runs on.", {}),
    "matcher": Key("Hook: the tool-name pattern it runs for.", {}),
    "timeout": Key("Hook: seconds before it is stopped.", {}),
}
KNOWN_FIELDS: tuple[str, ...] = (*COMMON_FIELDS, *EXTRA)

# What each kind adds at the top of its file (platform blocks do not carry these).
_KIND_FIELDS: Mapping[str, Mapping[str, Schema]] = {
    "mcp": {
        "command": NON_EMPTY,
        "args": STRINGS,
        "url": {"type": "string", "pattern": "^https?://"},
        "env": {"type": "object", "propertyNames": {"pattern": ENV_NAME},
                "additionalProperties": STRING},
        "headers": {"type": "object", "additionalProperties": STRING},
    },
    "hook": {
        "event": one_of(HOOK_EVENTS),
        "command": {"type": "string", "minLength": 1},
        "matcher": STRING,
        "timeout": {"anyOf": [POSITIVE_INT, {"type": "null"}]},
    },
}
_KIND_RULES: Mapping[str, Schema] = {
    "mcp": {"oneOf": [{"required": ["command"]}, {"required": ["url"]}]},
    "hook": {"required": ["event", "command"]},
}


def typo_rule(known: Collection[str]) -> Schema:
    """Keys allowed by name, or anything that is not one edit away from a known key."""
    return {"anyOf": [{"enum": sorted(known)}, {"not": {"pattern": _typo_pattern(known)}}]}


def _name(kind: Kind) -> Schema:
    if kind == "skill":
        return {"type": "string", "pattern": SKILL_NAME, "maxLength": SKILL_NAME_MAX}
    return {"type": "string", "pattern": ITEM_NAME, "maxLength": ITEM_NAME_MAX,
            "not": {"pattern": r"\.\."}}


def _targets(platforms: Collection[str]) -> Schema:
    """Platform ids (`!id` excludes one), as a list or one comma-separated string."""
    names = "|".join(sorted((_escape(name) for name in platforms), key=lambda n: (-len(n), n)))
    one = f"!?(?:{names})"
    return {"anyOf": [
        {"type": "string", "pattern": rf"^\s*(?:{one}\s*)?(?:,\s*(?:{one}\s*)?)*$"},
        {"type": "array", "items": {"type": "string", "pattern": f"^{one}$"}},
    ]}


def _fields(kind: Kind, top: bool, platforms: Collection[str]) -> dict[str, Schema]:
    fields = {name: key.json_schema() for name, key in {**COMMON, **EXTRA}.items()}
    fields["name"] = {**fields["name"], **_name(kind)}
    fields["targets"] = {"description": COMMON["targets"].description, **_targets(platforms)}
    if kind == "skill":
        fields["description"] = {**fields["description"], "maxLength": SKILL_DESCRIPTION_MAX}
    if top:
        for name, schema in _KIND_FIELDS.get(kind, {}).items():
            fields[name] = {**fields[name], **schema}
    return fields


def frontmatter_schema(kind: Kind, platforms: Collection[str]) -> Schema:
    """The JSON Schema of one kind's frontmatter (the whole YAML file for mcp and hook);
    `platforms` are the ids and aliases an override block may be keyed by."""
    override: Schema = {
        "type": "object",
        "description": "Fields that replace the common ones for this platform only; others are "
                       "passed to the platform's own frontmatter.",
        "properties": {**_fields(kind, top=False, platforms=platforms),
                       "model": {"description": EXTRA["model"].description, **NON_EMPTY}},
        "propertyNames": typo_rule(KNOWN_FIELDS),
    }
    properties = _fields(kind, top=True, platforms=platforms)
    properties["model"] = {
        "description": EXTRA["model"].description,
        "anyOf": [NON_EMPTY, {"type": "object", "propertyNames": one_of(sorted(platforms)),
                              "additionalProperties": NON_EMPTY}],
    }
    for platform in sorted(platforms):
        properties.setdefault(platform, {"$ref": "#/definitions/platform-block"})
    return {
        "type": "object",
        "properties": properties,
        "required": ["name", "description"],
        "propertyNames": typo_rule((*KNOWN_FIELDS, *sorted(platforms))),
        **_KIND_RULES.get(kind, {}),
        "definitions": {"platform-block": override},
    }
