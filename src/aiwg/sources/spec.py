"""The config model of `[[sources]]`: what each entry may say, checked where it is written.

    [[sources]]
    name = "acme"                                  # optional; from the url, folder or package
    url = "https://github.com/acme/ai-rules.git"   # a git repository ...
    ref = "v1.4.0"                                 # tag, branch or commit (default: its HEAD)
    path = "library"                               # optional folder inside the repository
    # folder = "../org-rules"                      # ... or a local folder
    # package = "acme-ai-rules"                    # ... or an installed package's entry point
    include = { kinds = ["rule"], tags = ["security"] }
    exclude = { names = ["go-*"] }
    overrides = ["other-source"]                   # this source wins where both define an item

The keys of an entry come from `aiwg.config_model.SOURCE` (which `aiwg schema config` is
generated from); this module checks their values. Every mistake is one line with the file, the
line and what was expected, through the config file's own reader.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

from aiwg.config_model import FILTER, SOURCE
from aiwg.errors import InputError
from aiwg.items import KINDS, Kind

SourceKind = Literal["git", "folder", "package"]
# The key that names the location decides the kind.
LOCATION_KEYS: dict[str, SourceKind] = {"url": "git", "folder": "folder", "package": "package"}
SOURCE_KEYS = SOURCE.names
FILTER_KEYS = FILTER.names
# Only transports that authenticate the server or stay on this machine; `ext::` (runs a
# command), `fd::`, plain `git://` and `http://` are refused before git ever sees them.
URL_SCHEMES = ("https://", "ssh://", "file://")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:(?!//)[^\s]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# A ref as `git check-ref-format` allows it, minus everything a shell or git option could use.
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./+-]{0,199}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_PACKAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

Key = tuple[str, ...]


class ConfigReader(Protocol):
    """What `aiwg.config` offers for reporting a mistake at its line (its `_Source`)."""

    def fail(self, key: Key, message: str) -> InputError: ...

    def require(self, key: Key, ok: bool, value: object, expected: str,
                hint: str | None = None) -> None: ...

    def table(self, key: Key, value: object) -> dict[str, Any]: ...

    def check_keys(self, key: Key, table: dict[str, Any], known: tuple[str, ...]) -> None: ...

    def strings(self, key: Key, value: object) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Filter:
    """Items matching any listed kind AND any listed tag AND any listed name glob (an empty
    field matches everything)."""

    kinds: tuple[Kind, ...] = ()
    tags: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.tags or self.names)

    def as_dict(self) -> dict[str, list[str]]:
        return {key: sorted(value) for key, value in
                (("kinds", self.kinds), ("tags", self.tags), ("names", self.names)) if value}


@dataclass(frozen=True)
class SourceSpec:
    """One `[[sources]]` entry, checked. `location` is the url, the folder as written, or the
    package name, by `kind`."""

    name: str
    kind: SourceKind
    location: str
    ref: str | None = None
    path: str | None = None
    include: Filter = field(default_factory=Filter)
    exclude: Filter = field(default_factory=Filter)
    overrides: tuple[str, ...] = ()

    @property
    def layer_name(self) -> str:
        return f"source:{self.name}"

    @property
    def pinned_commit(self) -> bool:
        return self.ref is not None and _COMMIT.match(self.ref) is not None

    def locked_fields(self) -> dict[str, Any]:
        """What the lock records of the config: when any of it changes, the lock is stale."""
        fields: dict[str, Any] = {"kind": self.kind, self._location_key: self.location}
        if self.ref is not None:
            fields["ref"] = self.ref
        if self.path is not None:
            fields["path"] = self.path
        if not self.include.empty:
            fields["include"] = self.include.as_dict()
        if not self.exclude.empty:
            fields["exclude"] = self.exclude.as_dict()
        return fields

    @property
    def _location_key(self) -> str:
        return next(key for key, kind in LOCATION_KEYS.items() if kind == self.kind)

    def describe(self) -> str:
        """'acme (git https://... @ v1.4.0)' for messages."""
        where = self.location + (f" @ {self.ref}" if self.ref else "")
        if self.path:
            where += f" path {self.path}"
        return f"{self.name} ({self.kind} {where})"


def check_url(url: str) -> str | None:
    """Why `url` is refused as a git source, or None when it is one aiwg will fetch."""
    if not url or url.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "a URL that does not start with '-' and has no spaces"
    authority = url.partition("://")[2].partition("/")[0]
    if url.startswith("ssh://") and any(part.startswith("-") for part in authority.split("@")):
        # ssh would read a user or host starting with '-' as an option (-oProxyCommand=...);
        # git blocks it too, but aiwg never hands such a URL over.
        return "an ssh URL whose user and host do not start with '-'"
    if url.startswith(URL_SCHEMES) or _SCP_LIKE.match(url):
        return None
    return (f"a git URL starting with {', '.join(URL_SCHEMES)} or user@host:path "
            "(other transports, such as ext:: and git://, are refused)")


def check_ref(ref: str) -> str | None:
    """Why `ref` is refused, or None for a tag, branch or commit name aiwg will pass to git."""
    bad = (not _REF.match(ref) or ".." in ref or "@{" in ref or ref.endswith((".lock", "/", "."))
           or "//" in ref or "/." in ref)
    return "a tag, branch or commit (letters, digits, . _ / + -; not starting with '-')" if bad else None


def check_relative(path: str) -> str | None:
    """Why `path` is refused as a folder inside a source, or None."""
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or ":" in path
            or any(part in ("", ".", "..") for part in parts)):
        return "a relative folder inside the source, with '/' between names and no '..'"
    return None


def parse_sources(reader: ConfigReader, data: object) -> tuple[SourceSpec, ...]:
    """The `sources` value of a config (an array of tables), every entry checked."""
    if not isinstance(data, list):
        raise reader.fail(("sources",), "sources: expected an array of tables ([[sources]] "
                                        f"entries), got {type(data).__name__}")
    specs: list[SourceSpec] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(data):
        key = ("sources", str(index))
        spec = _parse_one(reader, key, reader.table(key, entry))
        if spec.name.lower() in names:
            raise reader.fail((*key, "name"), f"sources.{index}.name: {spec.name!r} is already "
                              f"the name of sources.{names[spec.name.lower()]}; give one of "
                              "them another `name`")
        names[spec.name.lower()] = index
        specs.append(spec)
    _check_overrides(reader, specs)
    return tuple(specs)


def _parse_one(reader: ConfigReader, key: Key, table: dict[str, Any]) -> SourceSpec:
    reader.check_keys(key, table, SOURCE_KEYS)
    dotted = ".".join(key)
    given = [name for name in LOCATION_KEYS if name in table]
    if len(given) != 1:
        found = f"got {' and '.join(given)}" if given else "got none"
        raise reader.fail(key, f"{dotted}: expected exactly one of url (a git repository), "
                               f"folder (a local folder) or package (an installed package); "
                               f"{found}")
    kind = LOCATION_KEYS[given[0]]
    location = _string(reader, (*key, given[0]), table[given[0]])
    if kind == "git":
        _check(reader, (*key, "url"), location, check_url(location))
    elif kind == "package":
        reader.require((*key, "package"), _PACKAGE.match(location) is not None, location,
                       "a package or entry point name")
    elif not location:
        reader.require((*key, "folder"), False, location, "a folder path")
    for only_git in ("ref", "path"):
        if only_git in table and kind != "git":
            raise reader.fail((*key, only_git), f"{dotted}.{only_git}: only a git source (url) "
                              f"has a {only_git}; a {kind} source names its folder directly")
    ref = _optional(reader, (*key, "ref"), table.get("ref"))
    if ref is not None:
        _check(reader, (*key, "ref"), ref, check_ref(ref))
    path = _optional(reader, (*key, "path"), table.get("path"))
    if path is not None:
        path = path.strip("/") or path
        _check(reader, (*key, "path"), path, check_relative(path))
    name = _optional(reader, (*key, "name"), table.get("name")) or default_name(kind, location)
    reader.require((*key, "name"), _NAME.match(name) is not None, name,
                   "a name of letters, digits, '.', '_' or '-' (give the source a `name`)")
    return SourceSpec(
        name=name, kind=kind, location=location, ref=ref, path=path,
        include=_filter(reader, (*key, "include"), table.get("include", {})),
        exclude=_filter(reader, (*key, "exclude"), table.get("exclude", {})),
        overrides=reader.strings((*key, "overrides"), table.get("overrides", [])),
    )


def default_name(kind: SourceKind, location: str) -> str:
    """A source's name when the config gives none: the repository's, folder's or package's."""
    if kind == "package":
        return location
    tail = posixpath.basename(location.rstrip("/").replace(":", "/"))
    if kind == "git" and tail.endswith(".git"):
        tail = tail[:-4]
    return tail or "source"


def _filter(reader: ConfigReader, key: Key, value: object) -> Filter:
    table = reader.table(key, value)
    reader.check_keys(key, table, FILTER_KEYS)
    kinds = reader.strings((*key, "kinds"), table.get("kinds", []))
    for kind in kinds:
        reader.require((*key, "kinds"), kind in KINDS, kind, f"a list of kinds ({', '.join(KINDS)})")
    return Filter(kinds=tuple(k for k in KINDS if k in kinds),
                  tags=reader.strings((*key, "tags"), table.get("tags", [])),
                  names=reader.strings((*key, "names"), table.get("names", [])))


def _check_overrides(reader: ConfigReader, specs: list[SourceSpec]) -> None:
    names = {spec.name for spec in specs}
    for index, spec in enumerate(specs):
        key = ("sources", str(index), "overrides")
        for other in spec.overrides:
            reader.require(key, other in names and other != spec.name, other,
                           "the names of other sources (this source's items win over theirs)",
                           hint=_close(other, sorted(names - {spec.name})))
            beaten = next(s for s in specs if s.name == other)
            if spec.name in beaten.overrides:
                raise reader.fail(key, f"sources.{index}.overrides: {spec.name!r} and {other!r} "
                                       "each say they win over the other; keep one of the two")


def _close(word: str, choices: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _string(reader: ConfigReader, key: Key, value: object) -> str:
    reader.require(key, isinstance(value, str), value, "a string")
    return cast(str, value).strip()


def _optional(reader: ConfigReader, key: Key, value: object) -> str | None:
    return None if value is None else _string(reader, key, value)


def _check(reader: ConfigReader, key: Key, value: str, problem: str | None) -> None:
    if problem is not None:
        reader.require(key, False, value, problem)
