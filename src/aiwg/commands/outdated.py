"""`aiwg outdated`: which sources have something newer than aiwg.lock pins — a newer tag, new
commits on the branch, another installed version, an edited folder. It reads remotes with
`git ls-remote` and changes nothing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from aiwg import console
from aiwg.engine import Context
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from aiwg.sources.lockfile import LOCK_FILE, LockEntry, lock_path, read_lock
from aiwg.sources.spec import SourceSpec


@dataclass(frozen=True)
class Finding:
    name: str
    locked: str
    latest: str
    why: str
    # The newer tag, when that is what is newer: moving to it takes `update NAME --ref TAG`.
    tag: str | None = None

    @property
    def outdated(self) -> bool:
        return self.locked != self.latest

    @property
    def command(self) -> str:
        """What locks the newer one: a tag is a new `ref` in aiwg.toml, the rest a re-lock."""
        return f"aiwg update {self.name}" + (f" --ref {self.tag}" if self.tag else "")


def version_key(tag: str) -> tuple[str, tuple[int, ...]] | None:
    """('v', (1, 10, 0)) for v1.10.0: tags compare by their numbers; None for other names."""
    match = re.fullmatch(r"([A-Za-z_-]*)(\d+(?:\.\d+)*)", tag)
    if match is None:
        return None
    return match[1], tuple(int(part) for part in match[2].split("."))


def newest_tag(current: str | None, tags: list[str]) -> str | None:
    """The highest tag shaped like `current` (same prefix, numbers), when one is higher."""
    mine = version_key(current) if current else None
    shaped = [(key, tag) for tag in tags if (key := version_key(tag)) is not None
              and (mine is None or key[0] == mine[0])]
    if not shaped:
        return None
    best_key, best = max(shaped)
    return best if mine is None or best_key > mine else None


def _git_finding(context: Context, spec: SourceSpec, entry: LockEntry | None) -> Finding:
    from aiwg.sources import git

    refs = git.remote_refs(git.Git(context.env, spec.name), spec.location)
    locked = entry.commit if entry and entry.commit else "(not locked)"
    tags = [name.removeprefix("refs/tags/") for name in refs if name.startswith("refs/tags/")]
    if spec.ref is not None and f"refs/tags/{spec.ref}" in refs:
        newer = newest_tag(spec.ref, tags)
        if newer is not None:
            return Finding(spec.name, spec.ref, newer, f"newer tag {newer}", tag=newer)
        moved = refs[f"refs/tags/{spec.ref}"] != locked
        return Finding(spec.name, locked[:12], refs[f"refs/tags/{spec.ref}"][:12] if moved
                       else locked[:12], f"tag {spec.ref} now points elsewhere" if moved
                       else "newest tag")
    if spec.pinned_commit:
        newer = newest_tag(None, tags)
        why = f"pinned to a commit; newest tag {newer}" if newer else "pinned to a commit"
        return Finding(spec.name, locked[:12], locked[:12], why)
    head = refs.get("HEAD" if spec.ref is None else f"refs/heads/{spec.ref}")
    if head is None:
        return Finding(spec.name, locked[:12], "?", f"{spec.ref or 'HEAD'} is gone from the remote")
    branch = spec.ref or "HEAD"
    return Finding(spec.name, locked[:12], head[:12],
                   f"new commits on {branch}" if head != locked else f"{branch} has no new commits")


def _local_finding(context: Context, spec: SourceSpec, entry: LockEntry | None) -> Finding:
    from aiwg.sources.resolve import lock_source

    fresh = lock_source(spec, context.config_root, context.env, context.registry.keys()).entry
    if spec.kind == "package":
        locked = entry.version if entry and entry.version else "(not locked)"
        return Finding(spec.name, locked, fresh.version or "?",
                       "another version is installed" if fresh.version != locked
                       else "installed version is locked")
    locked = entry.sha256[:12] if entry else "(not locked)"
    return Finding(spec.name, locked, fresh.sha256[:12],
                   "the folder changed" if fresh.sha256[:12] != locked else "folder unchanged")


def _public(finding: Finding) -> dict[str, str]:
    fields = asdict(finding)
    del fields["tag"]  # named by `command`
    return fields


def run(context: Context, *, check: bool = False, as_json: bool = False) -> int:
    config = context.config
    if not config.sources:
        raise UsageError("aiwg.toml lists no [[sources]]; add one with `aiwg add URL`")
    lock = read_lock(lock_path(config.folder or context.config_root))
    findings = []
    for spec in config.sources:
        entry = lock.entries.get(spec.name) if lock else None
        finder = _git_finding if spec.kind == "git" else _local_finding
        findings.append(finder(context, spec, entry))
    outdated = [f for f in findings if f.outdated]
    if as_json:
        console.print_json({"lock": LOCK_FILE, "sources": [
            {**_public(f), "outdated": f.outdated,
             "command": f.command if f.outdated else None} for f in findings]})
    else:
        for finding in outdated:
            console.line(f"{finding.name}: {finding.locked} -> {finding.latest} ({finding.why}); "
                         f"`{finding.command}` locks it")
        if not outdated:
            console.line(f"every source is as new as {LOCK_FILE} pins", style="dim")
    return EXIT_DIFFERENCES if check and outdated else EXIT_OK
