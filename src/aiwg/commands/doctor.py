"""`aiwg doctor`: check the whole setup and say, one line each, what is wrong and how to fix it.

Each check reads what the other commands read (config, library, adapters, manifest, the plan,
what each platform loads) and writes nothing. A failing check never hides the ones after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from aiwg import console
from aiwg.engine import Context, Run, prepare
from aiwg.errors import EXIT_DIFFERENCES, EXIT_OK, AiwgError, UsageError
from aiwg.render import Scope

Level = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        fix = f" — fix: {self.fix}" if self.fix else ""
        return f"{self.level}: {self.check}: {self.message}{fix}"


Check = Callable[["Doctor"], Iterator[Finding]]


class Doctor:
    def __init__(self, context: Context, scope: Scope) -> None:
        self.context = context
        self.scope = scope
        self._run: Run | None = None
        self.run_error: AiwgError | None = None

    def run(self) -> Run | None:
        """The plan a `sync` would carry out now, computed once for every check that needs it."""
        if self._run is None and self.run_error is None:
            try:
                self._run = prepare(self.context, self.scope, "sync", [])
            except AiwgError as error:
                self.run_error = error
        return self._run


def check_config(doctor: Doctor) -> Iterator[Finding]:
    config = doctor.context.config
    where = config.path.name if config.path else "defaults (no aiwg.toml)"
    yield Finding("ok", "config", f"read {where}")
    if not config.platforms:
        yield Finding("warning", "config", "no `platforms` listed: `aiwg sync` only updates "
                      "what the manifest records", "aiwg init")


def check_sources(doctor: Doctor) -> Iterator[Finding]:
    """Whether aiwg.lock pins every shared source as configured (read only: nothing is fetched)."""
    config = doctor.context.config
    if not config.sources:
        return
    from aiwg.sources.lockfile import LOCK_FILE, lock_path, read_lock
    from aiwg.sources.resolve import stale_reason

    lock = read_lock(lock_path(config.folder or doctor.context.config_root))
    for spec in config.sources:
        entry = lock.entries.get(spec.name) if lock else None
        reason = stale_reason(spec, entry, lock)
        if reason is not None or entry is None:
            yield Finding("error", "sources", reason or spec.name, f"aiwg update {spec.name}")
            continue
        pin = (f"commit {entry.commit[:12]}" if entry.commit else
               f"version {entry.version}" if entry.version else f"sha256 {entry.sha256[:12]}")
        yield Finding("ok", "sources", f"{spec.describe()}: {len(entry.items)} items pinned at "
                      f"{pin}")
    names = {spec.name for spec in config.sources}
    for name in sorted(set(lock.entries) - names if lock else ()):
        yield Finding("warning", "sources", f"{LOCK_FILE} pins {name!r}, which aiwg.toml no "
                      "longer lists", "aiwg update")


def check_adapters(doctor: Doctor) -> Iterator[Finding]:
    registry = doctor.context.registry
    yield Finding("ok", "adapters", f"{len(registry.adapters)} platform adapters loaded")


def check_library(doctor: Doctor) -> Iterator[Finding]:
    from aiwg.validate import validate_library

    library = doctor.context.library
    problems = validate_library(library, set(doctor.context.registry.keys()))
    for problem in problems:
        yield Finding("error", "library", str(problem), "edit the item (see `aiwg validate`)")
    if not problems:
        yield Finding("ok", "library", f"{len(library.items)} items, no problems")


def check_plan(doctor: Doctor) -> Iterator[Finding]:
    run = doctor.run()
    if run is None:
        error = doctor.run_error
        if isinstance(error, UsageError):  # nothing deployed or configured yet
            yield Finding("warning", "outputs", str(error), "aiwg deploy --platform ID")
        elif error is not None:
            yield Finding("error", "outputs", str(error))
        return
    for text in run.warnings:
        yield Finding("warning", "manifest", text, "nothing to do: aiwg ignores the entry")
    kinds: dict[str, list[str]] = {}
    for action in run.plan.actions:
        kinds.setdefault(action.kind, []).append(action.path)
    advice = {
        "conflict": ("error", "edited by hand and changed in the library",
                     "aiwg resolve PATH, merge, then aiwg accept PATH"),
        "keep-edited": ("warning", "edited by hand (kept)",
                        "aiwg pull PATH to take the edit into the library, or aiwg accept PATH"),
        "missing": ("warning", "deleted by hand", "aiwg sync --force recreates them"),
        "skip-unmanaged": ("warning", "exist but aiwg did not write them",
                           "aiwg import -p PLATFORM, or deploy with --adopt"),
        "create": ("warning", "not deployed yet", "aiwg sync"),
        "update": ("warning", "outdated", "aiwg sync"),
        "merge": ("warning", "edited by hand; the library change merges cleanly", "aiwg sync"),
        "delete": ("warning", "no longer rendered", "aiwg sync"),
    }
    for kind, (level, what, fix) in advice.items():
        paths = sorted(set(kinds.get(kind, ())))
        if paths:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            yield Finding("error" if level == "error" else "warning", "outputs",
                          f"{len(paths)} {what}: {shown}", fix)
    if not any(kinds.get(kind) for kind in advice):
        yield Finding("ok", "outputs", f"{len(run.plan.actions)} outputs up to date")


def check_platforms(doctor: Doctor) -> Iterator[Finding]:
    from aiwg.commands.init import detect_platforms
    from aiwg.commands.platforms import lifecycle_warning

    run = doctor.run()
    deployed = set(run.platforms) if run is not None else set(doctor.context.config.platforms)
    registry = doctor.context.registry
    if doctor.scope == "project":
        for adapter in detect_platforms(registry, doctor.context.project_root):
            if adapter.id not in deployed:
                yield Finding("warning", "platforms",
                              f"{adapter.name} files are here but aiwg does not deploy to it",
                              f"aiwg import -p {adapter.id}, then aiwg deploy -p {adapter.id}")
    for name in sorted(deployed):
        found = registry.find(name)
        warning = lifecycle_warning(found) if found is not None else None
        if warning:
            yield Finding("warning", "platforms", warning,
                          "deploy to the successor and `aiwg remove` this one")


def check_context(doctor: Doctor) -> Iterator[Finding]:
    from aiwg.commands.context import platform_report

    run = doctor.run()
    if run is None:
        return
    clean = True
    for platform in run.platforms:
        report = platform_report(run, platform, doctor.context.project_root)
        for path in report["over_limit"]:
            clean = False
            yield Finding("error", "context", f"{platform}: {path} is over the platform's limit; "
                          "the client cuts what is past it", "aiwg context, then trim the "
                          "text around aiwg's block or lower [budgets]")
        for duplicate in report["duplicates"]:
            clean = False
            yield Finding("warning", "context",
                          f"{platform} loads {duplicate['item']} from "
                          f"{' and '.join(duplicate['paths'])}",
                          "remove the copy aiwg does not manage, or `aiwg import` it")
    if clean:
        yield Finding("ok", "context", "every always-loaded file fits; no item loads twice")


CHECKS: tuple[Check, ...] = (check_config, check_sources, check_adapters, check_library,
                             check_plan, check_platforms, check_context)


def findings(context: Context, scope: Scope) -> list[Finding]:
    doctor = Doctor(context, scope)
    found: list[Finding] = []
    for check in CHECKS:
        try:
            found.extend(check(doctor))
        except AiwgError as error:  # one broken part is a finding, not the end of the checkup
            found.append(Finding("error", check.__name__.removeprefix("check_"), str(error)))
    return found


def run(context: Context, *, scope: Scope = "project", as_json: bool = False) -> int:
    found = findings(context, scope)
    failed = any(f.level == "error" for f in found)
    if as_json:
        console.print_json({"ok": not failed, "findings": [f.__dict__ for f in found]})
    else:
        for finding in found:
            style = {"ok": "green", "warning": "yellow", "error": "red"}[finding.level]
            if finding.level != "ok" or not console.settings.quiet:
                console.out.print(finding.line(), style=style, markup=False, highlight=False)
    return EXIT_DIFFERENCES if failed else EXIT_OK
