"""Check a loaded library: every field of every item, the relations between items, MCP servers.

Each finding is one Problem naming the file, the line of the offending key where it can be
found, the field, and what was expected there. Nothing here raises: `aiwg validate` prints them
all at once, so a user fixes a library in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiwg.errors import Problem
from aiwg.formats.block import content_problem
from aiwg.item_model import (
    ENV_NAME,
    ITEM_NAME,
    ITEM_NAME_MAX,
    KNOWN_FIELDS,
    SKILL_DESCRIPTION_MAX,
    SKILL_NAME,
    SKILL_NAME_MAX,
)
from aiwg.items import HOOK_EVENTS, SEVERITIES, YAML_KINDS, Item
from aiwg.library import LIST_FIELDS, Library
from aiwg.model import typo_of
from aiwg.secrets import secrets_in

RELATION_FIELDS = ("requires", "enhances", "conflicts")
_SKILL_NAME = re.compile(SKILL_NAME)
_ITEM_NAME = re.compile(ITEM_NAME)
_ENV_NAME = re.compile(ENV_NAME)
_SECRET_WORDS = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASS", "AUTH", "CREDENTIAL")
_ENV_REF = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_SCHEME_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9-]* +")


def validate_library(library: Library,
                     known_platforms: Collection[str] | None = None) -> list[Problem]:
    """Load problems plus every field, name, relation and MCP problem, sorted and de-duplicated.

    `known_platforms` (ids and aliases) enables the check of `targets`; None skips it.
    """
    known = frozenset(known_platforms) if known_platforms is not None else None
    problems: list[Problem] = list(library.problems)
    for item in library.all_items():
        problems.extend(_ItemCheck(item, known).run())
    problems.extend(_relation_problems(library))
    problems.extend(_cycle_problems(library))
    return sorted(set(problems), key=_order)


def _order(problem: Problem) -> tuple[str, int, str, str]:
    # Problem's own ordering cannot compare a missing line with a number.
    return (problem.file, problem.line or 0, problem.field or "", problem.message)


# --- finding the line of a key ------------------------------------------------------------------


class KeyLines:
    """Line numbers of frontmatter keys, found by scanning the file's lines for `key:`.

    YAML loaders keep no positions for mapping keys; a scan of the top-level lines (and the
    indented lines under one key, for nested keys) is enough to point at the right line.
    """

    def __init__(self, path: Path, whole_file: bool) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            text = ""
        self.lines = text.split("\n")
        self.start, self.end = (0, len(self.lines)) if whole_file else self._frontmatter()

    def _frontmatter(self) -> tuple[int, int]:
        first = next((i for i, line in enumerate(self.lines) if line.strip()), None)
        if first is None or not _is_fence(self.lines[first]):
            return 0, 0
        end = next((i for i in range(first + 1, len(self.lines)) if _is_fence(self.lines[i])),
                   len(self.lines))
        return first + 1, end

    def line(self, key: str, child: str | None = None) -> int | None:
        """The 1-based line of `key` (or of `child` under it, else of `key` itself)."""
        top = next((i for i in range(self.start, self.end)
                    if _defines(self.lines[i], key)), None)
        if top is None:
            return None
        if child is not None:
            for i in range(top + 1, self.end):
                text = self.lines[i]
                if text.strip() and not text[:1].isspace() and not text.startswith("-"):
                    break  # the next top-level key: the child is not written in block style
                if _defines(text.strip(), child):
                    return i + 1
        return top + 1


def _is_fence(line: str) -> bool:
    stripped = line.rstrip()
    return len(stripped) >= 3 and set(stripped) == {"-"}


def _defines(line: str, key: str) -> bool:
    return any(line.startswith(f"{spelt}:") for spelt in (key, f'"{key}"', f"'{key}'"))


# --- one item -----------------------------------------------------------------------------------


@dataclass
class _ItemCheck:
    """The problems of one item on its own (relations between items are checked later)."""

    item: Item
    known_platforms: frozenset[str] | None
    problems: list[Problem] = field(default_factory=list)
    _lines: KeyLines | None = field(default=None, init=False, repr=False)

    def run(self) -> list[Problem]:
        meta = self.item.meta
        for required in ("name", "description"):
            if required not in meta:
                self.report(required, f"missing; every item needs a {required}")
        self.check_fields(meta, None)
        for platform, block in self.item.overrides.items():
            self.check_fields(block, platform)
        self.check_names()
        self.check_skill_description()
        self.check_unknown_fields(meta, None)
        for platform, block in self.item.overrides.items():
            self.check_unknown_fields(block, platform)
        self.check_targets()
        self.check_body()
        if self.item.kind == "mcp":
            self.check_mcp()
        if self.item.kind == "hook":
            for key, message in _hook_problems(self.item):
                self.report(key, message)
        return self.problems

    def _key_lines(self) -> KeyLines:
        if self._lines is None:
            self._lines = KeyLines(self.item.source, whole_file=self.item.kind in YAML_KINDS)
        return self._lines

    def report(self, key: str, message: str, parent: str | None = None) -> None:
        lines = self._key_lines()
        line = (lines.line(parent, key) if parent else lines.line(key))
        name = f"{parent}.{key}" if parent else key
        self.problems.append(Problem.at(self.item.source, message, line=line, field=name))

    def check_fields(self, fields: Mapping[str, Any], parent: str | None) -> None:
        """The types of the common fields (at the top, or in a platform's override block)."""
        for key, value in fields.items():
            if key == "model":
                self.check_model(value, parent)
                continue
            expected = _field_type_problem(key, value)
            if expected:
                self.report(key, expected, parent)

    def check_model(self, value: object, parent: str | None) -> None:
        """A model name, or (at the top) a mapping of platform ids to model names."""
        if isinstance(value, dict) and parent is None:
            for platform, name in value.items():
                if self.known_platforms is not None and platform not in self.known_platforms:
                    self.report(str(platform), f"unknown platform {platform!r}"
                                f"{_did_you_mean(str(platform), self.known_platforms)}", "model")
                elif not isinstance(name, str) or not name.strip():
                    self.report(str(platform), f"expected a model name, got {_show(name)}",
                                "model")
            return
        if not isinstance(value, str) or not value.strip():
            what = "a model name" if parent else ("a model name, or a mapping of platform ids "
                                                  "to model names")
            self.report("model", f"expected {what}, got {_show(value)}", parent)

    def check_names(self) -> None:
        name = self.item.meta.get("name")
        if isinstance(name, str):
            problem = _name_problem(self.item, name)
            if problem is None and name != self.item.name:
                what = "folder" if self.item.kind == "skill" else "file"
                problem = f"expected {self.item.name!r} (the {what} name), got {name!r}"
            if problem:
                self.report("name", problem)
        for platform, block in self.item.overrides.items():
            override = block.get("name")
            problem = _name_problem(self.item, override) if isinstance(override, str) else None
            if problem:
                self.report("name", problem, platform)

    def check_skill_description(self) -> None:
        description = self.item.meta.get("description")
        if (self.item.kind == "skill" and isinstance(description, str)
                and len(description.strip()) > SKILL_DESCRIPTION_MAX):
            self.report("description", f"{len(description.strip())} characters; the Agent "
                        f"Skills spec allows at most {SKILL_DESCRIPTION_MAX}")

    def check_unknown_fields(self, fields: Mapping[str, Any], parent: str | None) -> None:
        """A key one edit from a known one is a typo; other unknown keys are kept for platforms
        (the same rule as the `propertyNames` of `aiwg schema <kind>`)."""
        known = list(KNOWN_FIELDS)
        if parent is None and self.known_platforms:
            known.extend(sorted(self.known_platforms))
        for key in fields:
            meant = typo_of(key, known)
            if meant is not None:
                self.report(key, f"unknown field {key!r}; did you mean {meant!r}?", parent)

    def check_body(self) -> None:
        """A body aggregated into a managed block must not hold a line that reads as a marker."""
        if self.item.kind in YAML_KINDS:
            return
        description = self.item.meta.get("description")
        if isinstance(description, str) and content_problem(description.strip()) is not None:
            self.report("description", "expected a description, got an aiwg marker line")
        # The loaded body is the file's text after the frontmatter less its leading blank
        # lines, which neither open a fence nor read as a marker: when it is clean, so is the
        # file, and the file need not be read again to number its lines.
        if content_problem(self.item.body) is None:
            return
        lines = self._key_lines().lines
        body_start = self._key_lines().end + 1
        problem = content_problem("\n".join(lines[body_start:]))
        if problem is not None:
            index, why = problem
            fix = ("put it inside a ``` fence" if "marker" in why else "close it with a line of "
                   "the same fence characters")
            self.problems.append(Problem.at(self.item.source, f"this line {why}; {fix}",
                                            line=body_start + index + 1, field="body"))

    def check_targets(self) -> None:
        if self.known_platforms is None:
            return
        for target in self.item.targets:
            platform = target.removeprefix("!")
            if platform not in self.known_platforms:
                self.report("targets", f"unknown platform {platform!r}"
                            f"{_did_you_mean(platform, self.known_platforms)}")

    def check_mcp(self) -> None:
        reported: set[str] = set()
        for key, message in _mcp_problems(self.item):
            reported.add(key)
            parent, _, child = key.partition(".")
            if child:
                self.report(child, message, parent)
            else:
                self.report(key, message)
        blocks = [("", self.item.meta), *((f"{p}.", b) for p, b in self.item.overrides.items())]
        for prefix, fields in blocks:
            for where, what, hint in secrets_in(fields, prefix):
                if where not in reported:
                    self.report_secret(where, what, hint)

    def report_secret(self, where: str, what: str, hint: str | None) -> None:
        """A literal credential at `where` (`args[2]`, `env.DATABASE_URL`, `cursor.url`)."""
        path = re.split(r"[.\[]", where)
        child = path[1] if len(path) > 1 and not where.startswith(f"{path[0]}[") else None
        lines = self._key_lines()
        line = lines.line(path[0], child) if child else lines.line(path[0])
        variable = hint or re.sub(r"[^A-Za-z0-9]+", "_", self.item.name).upper().strip(
            "_") + "_TOKEN"
        self.problems.append(Problem.at(
            self.item.source, f"a literal credential ({what}); write an environment reference "
            f"like ${{{variable}}} instead and set {variable} where the assistant runs",
            line=line, field=where))


def _did_you_mean(word: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; expected one of {', '.join(sorted(known))}"


def _field_type_problem(key: str, value: object) -> str | None:
    """What a common field should have been, or None when it is fine (or not a common field)."""
    if key in LIST_FIELDS:
        return _list_problem(value)
    if key == "version":
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        return None if ok else f"expected a string like \"1.0\", got {_show(value)}"
    if key == "always":
        return None if isinstance(value, bool) else f"expected true or false, got {_show(value)}"
    if key == "severity":
        if value in SEVERITIES:
            return None
        return f"expected one of {', '.join(SEVERITIES)}, got {_show(value)}"
    if key in ("name", "category", "argument-hint"):
        return _string_problem(value)
    if key in ("tools", "allowed-tools"):
        return _list_problem(value)
    if key == "description":
        return _description_problem(value)
    return None


def _list_problem(value: object) -> str | None:
    if isinstance(value, str):
        return None  # a comma-separated list
    if isinstance(value, list):
        for index, element in enumerate(value, start=1):
            if not isinstance(element, str):
                return (f"expected a list of strings, but entry {index} is "
                        f"{_show(element)}")
        return None
    return f"expected a list of strings, got {_show(value)}"


def _strict_list_problem(value: object) -> str | None:
    """A list that is passed on as it is (MCP `args`), so a comma string is not one."""
    if isinstance(value, str):
        return f"expected a list of strings, got {_show(value)}"
    return _list_problem(value)


def _string_problem(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return f"expected a non-empty string, got {_show(value)}"


def _description_problem(value: object) -> str | None:
    problem = _string_problem(value)
    if problem is None and "\n" in str(value).strip():
        count = len(str(value).strip().splitlines())
        return f"expected one line (it is the trigger text and the index line), got {count} lines"
    return problem


def _name_problem(item: Item, name: str) -> str | None:
    """Why `name` is not a safe, portable item name; None when it is."""
    if "/" in name or "\\" in name or ".." in name:
        return f"expected a plain name without a path separator or '..', got {name!r}"
    if len(name) > ITEM_NAME_MAX and item.kind != "skill":
        return (f"{len(name)} characters; expected at most {ITEM_NAME_MAX}, so that every "
                "platform's file name for it (with its suffix, like .prompt.md) fits")
    if item.kind == "skill":
        if 1 <= len(name) <= SKILL_NAME_MAX and _SKILL_NAME.match(name):
            return None
        return (f"expected 1-{SKILL_NAME_MAX} lowercase letters, digits and single hyphens "
                f"(Agent Skills spec), got {name!r}")
    if _ITEM_NAME.match(name):
        return None
    return (f"expected lowercase letters, digits, '-', '_' or '.', starting with a letter or "
            f"digit, got {name!r}")


def _show(value: object) -> str:
    names = {list: "a list", dict: "a mapping", type(None): "nothing"}
    if type(value) in names:
        return names[type(value)]
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- MCP servers --------------------------------------------------------------------------------


def _mcp_problems(item: Item) -> Iterator[tuple[str, str]]:
    """(field, message) for an MCP server: exactly one transport, typed values, no secrets."""
    meta = item.meta
    has_command, has_url = "command" in meta, "url" in meta
    if has_command == has_url:
        got = "both" if has_command else "neither"
        yield ("command", "expected exactly one of 'command' (a local server) or 'url' "
               f"(a remote server), got {got}")
    if has_command:
        yield from _expect(meta, "command", _string_problem)
        yield from _expect(meta, "args", _strict_list_problem)
    if has_url:
        yield from _expect(meta, "url", _url_problem)
    example = "${" + re.sub(r"[^A-Za-z0-9]+", "_", item.name).upper() + "_TOKEN}"
    for key in ("env", "headers"):
        if key in meta:
            yield from _string_map_problems(key, meta[key], example)


def _hook_problems(item: Item) -> Iterator[tuple[str, str]]:
    """(field, message) for a hook: a known event, a command, an optional matcher and timeout."""
    meta = item.meta
    event = meta.get("event")
    if event not in HOOK_EVENTS:
        yield ("event", f"expected one of {', '.join(HOOK_EVENTS)}, got {_show(event)}")
    if not isinstance(meta.get("command"), str) or not meta.get("command"):
        yield ("command", f"expected the command to run, got {_show(meta.get('command'))}")
    if "matcher" in meta and not isinstance(meta["matcher"], str):
        yield ("matcher", f"expected a string (a tool-name pattern), got {_show(meta['matcher'])}")
    timeout = meta.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int)
                                or timeout <= 0):
        yield ("timeout", f"expected a positive number of seconds, got {_show(timeout)}")


def _expect(meta: Mapping[str, Any], key: str,
            check: Callable[[object], str | None]) -> Iterator[tuple[str, str]]:
    if key in meta:
        problem = check(meta[key])
        if problem:
            yield key, problem


def _url_problem(value: object) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return None
    return f"expected an http(s) URL, got {_show(value)}"


def _string_map_problems(key: str, value: object, example: str) -> Iterator[tuple[str, str]]:
    """`env` or `headers`: a mapping of strings, whose secret-looking values are references."""
    if not isinstance(value, dict):
        yield key, f"expected a mapping of names to strings, got {_show(value)}"
        return
    for name, entry in value.items():
        where = f"{key}.{name}"
        if key == "env" and not _ENV_NAME.match(str(name)):
            yield where, (f"expected an environment variable name (letters, digits and _, not "
                          f"starting with a digit), got {str(name)!r}")
        elif not isinstance(entry, str):
            yield where, f"expected a string, got {_show(entry)}"
        elif _looks_secret(str(name)) and not _is_reference(entry):
            # An env entry's own name is the natural variable; a header's name is not.
            own = "${" + str(name).upper() + "}" if key == "env" and _ENV_NAME.match(
                str(name)) else example
            yield where, f"expected an environment reference like {own}, not a literal value"


def _looks_secret(name: str) -> bool:
    upper = name.upper()
    return upper == "AUTHORIZATION" or any(word in upper for word in _SECRET_WORDS)


def _is_reference(value: str) -> bool:
    """`${NAME}` references, at most a scheme word before them ("Bearer "), nothing secret."""
    rest = _SCHEME_WORD.sub("", value.strip(), count=1)
    if not _ENV_REF.search(rest):
        return False
    leftover = _ENV_REF.sub("", rest)
    return not any(ch.isalnum() for ch in leftover)


# --- relations between items ------------------------------------------------------------


def _relation_problems(library: Library) -> Iterator[Problem]:
    """Every `requires` / `enhances` / `conflicts` entry must name exactly one item."""
    for item in library.items.values():
        lines: KeyLines | None = None
        for relation in RELATION_FIELDS:
            for ref in getattr(item, relation):
                message = _unresolved(library, item, ref)
                if message is None:
                    continue
                lines = lines or KeyLines(item.source, whole_file=item.kind in YAML_KINDS)
                yield Problem.at(item.source, message, line=lines.line(relation),
                                 field=relation)


def _unresolved(library: Library, item: Item, ref: str) -> str | None:
    if library.resolve(ref, prefer=item.kind) is not None:
        return None
    found = library.candidates(ref)
    if not found and library.is_unloaded(ref):
        return None  # its file is broken, which is already reported
    if found:
        ids = ", ".join(other.id for other in found)
        return f"item {ref!r} is ambiguous ({ids}); write kind/name"
    return f"unknown item {ref!r}{library.suggest(ref)}"


def _requires_graph(library: Library) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    for item_id, item in library.items.items():
        targets = (library.resolve(ref, prefer=item.kind) for ref in item.requires)
        graph[item_id] = sorted({target.id for target in targets if target is not None})
    return graph


def _cycle_problems(library: Library) -> Iterator[Problem]:
    """One problem per `requires` cycle, named in order from its smallest id."""
    graph = _requires_graph(library)
    reported: set[str] = set()
    for start in sorted(graph):
        if start in reported:
            continue
        cycle = _shortest_cycle(graph, start)
        if cycle is None:
            continue
        reported.update(cycle)
        item = library.items[start]
        line = KeyLines(item.source, whole_file=item.kind in YAML_KINDS).line("requires")
        text = " -> ".join([*cycle, start])
        yield Problem.at(item.source, f"requires cycle: {text}", line=line, field="requires")


def _shortest_cycle(graph: Mapping[str, list[str]], start: str) -> list[str] | None:
    """The shortest path start -> ... -> start (without the final start), by breadth first."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in graph.get(node, ()):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return path[::-1]
            if target not in parents:
                parents[target] = node
                queue.append(target)
    return None
