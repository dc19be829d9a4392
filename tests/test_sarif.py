"""`aiwg diff --check --format sarif`: a SARIF 2.1.0 log with one result per differing file, one
rule per kind of drift, and the file's path as its location."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
from helpers import aiwg, make_project, rule_text, write_item

from aiwg.sarif import RULES

# The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) a log aiwg writes uses:
# required properties and their types, so a code-scanning upload accepts it.
_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {
                    "driver": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"},
                        "version": {"type": "string"},
                        "informationUri": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {"id": {"type": "string"},
                                           "shortDescription": _MESSAGE, "help": _MESSAGE,
                                           "defaultConfiguration": {"type": "object", "properties": {
                                               "level": {"enum": ["none", "note", "warning", "error"]}}}}}},
                    }}}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": _MESSAGE,
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                                                 "properties": {"artifactLocation": {
                                                     "type": "object", "required": ["uri"],
                                                     "properties": {"uri": {"type": "string"},
                                                                    "uriBaseId": {"type": "string"}}}}}}}},
                    }}},
            }}},
    },
}


def _sarif(project: Path) -> tuple[int, dict[str, Any]]:
    result = aiwg(project, "diff", "--check", "--format", "sarif")
    log = result.json()
    jsonschema.Draft7Validator(SARIF_SUBSET).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for found in run["results"]:
        assert rules[found["ruleIndex"]]["id"] == found["ruleId"]
    return result.exit_code, log


def _results(log: dict[str, Any]) -> dict[str, str]:
    found = {}
    for result in log["runs"][0]["results"]:
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert uri not in found, f"two results for {uri}"
        found[uri] = result["ruleId"]
    return found


def test_a_clean_tree_is_an_empty_log_and_exit_0(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor", "codex"]\n')
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    assert aiwg(project, "sync").exit_code == 0
    code, log = _sarif(project)
    assert code == 0 and log["runs"][0]["results"] == []
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == [
        f"aiwg/{rule}" for rule, *_ in RULES.values()]


def test_each_drifted_file_is_one_result_with_its_kind_of_drift(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor", "codex"]\n')
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    write_item(project, "rules/beta.md", rule_text("beta"))
    assert aiwg(project, "sync").exit_code == 0
    (project / ".cursor" / "rules" / "alpha.mdc").write_text("edited by hand\n")
    (project / ".cursor" / "rules" / "beta.mdc").unlink()
    write_item(project, "rules/gamma.md", rule_text("gamma"))
    write_item(project, "rules/alpha.md", rule_text("alpha", body="Changed.\n"))
    code, log = _sarif(project)
    found = _results(log)
    assert code == 1
    assert found[".cursor/rules/gamma.mdc"] == "aiwg/not-deployed"
    assert found[".cursor/rules/beta.mdc"] == "aiwg/missing"
    assert found[".cursor/rules/alpha.mdc"] in ("aiwg/conflict", "aiwg/hand-edit")
    assert found["AGENTS.md"] == "aiwg/outdated"
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri["uriBaseId"] == "PROJECTROOT" and not uri["uri"].startswith("/")
        assert result["message"]["text"].startswith(uri["uri"] + ": ")


def test_an_unknown_format_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = aiwg(make_project(tmp_path), "diff", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.strip() == "aiwg: --format: expected text, json or sarif, got 'xml'"
