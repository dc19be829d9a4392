"""Per-item files read back: Markdown with frontmatter, Cursor's `.mdc`, TOML documents, skills."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from aiwg.adapters import Adapter, KindSpec
from aiwg.errors import InputError, Problem
from aiwg.formats.skill import SPEC_KEYS
from aiwg.importers.fields import unmap_fields
from aiwg.importers.model import Imported
from aiwg.items import ARGUMENTS_PLACEHOLDER, COMMON_FIELDS, Kind
from aiwg.library import _parse_markdown


def _mdc(origin: str, text: str) -> tuple[dict[str, Any], str]:
    """Cursor's simplified YAML: `key: value` lines, values unquoted, booleans as words."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in (x.strip() for x in lines[1:]):
        return {}, text
    end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    fields: dict[str, Any] = {}
    for number, line in enumerate(lines[1:end], 2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise InputError(f"{origin}:{number}: expected 'key: value'")
        value = value.strip()
        fields[key.strip()] = {"true": True, "false": False}.get(value, value)
    return fields, "\n".join(lines[end + 1:]).lstrip("\n")


def _markdown(origin: str, text: str) -> tuple[dict[str, Any], str]:
    if not text.lstrip().startswith("---"):
        return {}, text  # no frontmatter: the whole file is the body
    parsed = _parse_markdown(Path(origin), text)
    if isinstance(parsed, Problem):
        raise InputError(str(parsed))
    return parsed


def _toml(origin: str, text: str) -> tuple[dict[str, Any], str]:
    try:
        return tomllib.loads(text), ""
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{origin}: not valid TOML: {error}") from None


def _json(origin: str, text: str) -> tuple[dict[str, Any], str]:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise InputError(f"{origin}: not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InputError(f"{origin}: expected a JSON object")
    return value, ""


def parse_native(spec: KindSpec, origin: str, text: str) -> tuple[dict[str, Any], str]:
    """(the file's keys, its body) in the kind's format."""
    text = text.replace("\r\n", "\n")
    if spec.format == "json":
        return _json(origin, text)
    if spec.format == "mdc":
        return _mdc(origin, text)
    if spec.format == "toml":
        return _toml(origin, text)
    return _markdown(origin, text)


def description_from(body: str) -> str:
    """A one-line description for an item whose file has none: its first sentence of prose."""
    for line in body.splitlines():
        words = line.strip().lstrip("#>-*").strip()
        if words and not words.startswith(("<!--", "```", "@")):
            sentence = words.split(". ")[0].rstrip(".")
            return (sentence[:117] + "...") if len(sentence) > 120 else sentence + "."
    return "Imported instructions."


def item_from_native(adapter: Adapter, spec: KindSpec, kind: Kind, name: str, origin: str,
                     text: str) -> Imported:
    """One item from one native file, its keys mapped back through the adapter's field map."""
    native, body = parse_native(spec, origin, text)
    if kind == "skill":
        mapped = {k: native[k] for k in SPEC_KEYS if k in native}
        leftovers = {k: v for k, v in native.items() if k not in SPEC_KEYS}
        carried = None
    else:
        mapped, carried, leftovers = unmap_fields(spec.fields, native)
    if carried is not None:
        body = carried
    if spec.arguments and spec.arguments != ARGUMENTS_PLACEHOLDER:
        body = body.replace(spec.arguments, ARGUMENTS_PLACEHOLDER)
    imported = Imported(kind, name, {}, body, origin)
    recorded = mapped.pop("name", name)
    if recorded != name:
        imported.notes.append(f"{origin}: its name {recorded!r} differs from the file name; "
                              f"imported as {name!r}")
    meta: dict[str, Any] = {"name": name}
    meta["description"] = mapped.pop("description", None) or description_from(body)
    meta.update(mapped)
    extras = {k: v for k, v in leftovers.items() if k not in COMMON_FIELDS}
    if extras and spec.extra_fields:
        meta[adapter.id] = extras  # passed through to this platform only
    elif leftovers:
        imported.notes.append(f"{origin}: keys {sorted(leftovers)} have no place in the "
                              "library and were left out")
    imported.meta = meta
    return imported
