"""`aiwg diff --check --format sarif`: the files that differ from the library as a SARIF 2.1.0
log, one result per file and one rule per kind of drift, for code-scanning upload steps."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiwg import __version__
from aiwg.plan import Plan
from aiwg.report import stat_rows

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/aiwg/aiwg"

# Each kind of drift the plan reports: (rule id, level, what it means, what to do), most
# pressing first, so a file with two kinds of drift is reported as the one to deal with first.
RULES: dict[str, tuple[str, str, str, str]] = {
    "conflict": ("conflict", "error",
                 "The file was edited by hand and the library changed it too.",
                 "Merge it with `aiwg resolve PATH`, or keep one side with `aiwg accept` / "
                 "`aiwg sync --force`."),
    "keep-edited": ("hand-edit", "warning",
                    "The file was edited by hand since aiwg wrote it.",
                    "Take the edit into the library with `aiwg pull PATH`, record it with "
                    "`aiwg accept PATH`, or overwrite it with `aiwg sync --force`."),
    "missing": ("missing", "warning", "A file aiwg wrote is gone.",
                "Write it again with `aiwg sync`."),
    "skip-unmanaged": ("unmanaged", "warning",
                       "A file aiwg did not write is where it would write one.",
                       "Let aiwg manage it with `aiwg sync --adopt`, or move it."),
    "update": ("outdated", "warning", "The file differs from what the library renders.",
               "Run `aiwg sync` and commit the result."),
    "create": ("not-deployed", "warning", "The library renders a file that is not there.",
               "Run `aiwg sync` and commit the result."),
    "delete": ("orphaned", "warning",
               "aiwg wrote this file, and the library no longer renders it.",
               "Run `aiwg sync` to remove it, and commit the result."),
}
_ORDER = list(RULES)


def drift(plan: Plan) -> list[tuple[str, str]]:
    """(path, drift kind) for every file that differs, one per file, in plan order."""
    found: dict[str, str] = {}
    for path, _added, _removed, how in stat_rows(plan):
        if how not in RULES:
            continue
        if path not in found or _ORDER.index(how) < _ORDER.index(found[path]):
            found[path] = how
    return list(found.items())


def sarif_log(plan: Plan) -> dict[str, Any]:
    rules = [{"id": f"aiwg/{rule}", "name": rule, "shortDescription": {"text": meaning},
              "help": {"text": fix}, "defaultConfiguration": {"level": level}}
             for rule, level, meaning, fix in RULES.values()]
    index = {how: i for i, how in enumerate(RULES)}
    results = []
    for path, how in drift(plan):
        rule, level, meaning, fix = RULES[how]
        results.append({
            "ruleId": f"aiwg/{rule}",
            "ruleIndex": index[how],
            "level": level,
            "message": {"text": f"{path}: {meaning} {fix}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(path)}}],
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "aiwg", "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "originalUriBaseIds": {"PROJECTROOT": {"description": {
                "text": "The project root aiwg ran in."}}},
            "results": results,
        }],
    }


def _artifact(path: str) -> dict[str, str]:
    """A project path relative to the project root; a user-scope path as a file URI."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path)}
    return {"uri": quote(path), "uriBaseId": "PROJECTROOT"}
