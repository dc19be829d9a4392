"""`aiwg init`: write a commented aiwg.toml naming the platforms this project already uses."""

from __future__ import annotations

import sys
from pathlib import Path

from aiwg import console
from aiwg.adapters import Adapter, Registry
from aiwg.atomic import atomic_write
from aiwg.errors import EXIT_OK, UsageError
from aiwg.schemas import BASE_URL, file_name

CONFIG_NAME = "aiwg.toml"


def detect_platforms(registry: Registry, project_root: Path) -> list[Adapter]:
    """Platforms whose folders or files are already in the project (adapters' `detect`)."""
    return [a for a in registry.adapters
            if any((project_root / marker).exists() for marker in a.detect)]


def config_text(platforms: list[str], all_ids: list[str], linguist: bool = False) -> str:
    listed = ", ".join(f'"{p}"' for p in platforms)
    git = "true" if linguist else "false"
    return f"""#:schema {BASE_URL}{file_name("config")}
# aiwg configuration: what `aiwg sync` deploys, and from which library.
# Docs: `aiwg --help`; platform ids: `aiwg platforms`.

# Platforms to keep in sync (detected in this project by `aiwg init`).
# All ids: {", ".join(all_ids)}
platforms = [{listed}]

# Paths that assistants should not read (written to each platform's ignore mechanism).
# ignore = [".env", "secrets/**"]

[library]
# The built-in library that ships with aiwg.
builtin = true
# Your personal library (the user data folder) feeds user-scope runs. A project reads it only
# when this says true, so one person's items never land in the team's repository.
user = false
# Project libraries, later ones win by (kind, name); each must exist. The default:
# paths = [".aiwg/library"]

[select]
# Kinds to deploy, from every layer.
kinds = ["rule", "agent", "command", "skill", "mcp", "hook"]
# Items always included by name or kind/name (globs allowed), e.g. ["stateless-*"].
names = []
# Items never included, from any layer, e.g. ["rule/port-binding"].
exclude = []
# The tag and severity filters below narrow only these layers (builtin, user, project). By
# default only the built-in library: every item in your own libraries is deployed.
layers = ["builtin"]
# Items carrying any of these tags; [] keeps every item of those layers.
tags = ["core"]
# Leave out rules below this severity (critical, high, medium, low).
# min_severity = "low"

[git]
# Mark every file aiwg writes whole linguist-generated in .gitattributes (a managed block at
# its top; your own lines below it win), so code review folds them away. aiwg's local state is
# kept out of git by .aiwg/.gitignore, which every deploy writes.
linguist = {git}
"""


def _ask_linguist() -> bool:
    """On a terminal, ask; piped or scripted, leave it off (the config says how to turn it on)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    answer = input("Mark the files aiwg writes as generated in .gitattributes, so code review "
                   "folds them away? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def run(registry: Registry, project_root: Path, *, force_platforms: list[str] | None = None,
        linguist: bool | None = None) -> int:
    target = project_root / CONFIG_NAME
    if target.exists():
        raise UsageError(f"{target}: already exists; aiwg init never overwrites a config")
    detected = detect_platforms(registry, project_root)
    ids = [registry.get(p).id for p in force_platforms] if force_platforms else [
        a.id for a in detected]
    chosen = _ask_linguist() if linguist is None else linguist
    atomic_write(target, config_text(ids, registry.ids(), chosen).encode("utf-8"))
    found = ", ".join(ids) if ids else "none detected (add ids to `platforms`)"
    console.line(f"wrote {target.name}; platforms: {found}")
    if chosen:
        console.line("the next deploy marks its files linguist-generated in .gitattributes")
    elif linguist is None:
        console.line("to mark the files aiwg writes as generated for code review, set "
                     "[git] linguist = true in aiwg.toml", style="dim")
    return EXIT_OK
