"""MCP server entries in each platform's own spelling, from one library item."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiwg.adapters import McpShape
from aiwg.items import Item

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def translate_references(value: str, template: str) -> str:
    """Rewrite every `${NAME}` into the platform's reference syntax (`template` with VAR)."""
    return ENV_REFERENCE.sub(lambda m: template.replace("VAR", m.group(1)), value)


def _string_map(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): str(v) for k, v in raw.items()}


def _env_entries(env: Mapping[str, str], shape: McpShape) -> tuple[dict[str, Any], list[str]]:
    """The env part of an entry, and the variables this platform cannot express."""
    if shape.env_style == "map":
        return {shape.env_key: {k: translate_references(v, shape.env_ref) for k, v in env.items()}}, []
    # "forward": the platform passes named variables through from aiwg's caller's environment;
    # literal (non-secret) values still go into a plain env table.
    forwarded, literal, lost = [], {}, []
    for key, value in env.items():
        refs = ENV_REFERENCE.findall(value)
        if value == f"${{{key}}}":
            forwarded.append(key)
        elif not refs:
            literal[key] = value
        else:
            lost.append(key)
    entry: dict[str, Any] = {}
    if literal:
        entry["env"] = literal
    if forwarded:
        entry[shape.env_key] = forwarded
    return entry, lost


_BEARER = re.compile(r"^Bearer \$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def _header_names(headers: Mapping[str, str], shape: McpShape,
                  notes: list[str]) -> dict[str, Any]:
    """Headers for a platform that reads secrets from variables it is told the names of."""
    literal: dict[str, str] = {}
    from_env: dict[str, str] = {}
    entry: dict[str, Any] = {}
    for name, value in headers.items():
        whole = ENV_REFERENCE.fullmatch(value)
        bearer = _BEARER.match(value) if name.lower() == "authorization" else None
        if whole:
            from_env[name] = whole.group(1)
        elif bearer:
            entry["bearer_token_env_var"] = bearer.group(1)
        elif not ENV_REFERENCE.search(value):
            literal[name] = value
        else:
            notes.append(f"header {name} mixes text and a variable, which this platform "
                         "cannot express")
    if literal:
        entry[shape.headers_key] = literal
    if from_env:
        entry["env_http_headers"] = from_env
    return entry


def mcp_entry(item: Item, shape: McpShape) -> tuple[dict[str, Any], list[str]]:
    """The platform's entry for this server, and notes on what it could not carry."""
    meta = item.meta
    entry: dict[str, Any] = {}
    notes: list[str] = []
    if "url" in meta:
        if shape.remote_type:
            entry["type"] = shape.remote_type
        entry[shape.url_key] = translate_references(str(meta["url"]), shape.env_ref)
        headers = _string_map(meta.get("headers"))
        if headers and shape.headers_style == "env-names":
            entry.update(_header_names(headers, shape, notes))
        elif headers:
            entry[shape.headers_key] = {
                k: translate_references(v, shape.env_ref) for k, v in headers.items()
            }
        return entry, notes
    if shape.stdio_type:
        entry["type"] = shape.stdio_type
    command = str(meta.get("command", ""))
    # `${NAME}` in an argument (`--api-key ${API_KEY}`, the way validate asks for secrets) is
    # written in the platform's own reference syntax, like env values and headers.
    args = [translate_references(str(a), shape.env_ref) for a in meta.get("args") or []]
    if shape.command_style == "array":
        entry["command"] = [command, *args]
    else:
        entry["command"] = command
        if args:
            entry["args"] = args
    env = _string_map(meta.get("env"))
    if env:
        env_part, lost = _env_entries(env, shape)
        entry.update(env_part)
        notes.extend(f"env {key} refers to another variable's name, which this platform "
                     "cannot forward" for key in lost)
    return entry, notes
