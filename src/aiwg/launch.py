"""The `aiwg` entry point. A no-op `sync` or `diff` is answered from the fingerprint of the last
in-sync run before typer, the engine or rich are imported (they cost more than the answer);
every other command line, and every run the fingerprint does not vouch for, goes to the typer app.

Only the exact forms below are answered here; anything else (another flag, --help, a completion
request, a path that is not a folder) takes the ordinary route, which parses and reports it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# Global flags this path understands, and each command's own flags that keep it a no-op question.
_GLOBAL = {"-q": "quiet", "--quiet": "quiet"}
# --frozen may be answered too: a fingerprint is only recorded by a run in which aiwg.lock pinned
# every shared source, and it watches aiwg.toml, aiwg.lock and each source's tree.
_COMMAND_FLAGS = {"sync": frozenset({"--frozen"}), "diff": frozenset({"--check", "--frozen"})}
NO_DIFFERENCES = "no differences: the files match the library"


def _parse(argv: Sequence[str]) -> tuple[str, bool, str | None] | None:
    """(command, quiet, --project value) for a command line this path may answer, else None."""
    quiet = False
    index = 0
    while index < len(argv) and argv[index] in _GLOBAL:
        quiet = True
        index += 1
    if index >= len(argv) or argv[index] not in _COMMAND_FLAGS:
        return None
    command, allowed = argv[index], _COMMAND_FLAGS[argv[index]]
    project: str | None = None
    rest = list(argv[index + 1:])
    while rest:
        token = rest.pop(0)
        name, has_value, value = token.partition("=")
        if name in ("--project", "--scope") and not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if name == "--project" and value:
            project = value
        elif name == "--scope" and value == "project":
            continue
        elif token not in allowed:
            return None
    return command, quiet, project


def quick_answer(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> int | None:
    """The exit code of a run answered from the fingerprint (its lines already printed), or None
    when the run must take the full path."""
    if any(name.startswith("_AIWG_COMPLETE") for name in env):
        return None  # shell completion is typer's
    parsed = _parse(argv)
    if parsed is None:
        return None
    command, quiet, project = parsed
    from aiwg import fingerprint
    from aiwg.project_root import find_project_root

    if project is not None:
        folder = cwd / project
        if not folder.is_dir():
            return None  # the full path says what is wrong with it
        root = folder.resolve()
    else:
        root = find_project_root(cwd)
    summary = fingerprint.answer_for(root, env)
    if summary is None:
        return None
    from aiwg import console

    console.set_verbosity(quiet=quiet, verbose=False)
    if command == "sync":
        for text, style in summary:
            console.line(text, style=style)
    else:
        console.line(NO_DIFFERENCES, style="dim")
    return 0


def main() -> None:
    """Entry point: exit codes 0 ok, 1 differences or conflicts, 2 usage or input error."""
    code = quick_answer(sys.argv[1:], os.environ, Path.cwd())
    if code is not None:
        sys.stdout.flush()
        raise SystemExit(code)
    from aiwg.cli import main as typer_main

    typer_main()
