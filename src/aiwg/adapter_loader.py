"""Read `adapters/<id>.toml` into the typed specs of `aiwg.adapter_specs`, refusing anything
malformed with one line that names the file, the line, the field and what was expected."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiwg.adapter_model import ADAPTER, FIELD, HOOK, IGNORE, KIND, MCP, OPTION, READ, READS, REGISTER, ROOT
from aiwg.adapter_specs import (
    BUDGET_UNITS,
    CONFIDENCES,
    FIELD_STYLES,
    FORMATS,
    KEY_SYNTAXES,
    STATUSES,
    WALKS,
    Adapter,
    FieldSpec,
    HookShape,
    IgnoreSpec,
    KindSpec,
    McpShape,
    OptionSpec,
    Provenance,
    ReadSpec,
    RegisterSpec,
    RootSpec,
    written_glob,
)
from aiwg.config import find_line
from aiwg.errors import InputError
from aiwg.items import HOOK_EVENTS, KINDS, Kind
from aiwg.model import Table, type_problem

# Template variables every path may use besides root and option names.
_ITEM_VARS = {"name"}
_TEMPLATE_VAR = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class AdapterFile:
    """An adapter file and its text, so that a message can point at the line of a field."""

    path: Path
    text: str = ""

    @property
    def stem(self) -> str:
        return self.path.stem

    def __str__(self) -> str:
        return str(self.path)

    def line_of(self, where: str) -> int | None:
        """The line that sets `where` (a dotted field path such as `kinds.rule.format`), or of
        the nearest enclosing table or key that the file spells out."""
        # The same TOML line scanner that points config errors at their line.
        return find_line(self.text, tuple(re.sub(r"\[\d+\]", "", where).split(".")))


class AdapterError(InputError):
    pass


def _fail(file: AdapterFile, message: str) -> AdapterError:
    """`message` starts with the dotted field it is about ("kinds.rule.format: …")."""
    line = file.line_of(message.split(":", 1)[0].split(" ", 1)[0])
    return AdapterError(f"{file}:{line}: {message}" if line else f"{file}: {message}")




def _check_keys(file: AdapterFile, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {sorted(allowed)}"
            raise _fail(file, f"{where}: unknown key {key!r}{hint}")


def _check_table(file: AdapterFile, where: str, raw: Mapping[str, Any], model: Table) -> None:
    """Only the model's keys, each of the JSON type the model gives it (enums, patterns and
    ranges are checked where the value is read, with messages that name the choices)."""
    _check_keys(file, where, raw, set(model.names))
    for key, value in raw.items():
        problem = type_problem(model.keys[key], value)
        if problem is not None:
            dotted = key if where == "adapter" else f"{where}.{key}"
            raise _fail(file, f"{dotted}: {problem}, got {value!r}")


def _str(file: AdapterFile, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(file, f"{where}: expected a non-empty string, got {value!r}")
    return value


def _str_list(file: AdapterFile, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(file, f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _parse_field(file: AdapterFile, where: str, key: str, raw: Any) -> FieldSpec:
    if isinstance(raw, str):
        return FieldSpec(key=key, source=raw)
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}.{key}: expected a table or a source field name")
    _check_table(file, f"{where}.{key}", raw, FIELD)
    style = raw.get("as", "raw")
    if style not in FIELD_STYLES:
        raise _fail(file, f"{where}.{key}.as: expected one of {list(FIELD_STYLES)}, got {style!r}")
    if "from" not in raw and "value" not in raw:
        raise _fail(file, f"{where}.{key}: needs 'from' or 'value'")
    mapping = raw.get("map")
    if mapping is not None and not isinstance(mapping, dict):
        raise _fail(file, f"{where}.{key}.map: expected a table")
    return FieldSpec(key=key, source=raw.get("from"), style=style, mapping=mapping,
                     default=raw.get("default"), value=raw.get("value"))


def _parse_mcp(file: AdapterFile, where: str, raw: Any) -> McpShape:
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a table")
    _check_table(file, where, raw, MCP)
    container = raw.get("container")
    if isinstance(container, str):
        container = container.split(".")
    shape = McpShape(container=_str_list(file, f"{where}.container", container),
                     **{k: v for k, v in raw.items() if k != "container"})
    if shape.command_style not in ("split", "array"):
        raise _fail(file, f"{where}.command_style: expected 'split' or 'array'")
    if shape.env_style not in ("map", "forward"):
        raise _fail(file, f"{where}.env_style: expected 'map' or 'forward'")
    if shape.headers_style not in ("map", "env-names"):
        raise _fail(file, f"{where}.headers_style: expected 'map' or 'env-names'")
    if not isinstance(shape.env_ref, str) or "VAR" not in shape.env_ref:
        raise _fail(file, f"{where}.env_ref: expected a template containing VAR, e.g. '${{VAR}}'")
    return shape


def _container(file: AdapterFile, where: str, raw: Any) -> tuple[str, ...]:
    return _str_list(file, where, raw.split(".") if isinstance(raw, str) else raw)


def _parse_hook(file: AdapterFile, where: str, raw: Any) -> HookShape:
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a table")
    _check_table(file, where, raw, HOOK)
    events = raw.get("events")
    if not isinstance(events, dict) or not all(isinstance(v, str) for v in events.values()):
        raise _fail(file, f"{where}.events: expected a table of aiwg event -> platform event")
    unknown = sorted(set(events) - set(HOOK_EVENTS))
    if unknown:
        raise _fail(file, f"{where}.events: unknown aiwg events {unknown}; "
                          f"expected some of {list(HOOK_EVENTS)}")
    shape = HookShape(container=_container(file, f"{where}.container", raw.get("container")),
                      events=events, **{k: v for k, v in raw.items()
                                        if k not in ("container", "events")})
    if shape.shape not in ("grouped", "flat", "listed"):
        raise _fail(file, f"{where}.shape: expected 'grouped', 'flat' or 'listed'")
    return shape


def _parse_ignore(file: AdapterFile, raw: Any) -> IgnoreSpec:
    if not isinstance(raw, dict):
        raise _fail(file, "ignore: expected a table")
    _check_table(file, "ignore", raw, IGNORE)
    fmt = raw.get("format")
    if fmt not in ("block", "entries"):
        raise _fail(file, f"ignore.format: expected 'block' or 'entries', got {fmt!r}")
    if fmt == "entries" and raw.get("syntax") not in KEY_SYNTAXES:
        raise _fail(file, f"ignore.syntax: expected one of {list(KEY_SYNTAXES)}")
    if "{pattern}" not in raw.get("template", "{pattern}"):
        raise _fail(file, "ignore.template: must contain {pattern}")
    return IgnoreSpec(format=fmt, project=raw.get("project"), user=raw.get("user"),
                      syntax=raw.get("syntax"),
                      container=_container(file, "ignore.container", raw.get("container", [])),
                      template=raw.get("template", "{pattern}"))


def _parse_register(file: AdapterFile, where: str, raw: Any) -> RegisterSpec:
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a table")
    _check_table(file, where, raw, REGISTER)
    if raw.get("syntax") not in KEY_SYNTAXES:
        raise _fail(file, f"{where}.syntax: expected one of {list(KEY_SYNTAXES)}")
    return RegisterSpec(project=raw.get("project"), user=raw.get("user"), syntax=raw["syntax"],
                        container=_container(file, f"{where}.container", raw.get("container")))


def _bool(file: AdapterFile, where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(file, f"{where}: expected true or false, got {value!r}")
    return value


def _date(file: AdapterFile, where: str, value: Any) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _fail(file, f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    return value


def _parse_provenance(file: AdapterFile, where: str, raw: Mapping[str, Any],
                      verified: str) -> Provenance:
    confidence = raw.get("confidence")
    if confidence not in CONFIDENCES:
        raise _fail(file, f"{where}.confidence: expected one of {list(CONFIDENCES)} (how the "
                          f"facts of this kind are known), got {confidence!r}")
    sources = _str_list(file, f"{where}.sources", raw.get("sources"))
    if not sources:
        raise _fail(file, f"{where}.sources: expected at least one source for this kind")
    return Provenance(confidence=confidence, sources=sources,
                      verified=_date(file, f"{where}.verified", raw.get("verified", verified)))


def _parse_read(file: AdapterFile, where: str, raw: Any) -> ReadSpec:
    if isinstance(raw, str):
        raw = {"path": raw}
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a path or a table with 'path'")
    _check_table(file, where, raw, READ)
    walk = raw.get("walk", "root")
    if walk not in WALKS:
        raise _fail(file, f"{where}.walk: expected one of {list(WALKS)}, got {walk!r}")
    note = raw.get("note")
    return ReadSpec(path=_str(file, f"{where}.path", raw.get("path")),
                    unless_exists=_str_list(file, f"{where}.unless_exists",
                                            raw.get("unless_exists", [])),
                    walk=walk, note=_str(file, f"{where}.note", note) if note else None)


def _parse_reads(file: AdapterFile, where: str, raw: Any) -> dict[str, tuple[ReadSpec, ...]]:
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a table with 'project' and/or 'user' lists")
    _check_table(file, where, raw, READS)
    reads: dict[str, tuple[ReadSpec, ...]] = {}
    for scope, entries in raw.items():
        if not isinstance(entries, list):
            raise _fail(file, f"{where}.{scope}: expected a list of paths or tables")
        reads[scope] = tuple(_parse_read(file, f"{where}.{scope}[{i}]", entry)
                             for i, entry in enumerate(entries))
    return reads


def _parse_kind(file: AdapterFile, kind: Kind, raw: Any, verified: str) -> KindSpec:
    where = f"kinds.{kind}"
    if not isinstance(raw, dict):
        raise _fail(file, f"{where}: expected a table")
    _check_table(file, where, raw, KIND)
    fmt = raw.get("format")
    emulate = raw.get("emulate")
    if emulate is not None:
        if emulate not in KINDS or emulate == kind:
            raise _fail(file, f"{where}.emulate: expected another kind, got {emulate!r}")
        fmt = fmt or "emulated"
    elif fmt not in FORMATS:
        raise _fail(file, f"{where}.format: expected one of {list(FORMATS)}, got {fmt!r}")
    fields_raw = raw.get("fields", {})
    if not isinstance(fields_raw, dict):
        raise _fail(file, f"{where}.fields: expected a table")
    fields = tuple(_parse_field(file, f"{where}.fields", k, v) for k, v in fields_raw.items())
    syntax = raw.get("syntax")
    if fmt in ("keys", "entries") and syntax not in KEY_SYNTAXES:
        raise _fail(file, f"{where}.syntax: expected one of {list(KEY_SYNTAXES)}, got {syntax!r}")
    mcp = _parse_mcp(file, f"{where}.mcp", raw["mcp"]) if "mcp" in raw else None
    hook = _parse_hook(file, f"{where}.hook", raw["hook"]) if "hook" in raw else None
    if kind == "hook" and hook is None and emulate is None:
        raise _fail(file, f"{where}: a hook kind needs an [{where}.hook] table")
    if raw.get("comment", "html") not in ("html", "hash"):
        raise _fail(file, f"{where}.comment: expected 'html' or 'hash'")
    constants = raw.get("constants", {})
    if not isinstance(constants, dict):
        raise _fail(file, f"{where}.constants: expected a table")
    if kind == "mcp" and fmt in ("keys", "entries") and mcp is None:
        raise _fail(file, f"{where}: an MCP kind written as keys needs an [{where}.mcp] table")
    budget = raw.get("budget")
    if budget is not None and (not isinstance(budget, int) or budget <= 0):
        raise _fail(file, f"{where}.budget: expected a positive integer, got {budget!r}")
    unit = raw.get("budget_unit", "bytes")
    if unit not in BUDGET_UNITS:
        raise _fail(file, f"{where}.budget_unit: expected one of {list(BUDGET_UNITS)}")
    for place in ("project", "user"):
        if place in raw:
            _str(file, f"{where}.{place}", raw[place])
    reads = _parse_reads(file, f"{where}.reads", raw.get("reads", {}))
    if emulate is not None and reads:
        raise _fail(file, f"{where}.reads: an emulated kind is read as its target; "
                          f"declare reads on kinds.{emulate}")
    user_format = raw.get("user_format")
    if user_format is not None and user_format not in FORMATS:
        raise _fail(file, f"{where}.user_format: expected one of {list(FORMATS)}")
    return KindSpec(
        kind=kind, format=fmt, project=raw.get("project"), user=raw.get("user"), fields=fields,
        arguments=raw.get("arguments"), emulate=emulate, block=raw.get("block", "aiwg"),
        syntax=syntax, mcp=mcp, hook=hook, constants=constants,
        container=_container(file, f"{where}.container", raw.get("container", [])),
        register=_parse_register(file, f"{where}.register", raw["register"])
        if "register" in raw else None,
        comment=raw.get("comment", "html"),
        budget=budget, budget_unit=unit,
        extra_fields=bool(raw.get("extra_fields", True)), note=raw.get("note"),
        user_format=user_format, user_budget=raw.get("user_budget"),
        provenance=None if emulate else _parse_provenance(file, where, raw, verified),
        reads_project=reads.get("project"), reads_user=reads.get("user"),
        shared=_bool(file, f"{where}.shared", raw.get("shared", fmt == "block")),
    )


def _parse_root(file: AdapterFile, name: str, raw: Any) -> RootSpec:
    if isinstance(raw, str):
        return RootSpec(name=name, default=raw)
    if not isinstance(raw, dict):
        raise _fail(file, f"roots.{name}: expected a table or a path")
    _check_table(file, f"roots.{name}", raw, ROOT)
    fallbacks = raw.get("fallbacks", [])
    if not isinstance(fallbacks, list) or not all(isinstance(f, dict) and "env" in f
                                                  for f in fallbacks):
        raise _fail(file, f"roots.{name}.fallbacks: expected a list of tables with 'env'")
    return RootSpec(name=name, default=_str(file, f"roots.{name}.default", raw.get("default")),
                    env=raw.get("env"), env_path=raw.get("env_path", "{env}"),
                    env_ignore=tuple(raw.get("env_ignore", ())),
                    fallbacks=tuple(_parse_root(file, f"{name}.fallbacks[{i}]",
                                                {"default": raw["default"], **fallback})
                                    for i, fallback in enumerate(fallbacks)))


def _parse_option(file: AdapterFile, name: str, raw: Any) -> OptionSpec:
    if not isinstance(raw, dict) or "default" not in raw:
        raise _fail(file, f"options.{name}: expected a table with a 'default'")
    _check_table(file, f"options.{name}", raw, OPTION)
    choices = _str_list(file, f"options.{name}.choices", raw.get("choices", []))
    return OptionSpec(name=name, default=str(raw["default"]), choices=choices)


def _check_templates(file: AdapterFile, adapter: Adapter) -> None:
    known = set(adapter.roots) | set(adapter.options) | _ITEM_VARS
    for kind, spec in adapter.kinds.items():
        for place in ("project", "user"):
            template = getattr(spec, place)
            if template is None:
                continue
            for var in _TEMPLATE_VAR.findall(template):
                if var not in known:
                    raise _fail(file, f"kinds.{kind}.{place}: unknown variable {{{var}}} "
                                      f"(known: {sorted(known)})")
            if place == "user" and not template.startswith("{"):
                raise _fail(file, f"kinds.{kind}.user: must start with a root, e.g. '{{home}}/…'")
            if place == "project" and (template.startswith("/") or ".." in template.split("/")):
                raise _fail(file, f"kinds.{kind}.project: must be a relative path inside the project")


def parse_adapter(file: AdapterFile, raw: Mapping[str, Any]) -> Adapter:
    _check_table(file, "adapter", raw, ADAPTER)
    adapter_id = _str(file, "id", raw.get("id"))
    if not _ID.match(adapter_id) or file.stem != adapter_id:
        raise _fail(file, f"id: expected lowercase words joined by '-', equal to the file name, "
                          f"got {adapter_id!r}")
    verified = _date(file, "verified", raw.get("verified"))
    kinds_raw = raw.get("kinds", {})
    if not isinstance(kinds_raw, dict):
        raise _fail(file, "kinds: expected a table")
    kinds: dict[Kind, KindSpec] = {}
    for kind_name, kind_raw in kinds_raw.items():
        if kind_name not in KINDS:
            raise _fail(file, f"kinds.{kind_name}: unknown kind; expected one of {list(KINDS)}")
        kind: Kind = kind_name
        kinds[kind] = _parse_kind(file, kind, kind_raw, verified)
    roots_raw = raw.get("roots", {})
    options_raw = raw.get("options", {})
    if not isinstance(roots_raw, dict) or not isinstance(options_raw, dict):
        raise _fail(file, "roots and options must be tables")
    adapter = Adapter(
        id=adapter_id,
        name=_str(file, "name", raw.get("name")),
        aliases=_str_list(file, "aliases", raw.get("aliases", [])),
        detect=_str_list(file, "detect", raw.get("detect", [])),
        roots={k: _parse_root(file, k, v) for k, v in roots_raw.items()},
        kinds=kinds,
        sources=_str_list(file, "sources", raw.get("sources", [])),
        verified=verified,
        options={k: _parse_option(file, k, v) for k, v in options_raw.items()},
        notes=_str_list(file, "notes", raw.get("notes", [])),
        ignore=_parse_ignore(file, raw["ignore"]) if "ignore" in raw else None,
        file=file.path,
        **_parse_status(file, raw),
    )
    if not adapter.sources:
        raise _fail(file, "sources: every adapter records where its facts come from")
    for kind, spec in kinds.items():
        if spec.emulate and spec.emulate not in kinds:
            raise _fail(file, f"kinds.{kind}.emulate: this adapter has no {spec.emulate!r} kind")
    _check_templates(file, adapter)
    _check_reads(file, adapter)
    return adapter


def _parse_status(file: AdapterFile, raw: Mapping[str, Any]) -> dict[str, Any]:
    status = raw.get("status", "active")
    if status not in STATUSES:
        raise _fail(file, f"status: expected one of {list(STATUSES)}, got {status!r}")
    successor = raw.get("successor")
    if successor is not None and (not isinstance(successor, str) or not _ID.match(successor)):
        raise _fail(file, f"successor: expected an adapter id, got {successor!r}")
    date = raw.get("status_date")
    if status != "active" and date is None:
        raise _fail(file, f"status: a {status} platform needs a status_date (YYYY-MM-DD)")
    return {"status": status, "successor": successor,
            "status_date": _date(file, "status_date", date) if date is not None else None}


def _check_reads(file: AdapterFile, adapter: Adapter) -> None:
    """Declared reads use known variables and include every file aiwg writes for the kind, so
    that what the platform loads is never less than what it is given."""
    known = set(adapter.roots) | set(adapter.options)
    sample = {name: option.default for name, option in adapter.options.items()}
    for kind, spec in adapter.kinds.items():
        for scope in ("project", "user"):
            declared = spec.reads_project if scope == "project" else spec.reads_user
            where = f"kinds.{kind}.reads.{scope}"
            for read in declared or ():
                for var in _TEMPLATE_VAR.findall(read.path):
                    if var not in known:
                        raise _fail(file, f"{where}: unknown variable {{{var}}} in {read.path!r}")
                if scope == "user" and not read.path.startswith("{"):
                    raise _fail(file, f"{where}: {read.path!r} must start with a root")
            if declared is None:
                continue
            written = written_glob(spec, adapter.path_template(spec, scope), scope)
            if written is None:
                continue
            example = written.replace("*", "example-name")
            for name, value in sample.items():
                example = example.replace("{" + name + "}", value)
            if not any(read.matches(example, sample) for read in declared):
                raise _fail(file, f"{where}: no entry covers {written!r}, the file aiwg writes")


def load_adapter_file(path: Path) -> Adapter:
    file = AdapterFile(path, path.read_text(encoding="utf-8"))
    try:
        raw = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(file, f"not valid TOML: {error}") from None
    return parse_adapter(file, raw)


