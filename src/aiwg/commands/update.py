"""`aiwg update [SOURCE...]`: resolve sources anew (a branch's newest commit, the installed
version, a folder's content) and write aiwg.lock; entries of sources no longer configured go."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from aiwg import console
from aiwg.config import Config, config_from_text
from aiwg.engine import Context
from aiwg.errors import EXIT_OK, UsageError
from aiwg.sources.config_edit import ConfigFile, config_file, with_ref, write_config
from aiwg.sources.lockfile import LOCK_FILE, Lock, lock_path, read_lock, write_lock
from aiwg.sources.resolve import lock_source


def _with_ref(context: Context, names: Sequence[str], ref: str) -> tuple[Config, tuple[ConfigFile, str]]:
    """The config with one git source's `ref` changed (checked, not yet written)."""
    specs = context.config.sources
    index = next((i for i, spec in enumerate(specs) if [spec.name] == list(names)), None)
    if index is None or specs[index].kind != "git":
        raise UsageError("--ref needs exactly one git source's name: aiwg update NAME --ref REF")
    file = config_file(context.config_root)
    text = with_ref(file, index, ref)
    config = config_from_text(file.path, text, context.config_root, context.platform_names,
                              context.config_defaults)
    return config, (file, text)


def run(context: Context, names: Sequence[str], *, ref: str | None = None,
        dry_run: bool = False, as_json: bool = False) -> int:
    from aiwg.commands.source_report import locked_json, print_locked

    config = context.config
    edited: tuple[ConfigFile, str] | None = None
    if ref is not None:
        config, edited = _with_ref(context, names, ref)
    specs = {spec.name: spec for spec in config.sources}
    if not specs:
        raise UsageError("aiwg.toml lists no [[sources]]; add one with `aiwg add URL`")
    for name in names:
        if name not in specs:
            close = difflib.get_close_matches(name, list(specs), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(f"no source named {name!r}; {hint}sources: {', '.join(specs)}")
    chosen = [specs[name] for name in dict.fromkeys(names)] if names else list(specs.values())
    lock_file = lock_path(config.folder or context.config_root)
    lock = read_lock(lock_file) or Lock()
    results = [lock_source(spec, context.config_root, context.env, context.registry.keys())
               for spec in chosen]
    documents = [locked_json(r, lock.entries.get(r.spec.name)) for r in results]
    updated = lock.with_entries({r.spec.name: r.entry for r in results}, keep=set(specs))
    written = False
    if not dry_run:
        if edited is not None:
            write_config(*edited)
        written = write_lock(lock_file, updated) or edited is not None
    if as_json:
        console.print_json({"command": "update", "dry_run": dry_run, "lock": LOCK_FILE,
                            "written": written, "sources": documents})
        return EXIT_OK
    print_locked(documents)
    if dry_run:
        console.line("dry run: nothing was written", style="dim")
    elif written:
        console.line(f"{LOCK_FILE} written; commit it, then `aiwg sync`")
    else:
        console.line(f"{LOCK_FILE} is up to date")
    return EXIT_OK
