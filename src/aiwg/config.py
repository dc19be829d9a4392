"""aiwg's configuration: the project's `aiwg.toml` (else `[tool.aiwg]` in pyproject.toml), and
for user-scope runs the user's own `aiwg.toml` in the platformdirs config folder.

Every mistake is one InputError line naming the file, the line, the key and what was expected,
because a config typo that is silently ignored deploys the wrong library.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import platformdirs

from aiwg.config_model import CONFIG, LAYER_KINDS
from aiwg.errors import InputError
from aiwg.items import KINDS, SEVERITIES, Kind
from aiwg.sources.spec import SourceSpec, parse_sources

CONFIG_FILE = "aiwg.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_LIBRARY_PATH = ".aiwg/library"
# Deeper than this is no config a person writes; refusing it keeps every later walk bounded.
MAX_DEPTH = 32
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")

Key = tuple[str, ...]
V = TypeVar("V")


@dataclass(frozen=True)
class Selection:
    """Which library items to deploy (see `aiwg.select`).

    `kinds`, `names` and `exclude` apply to every layer. `tags` and `min_severity` narrow only
    the layers in `layers`: by default the built-in library, so an item a person wrote in their
    own library is deployed without having to carry a tag.
    """

    kinds: tuple[Kind, ...] = KINDS
    tags: tuple[str, ...] = ("core",)
    names: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_severity: str | None = None
    layers: tuple[str, ...] = ("builtin",)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    platforms: tuple[str, ...] = ()
    library_paths: tuple[str, ...] = (DEFAULT_LIBRARY_PATH,)
    builtin: bool = True
    # A project deploy reads the personal user library only when its config asks, so one
    # person's items never land in a team repository.
    user_library: bool = False
    selection: Selection = field(default_factory=Selection)
    # Raw options per platform id; each adapter checks its own.
    platform_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Platform id -> output name -> size limit.
    budgets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    # Mark the whole files aiwg writes linguist-generated in .gitattributes (`[git] linguist`).
    linguist: bool = False
    # Shared libraries (`[[sources]]`), lowest first: layers between the built-in library and
    # the user's and project's own.
    sources: tuple[SourceSpec, ...] = ()

    @property
    def folder(self) -> Path | None:
        """The folder of the config file: where aiwg.lock and relative source folders live."""
        return None if self.path is None else self.path.parent


# Platform names (ids and aliases, lower case) -> the platform id they mean.
PlatformNames = Mapping[str, str]

# The user config lists no project paths, and always reads the user library.
USER_DEFAULTS = Config(library_paths=(), user_library=True)


def user_config_dir() -> Path:
    """Where the user-level `aiwg.toml` lives; relative library paths in it start here."""
    return platformdirs.user_config_path("aiwg")


def load_config(project_root: Path, platforms: PlatformNames | None = None) -> Config:
    """The config of `project_root`; defaults when neither file configures aiwg.

    With `platforms`, every platform id the config names must be one of them (aliases become
    ids); without it, ids are kept as written.
    """
    own = project_root / CONFIG_FILE
    if os.path.lexists(own):
        source = _Source.read(own, ())
        return _parse(source, source.load(), Config(), project_root, platforms)
    pyproject = project_root / PYPROJECT_FILE
    if pyproject.is_file():
        source = _Source.read(pyproject, ("tool", "aiwg"))
        table = source.load().get("tool", {})
        if isinstance(table, dict) and "aiwg" in table:
            return _parse(source, table["aiwg"], Config(), project_root, platforms)
    return Config()


def config_from_text(path: Path, text: str, base: Path,
                     platforms: PlatformNames | None = None,
                     defaults: Config = Config()) -> Config:
    """The config `text` would give as the file `path` (aiwg.toml, or pyproject.toml's
    `[tool.aiwg]`): how `aiwg add` checks an edit before writing it."""
    prefix: Key = ("tool", "aiwg") if path.name == PYPROJECT_FILE else ()
    source = _Source(path, text, prefix)
    data: object = source.load()
    for part in prefix:
        data = data.get(part, {}) if isinstance(data, dict) else data
    return _parse(source, data, defaults, base, platforms)


def load_user_config(platforms: PlatformNames | None = None) -> Config:
    """The user-level config that user-scope runs read, whatever the current folder."""
    folder = user_config_dir()
    own = folder / CONFIG_FILE
    if not os.path.lexists(own):
        return USER_DEFAULTS
    source = _Source.read(own, ())
    return _parse(source, source.load(), USER_DEFAULTS, folder, platforms)


# --- the schema ---------------------------------------------------------------------------------

# The keys each table may hold come from the model `aiwg schema config` is generated from.
_TOP_KEYS = CONFIG.names
_LIBRARY_KEYS = CONFIG.table("library").names
_SELECT_KEYS = CONFIG.table("select").names


def _parse(source: _Source, data: object, defaults: Config, base: Path,
           platforms: PlatformNames | None) -> Config:
    """`data` read as a Config; `base` is the folder relative library paths start from."""
    source.check_depth(data)
    root = source.table((), data)
    source.check_keys((), root, _TOP_KEYS)
    library = source.table(("library",), root.get("library", {}))
    source.check_keys(("library",), library, _LIBRARY_KEYS)
    ids = _PlatformIds(source, platforms)
    paths = defaults.library_paths
    if "paths" in library:
        paths = source.strings(("library", "paths"), library["paths"])
        _check_paths(source, base, paths)
    return Config(
        path=source.path,
        platforms=tuple(ids.check(("platforms",), name) for name in
                        source.strings(("platforms",), root.get("platforms", []))),
        library_paths=paths,
        builtin=source.boolean(("library", "builtin"), library.get("builtin", defaults.builtin)),
        user_library=source.boolean(("library", "user"),
                                    library.get("user", defaults.user_library)),
        selection=_selection(source, root.get("select", {})),
        platform_options=ids.keys(_platform_options(source, root.get("platform", {})),
                                  "platform"),
        budgets=ids.keys(_budgets(source, root.get("budgets", {})), "budgets"),
        ignore=source.strings(("ignore",), root.get("ignore", [])),
        linguist=_linguist(source, root.get("git", {})),
        sources=_sources(source, base, root.get("sources", [])),
    )


def _sources(source: _Source, base: Path, data: object) -> tuple[SourceSpec, ...]:
    """`[[sources]]`, checked by its own model; a local folder must exist, like library.paths."""
    specs = parse_sources(source, data)
    for index, spec in enumerate(specs):
        if spec.kind == "folder":
            folder = base / Path(spec.location).expanduser()
            if not folder.is_dir():
                what = "is not a folder" if folder.exists() else "does not exist"
                raise source.fail(("sources", str(index), "folder"),
                                  f"sources.{index}.folder: {spec.location!r} {what} ({folder})")
    return specs


def _linguist(source: _Source, data: object) -> bool:
    table = source.table(("git",), data)
    source.check_keys(("git",), table, CONFIG.table("git").names)
    return source.boolean(("git", "linguist"), table.get("linguist", False))


def _check_paths(source: _Source, base: Path, paths: tuple[str, ...]) -> None:
    """A library path the config names must be a folder: a typo must not empty the library."""
    for configured in paths:
        folder = base / Path(configured).expanduser()
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise source.fail(("library", "paths"),
                              f"library.paths: {configured!r} {what} ({folder}); create it or "
                              "remove it from the list")


@dataclass(frozen=True)
class _PlatformIds:
    """Checks the platform ids a config names, so a typo fails instead of doing nothing."""

    source: _Source
    names: PlatformNames | None

    def check(self, key: Key, name: str) -> str:
        if self.names is None:
            return name
        found = self.names.get(name.strip().lower())
        if found is None:
            ids = tuple(sorted(set(self.names.values())))
            hint = _close(name.strip().lower(), tuple(self.names))
            also = f"did you mean {self.names[hint]!r}?" if hint else (
                f"valid platforms: {', '.join(ids)}")
            raise self.source.fail(key, f"{'.'.join(key)}: unknown platform {name!r}; {also}")
        return found

    def keys(self, tables: dict[str, dict[str, V]], table: str) -> dict[str, dict[str, V]]:
        """`tables` keyed by platform id, with aliases mapped to their ids."""
        return {self.check((table, name), name): inner for name, inner in tables.items()}


def _selection(source: _Source, data: object) -> Selection:
    table = source.table(("select",), data)
    source.check_keys(("select",), table, _SELECT_KEYS)
    defaults = Selection()
    kinds = source.strings(("select", "kinds"), table.get("kinds", list(defaults.kinds)))
    for kind in kinds:
        source.require(("select", "kinds"), kind in KINDS, kind,
                       f"a list of kinds ({', '.join(KINDS)})", hint=_close(kind, KINDS))
    layers = source.strings(("select", "layers"), table.get("layers", list(defaults.layers)))
    for layer in layers:
        source.require(("select", "layers"), layer in LAYER_KINDS, layer,
                       f"a list of layers ({', '.join(LAYER_KINDS)})",
                       hint=_close(layer, LAYER_KINDS))
    severity = table.get("min_severity")
    if severity is not None:
        source.require(("select", "min_severity"), severity in SEVERITIES, severity,
                       f"one of {', '.join(SEVERITIES)}")
    return Selection(
        kinds=cast(tuple[Kind, ...], kinds),
        tags=source.strings(("select", "tags"), table.get("tags", list(defaults.tags))),
        names=source.strings(("select", "names"), table.get("names", [])),
        exclude=source.strings(("select", "exclude"), table.get("exclude", [])),
        min_severity=severity,
        layers=layers,
    )


def _platform_options(source: _Source, data: object) -> dict[str, dict[str, Any]]:
    """`[platform.<id>]` tables, kept raw: the adapter of each id knows its own options."""
    return _tables_of(source, ("platform",), data, lambda key, value: value)


def _budgets(source: _Source, data: object) -> dict[str, dict[str, int]]:
    """`[budgets.<platform>]`: kind -> a positive size limit (budgets are per item kind)."""
    def positive(key: Key, value: object) -> int:
        kind = key[-1]
        source.require(key, kind in KINDS, kind, f"a kind ({', '.join(KINDS)}) as the key",
                       hint=_close(kind, KINDS))
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        source.require(key, ok, value, "a positive integer")
        return cast(int, value)

    return _tables_of(source, ("budgets",), data, positive)


def _tables_of(source: _Source, key: Key, data: object,
                  convert: Callable[[Key, object], V]) -> dict[str, dict[str, V]]:
    """A table of platform ids, each a table whose values `convert` checks."""
    outer = source.table(key, data)
    result: dict[str, dict[str, V]] = {}
    for platform, inner in outer.items():
        table = source.table((*key, platform), inner)
        result[platform] = {name: convert((*key, platform, name), value)
                            for name, value in table.items()}
    return result


# --- reading and reporting ----------------------------------------------------------------------


def _close(word: str, choices: tuple[str, ...]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _show(value: object) -> str:
    """A value as TOML would spell it, kept short for a one-line message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class _Source:
    """One config file: its text for line lookups, and where aiwg's table sits inside it."""

    path: Path
    text: str
    prefix: Key

    @classmethod
    def read(cls, path: Path, prefix: Key) -> _Source:
        """The file's text; a folder, an unreadable file or bytes that are not UTF-8 fail."""
        if path.is_dir():
            raise InputError(f"{path.name}: is a folder; expected a TOML file ({path})")
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise InputError(f"{path.name}: cannot be read: {error.strerror or error}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            raise InputError(f"{path.name}:{line}: expected UTF-8 text (invalid byte at offset "
                             f"{error.start})") from None
        return cls(path, text, prefix)

    @property
    def label(self) -> str:
        return self.path.name

    def load(self) -> dict[str, Any]:
        try:
            return tomllib.loads(self.text)
        except RecursionError:
            raise InputError(f"{self.label}: nested too deeply (more than {MAX_DEPTH} levels of "
                             "arrays or tables)") from None
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            match = _TOML_LINE.search(message)
            line = match.group(1) if match else str(max(1, len(self.text.splitlines())))
            reason = _TOML_LINE.sub("", message).replace("(at end of document)", "").strip()
            raise InputError(f"{self.label}:{line}: invalid TOML: {reason}") from None

    def check_depth(self, data: object) -> None:
        """Refuse values nested deeper than MAX_DEPTH, walking without recursion."""
        stack: list[tuple[object, Key]] = [(data, ())]
        while stack:
            value, key = stack.pop()
            if len(key) > MAX_DEPTH:
                raise self.fail(key[:MAX_DEPTH], f"{'.'.join(key[:3])}...: nested too deeply "
                                                 f"(more than {MAX_DEPTH} levels)")
            if isinstance(value, dict):
                stack.extend((inner, (*key, str(name))) for name, inner in value.items())
            elif isinstance(value, list):
                stack.extend((inner, (*key, str(index))) for index, inner in enumerate(value))

    def fail(self, key: Key, message: str) -> InputError:
        line = find_line(self.text, (*self.prefix, *key))
        where = self.label if line is None else f"{self.label}:{line}"
        table = "[tool.aiwg] " if self.prefix else ""
        return InputError(f"{where}: {table}{message}")

    def require(self, key: Key, ok: bool, value: object, expected: str,
                hint: str | None = None) -> None:
        if not ok:
            also = f" (did you mean {hint!r}?)" if hint else ""
            raise self.fail(key, f"{'.'.join(key)}: expected {expected}, got {_show(value)}"
                                 f"{also}")

    def table(self, key: Key, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            name = ".".join(key) or "the config"
            raise self.fail(key, f"{name}: expected a table, got {_show(value)}")
        return value

    def check_keys(self, key: Key, table: Mapping[str, object], known: tuple[str, ...]) -> None:
        for name in table:
            if name in known:
                continue
            dotted = ".".join((*key, name))
            close = _close_key(name, known)
            advice = (f"did you mean {'.'.join((*key, close))!r}?" if close
                      else f"expected one of {', '.join(known)}")
            raise self.fail((*key, name), f"key {dotted!r}: unknown; {advice}")

    def strings(self, key: Key, value: object) -> tuple[str, ...]:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        self.require(key, ok, value, "a list of strings")
        return tuple(cast(list[str], value))

    def boolean(self, key: Key, value: object) -> bool:
        self.require(key, isinstance(value, bool), value, "true or false")
        return cast(bool, value)


def _close_key(name: str, known: tuple[str, ...]) -> str | None:
    # Config keys are short ("tagz" is 0.75 like "tags"), and an unknown key is an error
    # anyway, so a looser match only makes the hint more useful.
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return found[0] if found else None


# --- finding a key's line by scanning the text ---------------------------------------------------


def find_line(text: str, key: Key) -> int | None:
    """The 1-based line that defines `key` (a table header or a `key = value` line), if found.

    This is a line scanner, not a TOML parser: tomllib keeps no positions, and the message only
    needs to point at the right line. Unusual spellings (inline tables, keys inside multi-line
    strings) fall back to the nearest enclosing table, or None.
    """
    table: Key = ()
    # Each array of tables (`[[sources]]`) -> the index of its latest entry: its keys are
    # spelled ("sources", "0", "url"), as the config walk names them.
    arrays: dict[Key, int] = {}
    best: int | None = None
    best_depth = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            name = _in_arrays(_dotted(line.strip("[]").split("]")[0]), arrays)
            if line.startswith("[["):
                arrays[name] = arrays.get(name, -1) + 1
                name = (*name, str(arrays[name]))
            table = defined = name
        elif "=" in line:
            defined = (*table, *_dotted(line.split("=", 1)[0]))
        else:
            continue
        depth = _common_depth(defined, key)
        if depth == len(key):
            return number
        # Remember the deepest enclosing definition as the fallback position.
        if depth == len(defined) and depth > best_depth:
            best, best_depth = number, depth
    return best


def _in_arrays(name: Key, arrays: dict[Key, int]) -> Key:
    """A table header's key with the current index of each array of tables it sits in."""
    for length in range(len(name), 0, -1):
        prefix = name[:length]
        if prefix in arrays and length < len(name):
            rest = _in_arrays(name[length:], {k[length:]: v for k, v in arrays.items()
                                              if k[:length] == prefix and len(k) > length})
            return (*prefix, str(arrays[prefix]), *rest)
    return name


def _dotted(text: str) -> Key:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _common_depth(defined: Key, key: Key) -> int:
    depth = 0
    for a, b in zip(defined, key, strict=False):
        if a != b:
            break
        depth += 1
    return depth
