"""The git fetcher: the system `git`, run so that nothing in a fetched repository runs.

Every call passes `-c` settings that turn off hooks, submodules, LFS smudging and fsmonitor,
allows only the https, ssh and file transports (`ext::` would run a command), and never asks
for a password (`GIT_TERMINAL_PROMPT=0`). URLs and refs are checked by `aiwg.sources.spec`
before they get here and are always passed after `--` or as a refspec git cannot read as an
option.

Fetches are shallow (depth 1) and partial (`--filter=blob:none`): only the blobs under the
source's `path` are then fetched, in one batch, where the server supports it. Files are read
with `git cat-file`, never checked out, so no attribute, filter or eol setting changes a byte.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiwg.errors import InputError
from aiwg.sources.cache import Entry, GitCache, locked, write_tree

ALLOWED_PROTOCOLS = ("https", "ssh", "file")
SAFE_SETTINGS = (
    "core.hooksPath=/dev/null", "core.fsmonitor=false", "core.askPass=",
    "protocol.allow=never", *(f"protocol.{name}.allow=always" for name in ALLOWED_PROTOCOLS),
    "submodule.recurse=false", "fetch.recurseSubmodules=false", "gc.auto=0",
    "filter.lfs.smudge=", "filter.lfs.process=", "filter.lfs.required=false",
    "advice.detachedHead=false", "init.defaultBranch=main",
)
# Variables that would point git at another repository or config than the cache's.
_REPOSITORY_VARIABLES = re.compile(r"^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|"
                                   r"ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|CEILING_DIRECTORIES|"
                                   r"CONFIG|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|"
                                   r"CONFIG_PARAMETERS|EXEC_PATH|TEMPLATE_DIR)$")
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_TREE_BYTES = 256 * 1024 * 1024
TIMEOUT_SECONDS = 300


class GitError(InputError):
    """git could not do what a source needs (no such ref, no network, not a repository)."""


def _environment(env: Mapping[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in env.items() if not _REPOSITORY_VARIABLES.match(k)}
    clean.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": ":".join(ALLOWED_PROTOCOLS),
                  "GIT_PROTOCOL_FROM_USER": "0", "LC_ALL": "C", "GIT_ASKPASS": "",
                  "SSH_ASKPASS": "", "GIT_LFS_SKIP_SMUDGE": "1"})
    return clean


@dataclass(frozen=True)
class Git:
    """Runs git with aiwg's safe settings, in `cwd` (a cache repository) when given."""

    env: Mapping[str, str]
    source: str  # the source's name, for messages

    def run(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
        command = ["git", *(f for s in SAFE_SETTINGS for f in ("-c", s)), *args]
        try:
            done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True,
                                  env=_environment(self.env), timeout=TIMEOUT_SECONDS,
                                  check=False)
        except FileNotFoundError:
            raise GitError(f"source {self.source!r}: git is not installed (aiwg fetches git "
                           "sources with the system git)") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"source {self.source!r}: git {args[0]} took more than "
                           f"{TIMEOUT_SECONDS}s; check the network and the URL") from None
        if done.returncode != 0:
            raise GitError(f"source {self.source!r}: git {args[0]} failed: {_reason(done.stderr)}")
        return done.stdout


def _reason(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and not line.startswith(("warning:", "hint:"))]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["no message"])[-1]


# --- remote refs -----------------------------------------------------------------------------


def remote_refs(git: Git, url: str, patterns: Sequence[str] = ()) -> dict[str, str]:
    """Ref name -> commit on the remote; a peeled tag (`v1^{}`) is given as the tag's commit."""
    out = git.run("ls-remote", "--", url, *patterns).decode("utf-8", "replace")
    refs: dict[str, str] = {}
    peeled: dict[str, str] = {}
    for line in out.splitlines():
        oid, _, name = line.partition("\t")
        if name.endswith("^{}"):
            peeled[name[:-3]] = oid
        else:
            refs[name] = oid
    refs.update(peeled)
    return refs


@dataclass(frozen=True)
class Resolved:
    commit: str
    # Full ref names that may lead to the commit; the commit itself is tried too.
    refs: tuple[str, ...] = ()

    @classmethod
    def locked(cls, commit: str, ref: str | None) -> Resolved:
        """A commit from the lock: fetched by its own id, else by the ref it was locked from."""
        if ref is None:
            return cls(commit, ("HEAD",))
        return cls(commit, () if ref == commit else (f"refs/tags/{ref}", f"refs/heads/{ref}"))


def resolve(git: Git, url: str, ref: str | None) -> Resolved:
    """The commit a ref names on the remote now: a tag first, then a branch; None is HEAD."""
    if ref is not None and re.fullmatch(r"[0-9a-f]{40}", ref):
        return Resolved(ref)
    wanted = ("HEAD",) if ref is None else (f"refs/tags/{ref}", f"refs/heads/{ref}")
    refs = remote_refs(git, url, [*wanted, *(f"{name}^{{}}" for name in wanted)])
    for name in wanted:
        if name in refs:
            return Resolved(refs[name], (name,))
    what = "a HEAD" if ref is None else f"a tag or branch {ref!r}"
    raise GitError(f"source {git.source!r}: {url} has no {what} (a commit must be written "
                   "whole, 40 hex digits)")


# --- fetching and reading a tree ----------------------------------------------------------------


