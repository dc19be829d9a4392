"""`aiwg import`: native files → library items, per platform format, and adoption without a byte
changed.

The round trip runs for every adapter: a library is deployed to a platform, the platform's files
are copied into a fresh project, imported there, and deployed again. Every file must keep its
bytes, per-item files must come back under aiwg's management, and the imported items must equal
the original ones in everything the platform's format carries.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import aiwg, make_project, tree, write_item

from aiwg.adapters import default_registry
from aiwg.engine import Context

CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"
LIBRARY = {
    "rules/always-tests.md": "---\nname: always-tests\ndescription: Write a test first.\n"
                             "---\n# Tests first\n\nWrite the failing test before the fix.\n",
    "rules/python-style.md": "---\nname: python-style\ndescription: Python style.\n"
                             "globs: ['**/*.py']\n---\n# Python\n\nUse type hints.\n",
    "agents/reviewer.md": "---\nname: reviewer\ndescription: Reviews a change.\n---\n"
                          "You review the diff and list defects.\n",
    "commands/ship.md": "---\nname: ship\ndescription: Ship a release.\n---\n"
                        "Release version $ARGUMENTS after the checks pass.\n",
    "skills/triage/SKILL.md": "---\nname: triage\ndescription: Triage a bug report.\n---\n"
                              "Read the report, then run scripts/repro.sh.\n",
    "skills/triage/scripts/repro.sh": "#!/bin/sh\necho repro\n",
    "mcp/github.yaml": "name: github\ndescription: The github MCP server.\ncommand: npx\n"
                       "args: [-y, server-github]\nenv:\n  GITHUB_TOKEN: ${GITHUB_TOKEN}\n",
}
ADAPTERS = [a.id for a in default_registry().adapters if a.has_scope("project")]


def _library_project(tmp_path: Path, name: str) -> Path:
    project = make_project(tmp_path / name, CONFIG)
    for relative, text in LIBRARY.items():
        path = write_item(project, relative, text)
        if relative.endswith(".sh"):
            path.chmod(0o755)
    return project


def _copy_native(source: Path, destination: Path) -> None:
    for relative, data in tree(source).items():
        if relative == "aiwg.toml":
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        shutil.copymode(source / relative, target)


def _carried(context: Context, item_id: str, platform: str) -> dict[str, object]:
    """What the platform's format carries of an item: its body, the scope of a rule as far as
    the adapter's fields express it, and an MCP server's launch fields."""
    item = context.library.items[item_id]
    spec = default_registry().get(platform).kinds[item.kind]
    sources = {field.source for field in spec.fields}
    carried: dict[str, object] = {"body": item.body, "meta": {
        k: item.meta.get(k) for k in ("command", "args", "env", "url", "headers")}}
    if item.kind == "rule" and "globs" in sources:
        carried.update(globs=item.globs, scope=item.scope)
    elif item.kind == "rule" and "scope" in sources:
        carried["always"] = item.scope == "always"
    return carried


def _original_id(platform: str, item_id: str) -> str:
    """A command the platform writes as a skill comes back as that skill."""
    kind, _, name = item_id.partition("/")
    command = default_registry().get(platform).kinds.get("command")
    if kind == "skill" and command is not None and command.emulate == "skill" and name == "ship":
        return f"command/{name}"
    return item_id


@pytest.mark.parametrize("platform", ADAPTERS)
def test_import_of_aiwg_output_then_deploy_changes_no_byte_and_gives_back_the_items(
        tmp_path: Path, platform: str) -> None:
    original = _library_project(tmp_path, "a")
    assert aiwg(original, "deploy", "-p", platform).exit_code == 0
    fresh = make_project(tmp_path / "b", CONFIG)
    _copy_native(original, fresh)
    native = tree(fresh)

    imported = aiwg(fresh, "import", "-p", platform)
    assert imported.exit_code == 0, imported.stderr
    assert tree(fresh, skip=(".aiwg", ".git")) == native  # importing writes only the library
    deployed = aiwg(fresh, "deploy", "-p", platform)
    assert deployed.exit_code == 0, deployed.stderr
    assert tree(fresh) == native  # adopt-after-import changes no byte

    state = fresh / ".aiwg/manifest.jsonl"
    manifest = state.read_text() if state.exists() else ""
    a, b = Context(original), Context(fresh)
    for item_id in b.library.items:
        source = _original_id(platform, item_id)
        assert source in a.library.items, item_id
        mine, theirs = _carried(b, item_id, platform), _carried(a, source, platform)
        assert mine == theirs, item_id
    # Every per-item file aiwg wrote for the platform is managed again.
    spec_paths = [line for line in (original / ".aiwg/manifest.jsonl").read_text().splitlines()
                  if '"grain": "file"' in line and ".aiwg/context" not in line]
    for line in spec_paths:
        path = json.loads(line)["path"]
        assert f'"path": "{path}"' in manifest, path


def test_hand_written_claude_code_project_is_imported_and_adopted(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    files = {
        "CLAUDE.md": "# Project\n\nWe ship small changes.\n\n@docs/extra.md\n\n## Testing\n\n"
                     "Run pytest before each commit.\n\n## Style\n\nKeep functions short.\n",
        ".claude/rules/security.md": "Never log secrets.\n",
        ".claude/agents/helper.md": "---\nname: helper\ndescription: Helps.\ncolor: blue\n---\n\n"
                                    "You help.\n",
        ".mcp.json": '{\n  "mcpServers": {\n    "db": {"type": "stdio", "command": "db-mcp", '
                     '"env": {"DB_PASSWORD": "hunter2-secret", "MODE": "ro"}}\n  }\n}\n',
    }
    for relative, text in files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    before = tree(project)
    result = aiwg(project, "import", "-p", "claude-code")
    assert result.exit_code == 0, result.stderr
    library = project / ".aiwg/library"
    assert (library / "rules/testing.md").read_text().endswith(
        "# Testing\n\nRun pytest before each commit.\n")
    assert (library / "rules/style.md").exists() and (library / "rules/claude.md").exists()
    assert "@docs/extra.md" not in (library / "rules/claude.md").read_text()
    assert "claude-code:\n  color: blue" in (library / "agents/helper.md").read_text()
    server = (library / "mcp/db.yaml").read_text()
    assert "hunter2" not in server and "DB_PASSWORD: ${DB_PASSWORD}" in server
    assert "MODE: ro" in server
    assert "env DB_PASSWORD held a secret" in result.stderr
    assert "will adopt 2 file(s) unchanged" in result.stdout

    deployed = aiwg(project, "deploy", "-p", "claude-code")
    assert deployed.exit_code == 0, deployed.stderr
    after = tree(project)
    for relative, data in before.items():
        assert after[relative] == data, relative  # nothing the person wrote changed
    status = aiwg(project, "status", "--all").stdout
    assert "up to date  .claude/rules/security.md" in status
    assert "up to date  .claude/agents/helper.md" in status
    assert "unmanaged   .mcp.json" in status  # the secret is not written back over


def test_import_never_overwrites_a_library_item_without_force(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    (project / ".claude/rules").mkdir(parents=True)
    (project / ".claude/rules/security.md").write_text("Never log secrets.\n")
    mine = write_item(project, "rules/security.md",
                      "---\nname: security\ndescription: Mine.\n---\nMy own text.\n")
    result = aiwg(project, "import", "-p", "claude-code")
    assert result.exit_code == 0
    assert "exists in the library (--force overwrites)" in result.stderr
    assert mine.read_text().endswith("My own text.\n")
    assert aiwg(project, "import", "-p", "claude-code", "--force").exit_code == 0
    assert mine.read_text().endswith("Never log secrets.\n")


def test_import_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    (project / ".cursor/rules").mkdir(parents=True)
    (project / ".cursor/rules/x.mdc").write_text("---\ndescription: X.\nglobs: src/**\n"
                                                  "alwaysApply: false\n---\n\nDo x.\n")
    before = tree(project, skip=(".git",))
    result = aiwg(project, "import", "-p", "cursor", "--dry-run")
    assert result.exit_code == 0 and "would import rule/x" in result.stdout
    assert tree(project, skip=(".git",)) == before


def test_import_of_an_unknown_platform_is_a_usage_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    result = aiwg(project, "import", "-p", "no-such")
    assert result.exit_code == 2 and "unknown platform" in result.stderr


def test_user_scope_import_goes_to_the_user_library(tmp_path: Path, fake_home: Path) -> None:
    project = make_project(tmp_path, CONFIG)
    agent = fake_home / ".claude/agents/mentor.md"
    agent.parent.mkdir(parents=True)
    agent.write_text("---\nname: mentor\ndescription: Mentors.\n---\n\nYou mentor.\n")
    result = aiwg(project, "import", "-p", "claude-code", "--scope", "user")
    assert result.exit_code == 0, result.stderr
    imported = fake_home / ".local/share/aiwg/library/agents/mentor.md"
    assert imported.read_text().endswith("You mentor.\n")
    assert not (project / ".aiwg/library").exists()
