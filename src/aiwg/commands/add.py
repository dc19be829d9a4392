"""`aiwg add SOURCE`: one `[[sources]]` entry appended to the config, fetched and locked."""

from __future__ import annotations

import os
from pathlib import Path

from aiwg import console
from aiwg.config import config_from_text
from aiwg.engine import Context
from aiwg.errors import EXIT_OK, UsageError
from aiwg.sources.config_edit import config_file, with_source, write_config
from aiwg.sources.lockfile import LOCK_FILE, Lock, lock_path, read_lock, write_lock
from aiwg.sources.resolve import lock_source
from aiwg.sources.spec import check_url


def source_fields(context: Context, source: str, *, name: str | None, ref: str | None,
                  path: str | None, package: bool) -> dict[str, str]:
    """The entry's fields: a package, a git URL, or an existing folder (kept relative)."""
    fields: dict[str, str] = {"name": name} if name else {}
    if package:
        return {**fields, "package": source}
    if check_url(source) is None:
        fields["url"] = source
        if ref:
            fields["ref"] = ref
        if path:
            fields["path"] = path
        return fields
    if ref or path:
        raise UsageError(f"--ref and --path are for git sources; {source!r} is not a git URL "
                         "(https://, ssh://, file:// or user@host:path)")
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise UsageError(f"{source!r}: expected a git URL (https://, ssh://, file:// or "
                         "user@host:path), a folder, or --package NAME")
    absolute = folder.resolve()
    try:
        shown = os.path.relpath(absolute, context.config_root)
    except ValueError:  # another drive
        shown = str(absolute)
    return {**fields, "folder": Path(shown).as_posix()}


def run(context: Context, source: str, *, name: str | None = None, ref: str | None = None,
        path: str | None = None, package: bool = False, dry_run: bool = False,
        as_json: bool = False) -> int:
    from aiwg.commands.source_report import locked_json, print_locked

    _ = context.config  # the config as it is must be valid before it is edited
    fields = source_fields(context, source, name=name, ref=ref, path=path, package=package)
    file = config_file(context.config_root)
    text = with_source(file, fields)
    config = config_from_text(file.path, text, context.config_root, context.platform_names,
                              context.config_defaults)
    spec = config.sources[-1]
    locked = lock_source(spec, context.config_root, context.env, context.registry.keys())
    lock_file = lock_path(config.folder or context.config_root)
    lock = read_lock(lock_file) or Lock()
    document = locked_json(locked, None)
    if not dry_run:
        write_config(file, text)
        write_lock(lock_file, lock.with_entries({spec.name: locked.entry}))
    if as_json:
        console.print_json({"command": "add", "dry_run": dry_run, "config": file.path.name,
                            "lock": LOCK_FILE, "sources": [document]})
        return EXIT_OK
    print_locked([document])
    if dry_run:
        console.line("dry run: nothing was written", style="dim")
    else:
        console.line(f"added source {spec.name!r} to {file.path.name} and pinned it in "
                     f"{LOCK_FILE}; commit both, then `aiwg sync`")
    return EXIT_OK
