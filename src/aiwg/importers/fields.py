"""An adapter's field map run backwards: a platform file's keys → the library item's fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aiwg.adapters import FieldSpec
from aiwg.library import LIST_FIELDS

# Item fields that hold lists besides the typed ones (agent tools).
_LIST_SOURCES = frozenset((*LIST_FIELDS, "tools"))


def _inverse(mapping: Mapping[str, Any]) -> dict[str, str]:
    """Platform value → library value; the first library value wins when several map to one."""
    inverse: dict[str, str] = {}
    for library_value, platform_value in mapping.items():
        inverse.setdefault(repr(platform_value), library_value)
    return inverse


def _unmapped(value: Any, mapping: Mapping[str, Any] | None) -> Any:
    if mapping is None:
        return value
    inverse = _inverse(mapping)
    if isinstance(value, list):
        return [inverse.get(repr(v), v) for v in value]
    return inverse.get(repr(value), value)


def _unstyled(value: Any, spec: FieldSpec) -> Any:
    if spec.style == "comma" and isinstance(value, str) and spec.source in _LIST_SOURCES:
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, tuple):
        return list(value)
    return value


def unmap_fields(specs: Iterable[FieldSpec], native: Mapping[str, Any]
                 ) -> tuple[dict[str, Any], str | None, dict[str, Any]]:
    """(item fields, body if a key carries it, the native keys no field maps)."""
    meta: dict[str, Any] = {}
    body: str | None = None
    scope: Any = None
    used: set[str] = set()
    for spec in specs:
        if spec.key not in native:
            continue
        used.add(spec.key)
        value = native[spec.key]
        if spec.value is not None or spec.source is None or (
                spec.default is not None and value == spec.default):
            continue  # a constant, or the default written for an empty field
        value = _unmapped(_unstyled(value, spec), spec.mapping)
        if spec.source == "body":
            body = str(value)
        elif spec.source == "scope":
            scope = value
        else:
            meta[spec.source] = value
    if scope == "always":
        meta["always"] = True
    elif scope is not None and not meta.get("globs"):
        meta["always"] = False
    leftovers = {k: v for k, v in native.items() if k not in used}
    return meta, body, leftovers