def fetch_tree(git: Git, cache: GitCache, url: str, resolved: Resolved,
               path: str | None) -> Path:
    """The cached tree of `path` at the commit, fetched and written first when absent."""
    tree = cache.tree(resolved.commit, path)
    if tree.is_dir():
        return tree
    with locked(cache):
        if tree.is_dir():  # another run fetched it while this one waited
            return tree
        _fetch_commit(git, cache, url, resolved)
        entries = _read_entries(git, cache, resolved.commit, path)
        return write_tree(tree, entries, git.source)


def _fetch_commit(git: Git, cache: GitCache, url: str, resolved: Resolved) -> None:
    repo = cache.repo
    if not (repo / "HEAD").is_file():
        # No template: the cache repository has no sample hooks (core.hooksPath is off anyway).
        git.run("init", "--bare", "--quiet", "--template=", str(repo))
        git.run("remote", "add", "origin", url, cwd=repo)
    else:
        git.run("remote", "set-url", "origin", url, cwd=repo)
    if _has_commit(git, repo, resolved.commit):
        return
    local = f"refs/aiwg/{resolved.commit}"
    # Shallow by the ref first (every server allows it), then by the commit's id (most allow
    # it), then the ref's whole history (blobs still left out) for a branch that moved on.
    attempts = [(["--depth", "1"], ref) for ref in resolved.refs]
    attempts.append((["--depth", "1"], resolved.commit))
    attempts += [([], ref) for ref in resolved.refs if ref.startswith("refs/heads/")]
    last: GitError | None = None
    for depth, wanted in attempts:
        try:
            git.run("fetch", "--quiet", *depth, "--filter=blob:none", "--no-tags",
                    "--no-write-fetch-head", "origin", f"+{wanted}:{local}", cwd=repo)
        except GitError as error:
            last = error
            continue
        if _has_commit(git, repo, resolved.commit):
            git.run("update-ref", local, resolved.commit, cwd=repo)
            return
    raise GitError(f"source {git.source!r}: cannot fetch commit {resolved.commit} from {url}"
                   + (f" ({_reason_of(last)})" if last else " (the ref moved on without it)")
                   + f"; run `aiwg update {git.source}` to lock what it has now")


def _reason_of(error: GitError) -> str:
    return str(error).partition(" failed: ")[2] or str(error)


def _has_commit(git: Git, repo: Path, commit: str) -> bool:
    try:
        return git.run("cat-file", "-t", commit, cwd=repo).strip() == b"commit"
    except GitError:
        return False


@dataclass(frozen=True)
class _Blob:
    path: str
    oid: str
    mode: str


def _read_entries(git: Git, cache: GitCache, commit: str, path: str | None) -> list[Entry]:
    repo = cache.repo
    listing = git.run("ls-tree", "-r", "-z", "--full-tree", commit, "--",
                      *([path] if path else []), cwd=repo)
    prefix = f"{path}/" if path else ""
    blobs: list[_Blob] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid = meta.decode().split(" ")
        relative = name.decode("utf-8", "surrogateescape")
        if kind != "blob":
            continue  # a submodule (a commit) is never followed
        if not relative.startswith(prefix):
            continue
        blobs.append(_Blob(relative[len(prefix):], oid, mode))
    if path and not blobs:
        raise GitError(f"source {git.source!r}: the repository has no folder {path!r} at "
                       f"commit {commit[:12]}")
    _prefetch(git, repo, commit, {blob.oid for blob in blobs})
    data = _cat_blobs(git, repo, [blob.oid for blob in blobs])
    return [Entry(blob.path, data[blob.oid], executable=blob.mode == "100755",
                  symlink=blob.mode == "120000") for blob in blobs]


def _prefetch(git: Git, repo: Path, commit: str, wanted: set[str]) -> None:
    """Fetch the missing blobs among `wanted` in one request (a partial clone lacks them)."""
    listed = git.run("rev-list", "--objects", "--missing=print", commit, cwd=repo)
    missing = sorted({line[1:].decode() for line in listed.splitlines()
                      if line.startswith(b"?")} & wanted)
    if not missing:
        return
    git.run("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "origin", "--no-tags",
            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin",
            cwd=repo, stdin="".join(f"{oid}\n" for oid in missing).encode())


def _cat_blobs(git: Git, repo: Path, oids: list[str]) -> dict[str, bytes]:
    if not oids:
        return {}
    out = git.run("cat-file", "--batch", cwd=repo, stdin="".join(f"{o}\n" for o in oids).encode())
    found: dict[str, bytes] = {}
    position = total = 0
    while position < len(out):
        end = out.find(b"\n", position)
        header = out[position:end].decode("utf-8", "replace").split(" ")
        if end < 0 or len(header) != 3 or not header[2].isdigit():
            raise GitError(f"source {git.source!r}: git cat-file could not give "
                           f"{' '.join(header)[:80]!r} (the fetch left it out); delete the "
                           "source's cache folder and try again")
        oid, kind, size_text = header
        size = int(size_text)
        if kind != "blob" or size > MAX_FILE_BYTES:
            raise GitError(f"source {git.source!r}: object {oid[:12]} is {kind} of {size} bytes; "
                           f"aiwg takes files of at most {MAX_FILE_BYTES} bytes")
        total += size
        if total > MAX_TREE_BYTES:
            raise GitError(f"source {git.source!r}: more than {MAX_TREE_BYTES} bytes under its "
                           "path; point `path` at the library folder")
        found[oid] = out[end + 1:end + 1 + size]
        position = end + 1 + size + 1
    return found
