"""MCP server entries read back from a platform's spelling; secrets become `${VAR}` references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiwg.adapters import McpShape
from aiwg.formats.mcp import ENV_REFERENCE
from aiwg.importers.model import Imported

_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH",
                          re.IGNORECASE)
_SECRET_VALUE = re.compile(r"^(gh[pousr]_|github_pat_|sk-|xox[abpr]-|glpat-|AKIA|AIza)")
_TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_\-\.+/=]{32,}$")
_BEARER = re.compile(r"^(Bearer|Token|Basic)\s+(\S+)$", re.IGNORECASE)


def looks_secret(name: str, value: str) -> bool:
    """A literal value that must not be written into the library."""
    if ENV_REFERENCE.search(value) or not value:
        return False
    if _SECRET_NAME.search(name) or _SECRET_VALUE.match(value):
        return True
    return bool(_TOKEN_LIKE.match(value)) and any(c.isdigit() for c in value) and any(
        c.isalpha() for c in value)


def _variable(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", "_".join(parts)).strip("_").upper()


def _from_platform(value: str, shape: McpShape) -> str:
    """The platform's reference syntax (`${env:VAR}`, `$VAR` …) back to `${VAR}`."""
    before, _, after = shape.env_ref.partition("VAR")
    pattern = re.escape(before) + r"([A-Za-z_][A-Za-z0-9_]*)" + re.escape(after)
    return re.sub(pattern, lambda m: "${" + m.group(1) + "}", value)


def _strings(raw: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


class _Secrets:
    def __init__(self, item: Imported) -> None:
        self.item = item

    def env(self, name: str, value: str) -> str:
        if not looks_secret(name, value):
            return value
        self.item.notes.append(f"{self.item.id}: env {name} held a secret; written as "
                               f"${{{name}}} (set {name} in your environment)")
        return "${" + name + "}"

    def header(self, header: str, value: str) -> str:
        bearer = _BEARER.match(value)
        secret = bearer.group(2) if bearer else value
        if not looks_secret(header, secret) and not (bearer and not ENV_REFERENCE.search(secret)):
            return value
        variable = _variable(self.item.name, "token" if bearer else header)
        self.item.notes.append(f"{self.item.id}: header {header} held a secret; written as "
                               f"${{{variable}}} (set {variable} in your environment)")
        reference = "${" + variable + "}"
        return f"{bearer.group(1)} {reference}" if bearer else reference

    def argument(self, value: str) -> str:
        flag, sep, secret = value.partition("=")
        if not _SECRET_VALUE.match(secret if sep else value):
            return value
        variable = _variable(self.item.name, "token")
        self.item.notes.append(f"{self.item.id}: an argument held a secret; written as "
                               f"${{{variable}}} (set {variable} in your environment)")
        return f"{flag}=${{{variable}}}" if sep else "${" + variable + "}"


def item_from_entry(name: str, entry: Mapping[str, Any], shape: McpShape,
                    origin: str) -> Imported:
    """The library item for one server entry of a platform's MCP config."""
    item = Imported("mcp", name, {}, origin=origin)
    secrets = _Secrets(item)
    meta: dict[str, Any] = {"name": name, "description": f"The {name} MCP server."}
    rest = dict(entry)
    if rest.get("type") in (shape.stdio_type, shape.remote_type) and rest.get("type"):
        rest.pop("type")
    if shape.url_key in rest:
        meta["url"] = _from_platform(str(rest.pop(shape.url_key)), shape)
        headers = {k: _from_platform(v, shape)
                   for k, v in _strings(rest.pop(shape.headers_key, {})).items()}
        for header, variable in _strings(rest.pop("env_http_headers", {})).items():
            headers[header] = "${" + variable + "}"
        if "bearer_token_env_var" in rest:
            headers["Authorization"] = "Bearer ${" + str(rest.pop("bearer_token_env_var")) + "}"
        if headers:
            meta["headers"] = {k: secrets.header(k, v) for k, v in headers.items()}
    elif "command" in rest:
        command = rest.pop("command")
        args = [str(a) for a in rest.pop("args", None) or []]
        if isinstance(command, list):
            command, args = str(command[0]) if command else "", [str(a) for a in command[1:]]
        meta["command"] = str(command)
        if args:
            meta["args"] = [secrets.argument(a) for a in args]
        env: dict[str, str] = {}
        if shape.env_style == "forward":
            forwarded = rest.pop(shape.env_key, [])
            env.update({str(v): "${" + str(v) + "}" for v in forwarded or []})
            env.update(_strings(rest.pop("env", {})))
        else:
            env.update({k: _from_platform(v, shape)
                        for k, v in _strings(rest.pop(shape.env_key, {})).items()})
        if env:
            meta["env"] = {k: secrets.env(k, v) for k, v in env.items()}
    else:
        item.notes.append(f"{origin}: server {name!r} has neither a command nor a url; skipped")
    if rest:
        item.notes.append(f"{origin}: server {name!r}: keys {sorted(rest)} have no place in the "
                          "library and were left out")
    item.meta = meta
    return item
