"""`aiwg import --platform ID`: a platform's existing files become items in your library.

Files are found and read through the platform's adapter (paths, formats, field maps). A library
item that exists is never overwritten without `--force`; secrets found in MCP configs are written
as `${VAR}` references. Afterwards the platform's first deploy adopts every native file that now
renders byte for byte the same, and reports the others; the preview printed here says which.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import platformdirs

from aiwg import console
from aiwg.atomic import atomic_write, mode_for
from aiwg.engine import Context, prepare
from aiwg.errors import EXIT_OK, AiwgError, UsageError
from aiwg.importers.library_file import library_files
from aiwg.importers.model import Imported
from aiwg.importers.scan import Where, scan_platform
from aiwg.render import Scope
from aiwg.safety import safe_destination


def library_layer(context: Context, scope: Scope) -> Path:
    """The layer imports go to: the project's first library path, or the user library."""
    if scope == "user":
        return platformdirs.user_data_path("aiwg") / "library"
    return context.project_root / context.config.library_paths[0]


def _state(layer: Path, files: dict[str, tuple[bytes, bool]]) -> str:
    present = [p for p in files if (layer / p).exists()]
    if not present:
        return "new"
    if len(present) == len(files) and all((layer / p).read_bytes() == data
                                           for p, (data, _) in files.items()):
        return "same"
    return "exists"


def write_item(layer: Path, item: Imported) -> None:
    for relative, (data, executable) in library_files(item).items():
        destination = safe_destination(layer, relative)
        atomic_write(destination, data, mode_for(destination, executable))


def _preview(context: Context, scope: Scope, platform: str, origins: set[str]) -> None:
    """What the first deploy will do with the imported files: adopt or report."""
    fresh = Context(project_root=context.project_root, env=context.env)
    try:
        planned = prepare(fresh, scope, "deploy", [platform])
    except AiwgError as error:
        console.warn(f"deploy preview: {error}")
        return
    counts: Counter[str] = Counter()
    for action in planned.plan.actions:
        if action.path not in origins:
            continue
        counts[action.kind] += 1
        if action.kind == "skip-unmanaged":
            console.line(f"  differs after import: {action.path} (deploy keeps it; "
                         "`aiwg diff` shows how; `aiwg accept PATH -p ID` keeps your version)")
    adopted = counts["unchanged"]
    console.line(f"`aiwg deploy -p {platform}` will adopt {adopted} file(s) unchanged and report "
                 f"{counts['skip-unmanaged']} that render differently")


def run(context: Context, platform: str, *, scope: Scope = "project", dry_run: bool = False,
        force: bool = False) -> int:
    adapter = context.registry.get(platform)
    if not adapter.has_scope(scope):
        raise UsageError(f"{adapter.name} has no {scope} scope to import from")
    where = Where.of(adapter, scope, context.project_root, context.env,
                     context.config.platform_options.get(adapter.id, {}))
    scan = scan_platform(where)
    layer = library_layer(context, scope)
    written: list[Imported] = []
    seen: dict[str, str] = {}
    for item in scan.items:
        if item.id in seen:
            console.warn(f"skipped {item.id} from {item.origin}: already imported from "
                         f"{seen[item.id]}")
            continue
        seen[item.id] = item.origin
        files = library_files(item)
        state = _state(layer, files)
        first = next(iter(files))
        if state == "same":
            console.line(f"unchanged {item.id}: the library already holds it", style="dim")
            continue
        if state == "exists" and not force:
            console.warn(f"skipped {item.id}: {first} exists in the library (--force overwrites)")
            continue
        verb = "would import" if dry_run else "imported"
        console.line(f"{verb} {item.id} from {item.origin}")
        for note in item.notes:
            console.warn(note)
        if not dry_run:
            write_item(layer, item)
        written.append(item)
    for note in dict.fromkeys(scan.notes):
        console.line(note, style="dim")
    if not scan.items:
        console.line(f"nothing to import: no {adapter.name} files found")
        return EXIT_OK
    console.line(f"{len(written)} item(s) {'to import' if dry_run else 'imported'} into {layer}")
    if written and not dry_run:
        _preview(context, scope, adapter.id, {item.origin for item in scan.items})
    return EXIT_OK
