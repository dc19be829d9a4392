"""The manifest (what aiwg wrote, at which grain, for whom) and where a scope keeps its state.

The manifest is how aiwg knows which bytes are its own: a file, block or key it did not record
here is never overwritten without `--force`. It is never trusted as to *where* things are: an
entry names a root by id and a path relative to it, and a root is only what the adapters compute
now (`aiwg.roots`). An entry that names an unknown root, an absolute path or `..` is ignored with
a warning and never acted on, so a crafted or copied manifest cannot steer a write or a delete.

The file is text made to merge in git: one header line, then one JSON object per line, sorted,
paths relative; `.aiwg/.gitattributes` asks git for a union merge, so two branches that each add
an output merge cleanly. Two lines for one output (both sides changed it) mean "aiwg wrote either
of these": both digests are kept until the next write settles it.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import platformdirs

from aiwg.bases import BaseStore
from aiwg.errors import InputError
from aiwg.outputs import Grain, Output, output_identity, sha256
from aiwg.roots import PROJECT_ROOT_ID, RootTable

MANIFEST_VERSION = 2
GRAINS = ("file", "block", "keys", "entry")
# Local state that never belongs in git (written into `.aiwg/.gitignore`).
GITIGNORE_TEXT = ("# aiwg's local state: base copies for three-way merges and the run lock.\n"
                  "# Commit manifest.jsonl; see README, \"In a team repository\".\n"
                  "/local/\n/lock\n")
GITATTRIBUTES_TEXT = ("# One output per line: a union merge keeps what both branches added.\n"
                      "manifest.jsonl merge=union\n")


@dataclass(frozen=True)
class Entry:
    # `path` as outputs carry it: relative in project scope, absolute (inside `root`) in user
    # scope. `root` is where `root_id` is *now*; neither is read from the manifest file.
    path: str
    grain: Grain
    platforms: tuple[str, ...]
    sources: tuple[str, ...]
    sha256: str
    root: str
    block: str = ""
    key_path: tuple[str, ...] = ()
    syntax: str | None = None
    executable: bool = False
    # True when aiwg created the host file of a block or key; removing the last owned part of
    # such a file, with nothing else left in it, removes the file too.
    created_file: bool = False
    # For a key: the depth of the first part of its path that did not exist when aiwg first wrote
    # it; containers below that depth are aiwg's and go when they are left empty.
    created_from: int | None = None
    comment: str = "html"
    root_id: str = PROJECT_ROOT_ID
    # Other digests aiwg wrote for this output (two branches each changed it, merged by git).
    also: tuple[str, ...] = ()
    # Set when the payload on disk (sha256) is a person's edit aiwg has taken as intended (by
    # `aiwg accept`, or a conflict the person finished by hand): the digest of the library
    # render it was reconciled with. While the library still renders that, the output is up to
    # date; when the library changes, the change merges three ways against it.
    accepted: str | None = None

    @property
    def identity(self) -> str:
        return output_identity(self.path, self.grain, self.block, self.key_path)

    @property
    def digests(self) -> tuple[str, ...]:
        return (self.sha256, *self.also)

    def owns(self, digest: str) -> bool:
        """True when aiwg wrote exactly these bytes for this output."""
        return digest == self.sha256 or digest in self.also

    @classmethod
    def for_output(cls, output: Output, digest: str, created_file: bool,
                   created_from: int | None = None, accepted: str | None = None) -> Entry:
        return cls(path=output.path, grain=output.grain, platforms=output.platforms,
                   sources=output.sources, sha256=digest, root=output.root, block=output.block,
                   key_path=output.key_path, syntax=output.syntax,
                   executable=output.executable, created_file=created_file,
                   created_from=created_from, comment=output.comment, root_id=output.root_id,
                   accepted=accepted)

    def relative_path(self) -> str:
        if self.root_id == PROJECT_ROOT_ID:
            return self.path
        return posixpath.relpath(self.path, self.root)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.relative_path(), "grain": self.grain}
        if self.root_id != PROJECT_ROOT_ID:
            data["root"] = self.root_id
        optional: dict[str, Any] = {
            "block": self.block, "key_path": list(self.key_path), "syntax": self.syntax,
            "platforms": list(self.platforms), "sources": list(self.sources),
            "sha256": self.sha256, "also": list(self.also), "executable": self.executable,
            "created_file": self.created_file, "created_from": self.created_from,
            "comment": None if self.comment == "html" else self.comment,
            "accepted": self.accepted,
        }
        # Leave defaults out so lines stay short and diffs stay readable.
        data.update({k: v for k, v in optional.items()
                     if not (v is None or v is False or v == "" or v == [])})
        return data

    def line(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)

    def sort_key(self) -> tuple[str, str, str]:
        return (self.root_id, self.relative_path(), self.identity)


@dataclass
class Manifest:
    scope: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # Entries read but not trusted (outside every root computed now), one warning each.
    ignored: list[str] = field(default_factory=list)

    def platforms(self) -> set[str]:
        return {p for entry in self.entries.values() for p in entry.platforms}

    def entries_for(self, platforms: Iterable[str]) -> list[Entry]:
        wanted = set(platforms)
        return [e for e in self.entries.values() if wanted & set(e.platforms)]

    def to_bytes(self) -> bytes:
        header = json.dumps({"aiwg_manifest": MANIFEST_VERSION, "scope": self.scope})
        lines = [header, *(e.line() for e in sorted(self.entries.values(),
                                                     key=Entry.sort_key))]
        return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass(frozen=True)
class StateDir:
    """Where one scope keeps its manifest, base store and lock."""

    path: Path

    @property
    def manifest_file(self) -> Path:
        return self.path / "manifest.jsonl"

    @property
    def legacy_manifest_file(self) -> Path:
        """Manifest version 1 (one JSON document with absolute roots); read, then replaced."""
        return self.path / "manifest.json"

    @property
    def local_dir(self) -> Path:
        return self.path / "local"

    @property
    def legacy_base_dir(self) -> Path:
        return self.path / "base"

    @property
    def lock_file(self) -> Path:
        return self.path / "lock"

    @property
    def bases_file(self) -> Path:
        return self.local_dir / "bases.sqlite"

    def bases(self) -> BaseStore:
        return BaseStore(self.bases_file, self.legacy_base_dir)

    def read_base(self, digest: str) -> bytes | None:
        return self.bases().get(digest)

    def side_files(self) -> dict[Path, bytes]:
        """Files that tell git what to keep (written once, when missing)."""
        return {self.path / ".gitignore": GITIGNORE_TEXT.encode(),
                self.path / ".gitattributes": GITATTRIBUTES_TEXT.encode()}

    def check(self) -> None:
        """Refuse state reached through a symlink: it would put aiwg's writes (manifest, bases,
        lock) and deletes wherever the link points."""
        for path in (self.path, self.manifest_file, self.legacy_manifest_file, self.local_dir,
                     self.bases_file, self.lock_file, self.legacy_base_dir,
                     *self.side_files()):
            if path.is_symlink():
                raise InputError(f"{path}: is a symlink; aiwg keeps its own state only in real "
                                 "files and folders (replace the link with a folder or remove it)")
            if path != self.path and path.exists() and path.is_dir() != (
                    path in (self.local_dir, self.legacy_base_dir)):
                raise InputError(f"{path}: unexpected {'folder' if path.is_dir() else 'file'} "
                                 "in aiwg's state; move it aside")

    def retire_legacy(self) -> None:
        """Remove version-1 state once the new manifest is written: the old manifest and the
        one-blob-per-output base folder, deleting only regular files named by their digest."""
        legacy = self.legacy_manifest_file
        if legacy.is_file() and not legacy.is_symlink():
            legacy.unlink()
        base = self.legacy_base_dir
        if not base.is_dir() or base.is_symlink():
            return
        for folder in base.iterdir():
            if folder.is_symlink() or not folder.is_dir():
                continue
            for blob in folder.iterdir():
                if (blob.is_file() and not blob.is_symlink() and blob.name.startswith(folder.name)
                        and len(blob.name) == 64):
                    blob.unlink()
            _rmdir(folder)
        _rmdir(base)


def _rmdir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def project_state(project_root: Path) -> StateDir:
    return StateDir(project_root / ".aiwg")


def user_state() -> StateDir:
    path = platformdirs.user_state_path("aiwg")
    if not path.is_absolute():
        raise InputError(f"XDG_STATE_HOME: expected an absolute path, got {str(path.parent)!r}")
    return StateDir(path)


# --- reading -------------------------------------------------------------------------------


def _relative(path: Any) -> str | None:
    """A clean relative POSIX path, or None for anything that could leave its root."""
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
        return None
    posix = PurePosixPath(path)
    if posix.is_absolute() or ".." in posix.parts or posixpath.normpath(path) in (".", ""):
        return None
    return posixpath.normpath(path)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _entry(data: Mapping[str, Any], root_id: str, root: str, path: str) -> Entry:
    grain = data["grain"]
    if grain not in GRAINS or not isinstance(data["sha256"], str):
        raise TypeError(f"grain {grain!r}")
    created_from = data.get("created_from")
    if created_from is not None and not isinstance(created_from, int):
        raise TypeError("created_from: expected a number")
    accepted = data.get("accepted")
    if accepted is not None and not isinstance(accepted, str):
        raise TypeError("accepted: expected a digest")
    full = path if root_id == PROJECT_ROOT_ID else posixpath.join(root, path)
    return Entry(path=full, grain=grain, platforms=_strings(data.get("platforms", [])),
                 sources=_strings(data.get("sources", [])), sha256=data["sha256"], root=root,
                 block=str(data.get("block", "")), key_path=_strings(data.get("key_path", [])),
                 syntax=data.get("syntax"), executable=bool(data.get("executable", False)),
                 created_file=bool(data.get("created_file", False)), created_from=created_from,
                 comment=str(data.get("comment", "html")), root_id=root_id,
                 also=_strings(data.get("also", [])), accepted=accepted)


def _place_v2(data: Mapping[str, Any], roots: RootTable) -> tuple[str, str, str] | str:
    """(root id, root now, relative path) of a version-2 entry, or why it is not trusted."""
    root_id = data.get("root", PROJECT_ROOT_ID)
    relative = _relative(data.get("path"))
    if relative is None:
        return f"path {data.get('path')!r} is not a relative path inside a root"
    root = roots.path_of(root_id) if isinstance(root_id, str) else None
    if root is None:
        return f"root {root_id!r} is not one aiwg computes for this scope"
    return root_id, root, relative


def _place_v1(data: Mapping[str, Any], roots: RootTable) -> tuple[str, str, str] | str:
    """Version 1 recorded an absolute root: trusted only when it is a root computed now."""
    stored_root, stored_path = data.get("root"), data.get("path")
    if not isinstance(stored_root, str) or not isinstance(stored_path, str):
        return "no root and path"
    candidates = roots.for_platforms(_strings(data.get("platforms", [])))
    for root_id, root in sorted(candidates.items()):
        if posixpath.normpath(stored_root) != root:
            continue
        relative = stored_path if roots.scope == "project" else (
            posixpath.relpath(stored_path, root) if posixpath.isabs(stored_path) else None)
        checked = _relative(relative)
        if checked is not None:
            return root_id, root, checked
    return f"root {stored_root!r} is not a root aiwg computes now"


def _merge_duplicate(seen: Entry, entry: Entry) -> Entry:
    """Two lines for one output (a union merge of two branches): aiwg wrote either digest."""
    digests = tuple(d for d in dict.fromkeys((*seen.digests, *entry.digests)) if d != seen.sha256)
    froms = [f for f in (seen.created_from, entry.created_from) if f is not None]
    return replace(seen, also=digests,
                   platforms=tuple(dict.fromkeys((*seen.platforms, *entry.platforms))),
                   sources=tuple(sorted(set(seen.sources) | set(entry.sources))),
                   created_file=seen.created_file and entry.created_file,
                   created_from=min(froms) if froms else None)


def _records(file: Path, raw: bytes) -> tuple[int, list[tuple[int, Any]], str | None]:
    """(version, [(line number, entry object)], scope) of either manifest version."""
    text = raw.decode("utf-8")
    if file.suffix == ".json":
        data = json.loads(text)
        return 1, [(0, e) for e in data["outputs"].values()], data.get("scope")
    version, scope, records = MANIFEST_VERSION, None, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        value = json.loads(line)
        if not isinstance(value, dict):
            raise TypeError(f"line {number}: expected an object")
        if "aiwg_manifest" in value:
            version, scope = value["aiwg_manifest"], value.get("scope", scope)
            if version != MANIFEST_VERSION:
                raise TypeError(f"line {number}: manifest version {version!r} is not "
                                f"{MANIFEST_VERSION}; a newer aiwg wrote it")
        else:
            records.append((number, value))
    return version, records, scope


def load_manifest(state: StateDir, scope: str, roots: RootTable) -> Manifest:
    """The manifest, keeping only entries inside the roots computed now."""
    state.check()
    file = state.manifest_file if os.path.lexists(state.manifest_file) else (
        state.legacy_manifest_file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return Manifest(scope)
    except OSError as error:
        raise InputError(f"{file}: cannot read ({error.strerror})") from None
    manifest = Manifest(scope)
    try:
        version, records, recorded_scope = _records(file, raw)
        for number, data in records:
            place = (_place_v1 if version == 1 else _place_v2)(data, roots)
            where = f"{file}:{number}" if number else f"{file}: {data.get('path')!r}"
            if isinstance(place, str):
                manifest.ignored.append(f"{where}: ignored, never acted on: {place}")
                continue
            entry = _entry(data, *place)
            seen = manifest.entries.get(entry.identity)
            manifest.entries[entry.identity] = (entry if seen is None
                                                else _merge_duplicate(seen, entry))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise InputError(f"{file}: not a manifest aiwg can read ({error}); move it aside and "
                         "deploy again") from None
    if recorded_scope not in (None, scope):
        raise InputError(f"{file}: records scope {recorded_scope!r}, not {scope!r}")
    return manifest


def payload_digest(payload: bytes) -> str:
    return sha256(payload)
