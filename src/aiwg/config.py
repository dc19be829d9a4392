"""The project's aiwg configuration: `aiwg.toml` at the root, else `[tool.aiwg]` in pyproject.toml.

Every mistake is one InputError line naming the file, the line, the key and what was expected,
because a config typo that is silently ignored deploys the wrong library.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from aiwg.errors import InputError
from aiwg.items import KINDS, SEVERITIES, Kind

CONFIG_FILE = "aiwg.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_LIBRARY_PATH = ".aiwg/library"
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")

Key = tuple[str, ...]
V = TypeVar("V")


@dataclass(frozen=True)
class Selection:
    """Which library items to deploy (see `aiwg.select`)."""

    kinds: tuple[Kind, ...] = KINDS
    tags: tuple[str, ...] = ("core",)
    names: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_severity: str | None = None


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    platforms: tuple[str, ...] = ()
    library_paths: tuple[str, ...] = (DEFAULT_LIBRARY_PATH,)
    builtin: bool = True
    user_library: bool = True
    selection: Selection = field(default_factory=Selection)
    # Raw options per platform id; each adapter checks its own.
    platform_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Platform id -> output name -> size limit.
    budgets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()


def load_config(project_root: Path) -> Config:
    """The config of `project_root`; defaults when neither file configures aiwg."""
    own = project_root / CONFIG_FILE
    if own.exists() and not own.is_file():
        raise InputError(f"{CONFIG_FILE}: expected a file, found a folder or special file")
    if own.is_file():
        source = _Source(own, _read(own), ())
        return _parse(source, source.load())
    pyproject = project_root / PYPROJECT_FILE
    if pyproject.is_file():
        source = _Source(pyproject, _read(pyproject), ("tool", "aiwg"))
        table = source.load().get("tool", {})
        if isinstance(table, dict) and "aiwg" in table:
            return _parse(source, table["aiwg"])
    return Config()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path.name}: expected UTF-8 text (invalid byte at offset "
                         f"{error.start})") from None


def check_platform_ids(config: Config, known: set[str]) -> None:
    """Platform ids in `platforms`, `[platform.X]` and `[budgets.X]` must name adapters:
    a budget for a misspelt platform silently limits nothing."""
    label = config.path.name if config.path else CONFIG_FILE
    named = [("platforms", p) for p in config.platforms]
    named += [("platform", p) for p in config.platform_options]
    named += [("budgets", p) for p in config.budgets]
    for table, platform in named:
        if platform not in known:
            close = _close(platform, tuple(sorted(known)))
            hint = f"; did you mean {close!r}?" if close else "; see `aiwg platforms`"
            text = config.path.read_text(encoding="utf-8") if config.path else ""
            line = find_line(text, (table, platform)) if table != "platforms" else find_line(
                text, (table,))
            where = label if line is None else f"{label}:{line}"
            raise InputError(f"{where}: {table}: unknown platform {platform!r}{hint}")


# --- the schema ---------------------------------------------------------------------------------

_TOP_KEYS = ("platforms", "ignore", "library", "select", "platform", "budgets")
_LIBRARY_KEYS = ("builtin", "user", "paths")
_SELECT_KEYS = ("kinds", "tags", "names", "exclude", "min_severity")


def _parse(source: _Source, data: object) -> Config:
    root = source.table((), data)
    source.check_keys((), root, _TOP_KEYS)
    library = source.table(("library",), root.get("library", {}))
    source.check_keys(("library",), library, _LIBRARY_KEYS)
    return Config(
        path=source.path,
        platforms=source.strings(("platforms",), root.get("platforms", [])),
        library_paths=source.strings(("library", "paths"),
                                     library.get("paths", [DEFAULT_LIBRARY_PATH])),
        builtin=source.boolean(("library", "builtin"), library.get("builtin", True)),
        user_library=source.boolean(("library", "user"), library.get("user", True)),
        selection=_selection(source, root.get("select", {})),
        platform_options=_platform_options(source, root.get("platform", {})),
        budgets=_budgets(source, root.get("budgets", {})),
        ignore=source.strings(("ignore",), root.get("ignore", [])),
    )


def _selection(source: _Source, data: object) -> Selection:
    table = source.table(("select",), data)
    source.check_keys(("select",), table, _SELECT_KEYS)
    defaults = Selection()
    kinds = source.strings(("select", "kinds"), table.get("kinds", list(defaults.kinds)))
    for kind in kinds:
        source.require(("select", "kinds"), kind in KINDS, kind,
                       f"a list of kinds ({', '.join(KINDS)})", hint=_close(kind, KINDS))
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
    )


def _platform_options(source: _Source, data: object) -> dict[str, dict[str, Any]]:
    """`[platform.<id>]` tables, kept raw: the adapter of each id knows its own options."""
    return _tables_of(source, ("platform",), data, lambda key, value: value)


def _budgets(source: _Source, data: object) -> dict[str, dict[str, int]]:
    def positive(key: Key, value: object) -> int:
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

    @property
    def label(self) -> str:
        return self.path.name

    def load(self) -> dict[str, Any]:
        try:
            return tomllib.loads(self.text)
        except RecursionError:
            raise InputError(f"{self.label}: invalid TOML: nested too deeply") from None
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            match = _TOML_LINE.search(message)
            line = match.group(1) if match else str(max(1, len(self.text.splitlines())))
            reason = _TOML_LINE.sub("", message).replace("(at end of document)", "").strip()
            raise InputError(f"{self.label}:{line}: invalid TOML: {reason}") from None

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
    best: int | None = None
    best_depth = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            table = _dotted(line.strip("[]").split("]")[0])
            defined = table
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


def _dotted(text: str) -> Key:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _common_depth(defined: Key, key: Key) -> int:
    depth = 0
    for a, b in zip(defined, key, strict=False):
        if a != b:
            break
        depth += 1
    return depth
