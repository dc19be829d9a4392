"""Load library layers (built-in < sources < user < project) into Items.

Loading never raises for a bad item: a file that cannot be read as an item is skipped and
reported as a Problem, so one broken file does not hide the rest of the library. Field-level
checks (types, names, relations) live in `aiwg.validate`; loading only coerces what it can.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
import yaml
from frontmatter.default_handlers import YAMLHandler

from aiwg import bounded_yaml
from aiwg.errors import InputError, Problem
from aiwg.items import KIND_DIRS, KINDS, YAML_KINDS, Item, Kind, Resource, checks_from_body
from aiwg.parse_cache import ParseCache
from aiwg.resources import builtin_library_dir

if TYPE_CHECKING:
    from aiwg.config import Config

DEFAULT_LIBRARY_PATH = ".aiwg/library"  # aiwg.config's default; it may be absent

MCP_SUFFIXES = (".yaml", ".yml")
SKILL_FILE = "SKILL.md"
# Typed list fields; each may also be written as one comma-separated string.
LIST_FIELDS = ("tags", "targets", "globs", "requires", "enhances", "conflicts", "checks")
_DIR_KINDS: Mapping[str, Kind] = {folder: kind for kind, folder in KIND_DIRS.items()}
# python-frontmatter's own YAML handler: it finds the `---` fences and parses with SafeLoader.
_YAML_FM = YAMLHandler()


@dataclass(frozen=True)
class Layer:
    """One library folder; `name` is "builtin", "source:<name>", "user", "project",
    "project:<path>" or "user:<path>" (a path listed in the user config)."""

    name: str
    path: Path
    # A shared source's selection: only the items it accepts are loaded from this layer.
    take: Callable[[Item], bool] | None = field(default=None, compare=False)
    # Source layers whose items this one's replace; two sources that define one item and
    # where neither overrides the other are a problem naming both.
    overrides: frozenset[str] = frozenset()

    @property
    def kind(self) -> str:
        """"builtin", "user" or "project": what `[select] layers` names."""
        return self.name.partition(":")[0]


def user_library_dir() -> Path:
    """The personal library in the platformdirs user data folder."""
    return platformdirs.user_data_path("aiwg") / "library"


def default_layers(root: Path, config: Config, scope: str = "project",
                   sources: Sequence[Layer] = ()) -> list[Layer]:
    """The layers to load, lowest first: built-in, the shared `sources`, user, then each
    existing configured path.

    `root` is where relative library paths start: the project in project scope, the user
    config folder in user scope. A project reads the user library only when its config says
    `[library] user = true`; a user-scope run never reads a project's library.
    """
    layers: list[Layer] = []
    if config.builtin:
        builtin = _builtin_dir()
        if builtin is not None:
            layers.append(Layer("builtin", builtin))
    layers.extend(sources)
    if config.user_library:
        user = user_library_dir()
        if user.is_dir():
            layers.append(Layer("user", user))
    paths = config.library_paths
    own = "project" if scope == "project" else "user"
    for configured in paths:
        folder = root / Path(configured).expanduser()
        if folder.is_dir():
            # With one project path the short name reads better in `aiwg list`.
            name = own if len(paths) == 1 and own == "project" else f"{own}:{configured}"
            layers.append(Layer(name, folder))
    return layers


def _builtin_dir() -> Path | None:
    try:
        return builtin_library_dir()
    except FileNotFoundError:
        return None


@dataclass
class Library:
    """The winning item for each id, plus what it shadows and what could not be loaded."""

    items: dict[str, Item]
    layers: tuple[Layer, ...] = ()
    shadowed: dict[str, list[Item]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Ids of item files that exist but could not be loaded (their problem is in `problems`),
    # so a reference to one is not reported a second time as an unknown item.
    unloaded: frozenset[str] = frozenset()
    _by_name: dict[str, list[Item]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name = {}
        for item in self.items.values():
            self._by_name.setdefault(item.name, []).append(item)

    def is_unloaded(self, ref: str) -> bool:
        """Whether `ref` names an item file that exists but could not be loaded."""
        if "/" in ref:
            prefix, _, name = ref.partition("/")
            return f"{_kind_named(prefix)}/{name}" in self.unloaded
        return any(item_id.partition("/")[2] == ref for item_id in self.unloaded)

    def all_items(self) -> Iterator[Item]:
        """Every loaded item: the winners and the lower-layer items they shadow."""
        for item_id, item in self.items.items():
            yield from self.shadowed.get(item_id, ())
            yield item

    def candidates(self, ref: str) -> list[Item]:
        """Items `ref` ("name" or "kind/name") could mean; more than one when ambiguous."""
        prefix, sep, name = ref.strip().partition("/")
        if not sep:
            return list(self._by_name.get(prefix, ()))
        kind = _kind_named(prefix)
        item = self.items.get(f"{kind}/{name}") if kind else None
        return [item] if item else []

    def resolve(self, ref: str, *, prefer: Kind | None = None) -> Item | None:
        """The item `ref` names, or None when unknown or ambiguous.

        `prefer` settles a bare name shared by several kinds (a rule's `requires: [x]` means
        the rule x when there is also a skill x).
        """
        found = self.candidates(ref)
        if len(found) > 1 and prefer is not None:
            found = [item for item in found if item.kind == prefer] or found
        return found[0] if len(found) == 1 else None

    def find(self, ref: str) -> Item:
        """Like `resolve`, but an unknown or ambiguous ref is a one-line InputError."""
        found = self.candidates(ref)
        if len(found) == 1:
            return found[0]
        if found:
            ids = ", ".join(item.id for item in found)
            raise InputError(f"item {ref!r} is ambiguous: {ids}; write kind/name")
        raise InputError(f"unknown item {ref!r}{self.suggest(ref)}")

    def suggest(self, ref: str) -> str:
        """"; did you mean 'x'?" for the closest id or name, else ""."""
        _, sep, name = ref.partition("/")
        if sep and len(self._by_name.get(name, ())) == 1:
            # The right name under the wrong kind: point at the kind that has it.
            return f"; did you mean {self._by_name[name][0].id!r}?"
        pool = [*self.items, *self._by_name]
        close = difflib.get_close_matches(ref, pool, n=1, cutoff=0.6)
        return f"; did you mean {close[0]!r}?" if close else ""


def _kind_named(word: str) -> Kind | None:
    """A kind from its singular name or its folder name ("rule" or "rules")."""
    for kind in KINDS:
        if word == kind:
            return kind
    return _DIR_KINDS.get(word)


# --- loading ----------------------------------------------------------------------------------


def load_library(layers: Sequence[Layer], platform_keys: Collection[str] = (),
                 cache: ParseCache | None = None) -> Library:
    """Load every layer; later layers override earlier ones by (kind, name). With `cache`, a
    file whose text was parsed before is not parsed again (see parse_cache)."""
    keys = frozenset(platform_keys)
    cache = cache or ParseCache.disabled()
    winners: dict[str, Item] = {}
    shadowed: dict[str, list[Item]] = {}
    problems: list[Problem] = []
    unloaded: set[str] = set()
    by_name = {layer.name: layer for layer in layers}
    for layer in layers:
        for item in _load_layer(layer, keys, problems, unloaded, cache):
            if layer.take is not None and not layer.take(item):
                continue
            current = winners.get(item.id)
            if current is not None and not _replaces(layer, by_name.get(current.layer)):
                # The earlier source keeps it; the item is still known (a lock hashes it).
                problem = _source_conflict(item, current, layer, by_name.get(current.layer))
                if problem is not None:
                    problems.append(problem)
                shadowed.setdefault(item.id, []).append(item)
                continue
            if current is not None:
                shadowed.setdefault(item.id, []).append(current)
            winners[item.id] = item
    items = {item_id: winners[item_id] for item_id in sorted(winners)}
    return Library(items, tuple(layers), shadowed, problems, frozenset(unloaded))


def _is_source(layer: Layer | None) -> bool:
    return layer is not None and layer.kind == "source"


def _replaces(layer: Layer, current: Layer | None) -> bool:
    """Whether an item of `layer` replaces one of `current`: a later layer does, except that
    of two sources only the one whose `overrides` names the other wins."""
    if not (_is_source(layer) and _is_source(current)) or current is None:
        return True
    return current.name in layer.overrides


def _source_conflict(item: Item, current: Item, layer: Layer,
                     current_layer: Layer | None) -> Problem | None:
    """None when `current_layer` overrides `layer` by config; else the conflict, naming both."""
    if current_layer is not None and layer.name in current_layer.overrides:
        return None
    mine, theirs = layer.name.partition(":")[2], current.layer.partition(":")[2]
    return Problem.at(item.source, f"{item.id} is also defined by source {theirs!r} "
                      f"({current.source}); two sources may not define one item: set "
                      f"`overrides = [\"{theirs}\"]` on source {mine!r} to let it win (or "
                      f"`overrides = [\"{mine}\"]` on {theirs!r}), or exclude it from one "
                      "of them", field="name")


def _load_layer(layer: Layer, keys: frozenset[str], problems: list[Problem],
                unloaded: set[str], cache: ParseCache) -> list[Item]:
    """The items of one layer; two files claiming one (kind, name) keep only the first."""
    seen: dict[str, Path] = {}
    items: list[Item] = []
    for kind, path in _item_files(layer.path, problems):
        item = _load_item(kind, path, layer.name, keys, problems, layer.path, cache)
        if item is None:
            unloaded.add(f"{kind}/{_file_name(kind, path)}")
            continue
        if item.id in seen:
            problems.append(Problem.at(path, f"duplicate of {item.id} ({seen[item.id].name}) in "
                                       "the same layer; keep one", field="name"))
            continue
        seen[item.id] = path
        items.append(item)
    return items


def _item_files(root: Path, problems: list[Problem]) -> Iterator[tuple[Kind, Path]]:
    """(kind, file) for every item file in a layer, in a stable order; dotfiles are ignored."""
    for kind in KINDS:
        folder = root / KIND_DIRS[kind]
        if not folder.is_dir():
            continue
        if kind == "skill":
            yield from _skill_files(folder, problems)
            continue
        suffixes = MCP_SUFFIXES if kind in YAML_KINDS else (".md",)
        for path in sorted(folder.iterdir()):
            if not _hidden(path) and path.is_file() and path.suffix in suffixes:
                yield kind, path


def _skill_files(folder: Path, problems: list[Problem]) -> Iterator[tuple[Kind, Path]]:
    for skill_dir in sorted(folder.iterdir()):
        if _hidden(skill_dir) or not skill_dir.is_dir():
            continue
        skill_file = skill_dir / SKILL_FILE
        if skill_file.is_file():
            yield "skill", skill_file
        else:
            problems.append(Problem.at(skill_dir, f"expected a {SKILL_FILE} in the skill folder"))


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


def _load_item(kind: Kind, path: Path, layer: str, keys: frozenset[str],
               problems: list[Problem], layer_root: Path, cache: ParseCache) -> Item | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    parsed = (cache.parse("yaml", path, text, _parse_mcp) if kind in YAML_KINDS
              else cache.parse("markdown", path, text, _parse_markdown))
    if isinstance(parsed, Problem):
        problems.append(parsed)
        return None
    data, body = parsed
    meta, overrides = _split_overrides(path, data, keys, problems)
    resources: tuple[Resource, ...] = ()
    if kind == "skill":
        found = _skill_resources(path.parent, layer_root)
        if isinstance(found, Problem):
            problems.append(found)
            return None
        resources = found
    return _build_item(kind, _file_name(kind, path), meta, overrides, body, path, layer,
                       resources)


def _file_name(kind: Kind, path: Path) -> str:
    """The name the file system gives an item: its file stem, or its skill folder's name."""
    return path.parent.name if kind == "skill" else path.stem


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem.at(path, f"cannot be read: {error.strerror or error}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"expected UTF-8 text (invalid byte at offset {error.start})"
        problems.append(Problem.at(path, message))
        return None
    # Files written on Windows must parse and deploy exactly like their LF twins.
    return text.replace("\r\n", "\n")


def _parse_markdown(path: Path, text: str) -> tuple[dict[str, Any], str] | Problem:
    """(frontmatter mapping, body) of a Markdown item, or the Problem that stops it loading.

    This uses python-frontmatter's YAML handler rather than `frontmatter.loads`, because
    `loads` strips the body and silently drops frontmatter that is not a mapping; both must
    be seen here.
    """
    stripped = text.lstrip()
    # Blank lines before the opening fence shift every YAML line number reported below.
    offset = text[: len(text) - len(stripped)].count("\n")
    opening = _YAML_FM.FM_BOUNDARY.match(stripped)
    if opening is None:
        return Problem.at(path, "expected YAML frontmatter: a '---' line, the fields "
                          "(name, description, ...), then a closing '---' line", line=1)
    try:
        fm_text, body = _YAML_FM.split(stripped)
    except ValueError:
        return Problem.at(path, "frontmatter is not closed: expected a '---' line after "
                          "the fields", line=offset + 1)
    # The file line of the YAML text's first line: the fence match may end past a newline.
    first_line = offset + 1 + opening.group().count("\n")
    try:
        data = bounded_yaml.load(fm_text)
    except yaml.YAMLError as error:
        return _yaml_problem(path, error, first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        content_line = first_line + _first_content_index(fm_text)
        return Problem.at(path, f"frontmatter must be a mapping of fields, got "
                          f"{_type_name(data)}", line=content_line)
    return {str(key): value for key, value in data.items()}, _strip_leading_blank_lines(body)


def _first_content_index(text: str) -> int:
    lines = text.split("\n")
    return next((i for i, line in enumerate(lines) if line.strip()), 0)


def _strip_leading_blank_lines(body: str) -> str:
    """The body as written, minus the blank lines that separate it from the frontmatter."""
    while body.startswith("\n") or (body.startswith(" ") and body.split("\n", 1)[0].isspace()):
        _, _, body = body.partition("\n")
    return body


def _parse_mcp(path: Path, text: str) -> tuple[dict[str, Any], str] | Problem:
    try:
        data = bounded_yaml.load(text)
    except yaml.YAMLError as error:
        return _yaml_problem(path, error, 1)
    if not isinstance(data, dict):
        return Problem.at(path, f"expected a YAML mapping (name, description, command or url, "
                          f"...), got {_type_name(data)}", line=1)
    return {str(key): value for key, value in data.items()}, ""


def _yaml_problem(path: Path, error: yaml.YAMLError, first_line: int) -> Problem:
    """One line from a YAML error: its own line mark (0-based) mapped onto the file."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = first_line + mark.line if mark is not None else None
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem.at(path, f"malformed YAML: {reason}", line=line)


def _type_name(value: object) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number",
             bool: "a boolean", dict: "a mapping", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _split_overrides(path: Path, data: dict[str, Any], keys: frozenset[str],
                     problems: list[Problem]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Frontmatter minus the per-platform blocks, and those blocks keyed as written."""
    meta: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for key, value in data.items():
        if key not in keys:
            meta[key] = value
        elif isinstance(value, dict):
            overrides[key] = {str(k): v for k, v in value.items()}
        else:
            problems.append(Problem.at(path, f"expected a mapping of fields for platform "
                                       f"{key!r}, got {_type_name(value)}", field=key))
    return meta, overrides


def _skill_resources(folder: Path, layer_root: Path) -> tuple[Resource, ...] | Problem:
    """Every file in a skill folder except SKILL.md and dotfiles, with its owner-exec bit.

    A symlink is followed only while it stays inside the library layer (or the skill's own
    folder): a link to ~/.ssh/id_rsa must never be copied into a project. Anything but a
    regular file (a named pipe would hang the read) is refused.
    """
    inside = (layer_root.resolve(), folder.resolve())
    found: list[Resource] = []
    seen_dirs: set[Path] = set()
    for current, dirs, files in os.walk(folder, followlinks=True):
        seen_dirs.add(Path(current).resolve())
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            link = Path(current, name)
            real = link.resolve()
            if link.is_symlink() and not any(real.is_relative_to(root) for root in inside):
                return _outside(link, real, folder)
            if real not in seen_dirs:  # a link back up the tree is walked once
                kept.append(name)
        dirs[:] = kept
        for name in files:
            path = Path(current, name)
            relative = path.relative_to(folder).as_posix()
            if name.startswith(".") or relative == SKILL_FILE:
                continue
            resource = _resource(path, relative, inside, folder)
            if isinstance(resource, Problem):
                return resource
            found.append(resource)
    return tuple(sorted(found, key=lambda resource: resource.path))


def _resource(path: Path, relative: str, inside: tuple[Path, ...],
              folder: Path) -> Resource | Problem:
    try:
        real = path.resolve(strict=True)
        if path.is_symlink() and not any(real.is_relative_to(root) for root in inside):
            return _outside(path, real, folder)
        info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            return Problem.at(path, "expected a regular file as a skill resource, got "
                              f"{_file_type(info.st_mode)}; remove it from the skill folder")
        return Resource(relative, real.read_bytes(), bool(info.st_mode & stat.S_IXUSR))
    except OSError as error:
        return Problem.at(path, f"skill resource cannot be read: {error.strerror or error}")


def _outside(link: Path, real: Path, folder: Path) -> Problem:
    return Problem.at(link, f"is a symlink to {real}, outside the library; aiwg copies only "
                      f"files inside the library into {folder.name}'s deployed folder, so copy "
                      "the file in (or link to one inside the library)")


def _file_type(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))
    return next((name for test, name in kinds if test(mode)), "a special file")


# --- typed fields -------------------------------------------------------------------------------


def _build_item(kind: Kind, name: str, meta: dict[str, Any], overrides: dict[str, Any],
                body: str, path: Path, layer: str, resources: tuple[Resource, ...]) -> Item:
    """An Item whose typed fields are best-effort coercions; `validate` reports bad values."""
    lists = {key: as_tuple(meta.get(key)) for key in LIST_FIELDS}
    if "checks" not in meta:
        lists["checks"] = checks_from_body(body)
    always = meta.get("always")
    return Item(
        kind=kind,
        # The file name is the identity (layers override by it); a frontmatter name that
        # differs is reported by validation.
        name=name,
        description=_as_str(meta.get("description")) or "",
        body=body,
        meta=meta,
        overrides=overrides,
        source=path,
        layer=layer,
        resources=resources,
        version=_as_version(meta.get("version")),
        category=_as_str(meta.get("category")),
        severity=_as_str(meta.get("severity")),
        always=always if isinstance(always, bool) else None,
        **lists,
    )


def as_tuple(value: object) -> tuple[str, ...]:
    """A list field as a tuple of strings; a comma string is split; anything else is empty."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return ()


def _as_str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _as_version(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None
