from pathlib import Path

import pytest

from aiwg.adapters import AdapterError, load_adapter_file, load_registry
from aiwg.errors import InputError, UsageError
from aiwg.items import KINDS
from aiwg.roots import user_roots

MINIMAL = """
id = "demo"
name = "Demo"
sources = ["docs.example.test"]
verified = "2026-11-23"
[roots]
home = {{ default = "~/.demo", env = "DEMO_HOME" }}
[kinds.rule]
confidence = "official"
sources = ["docs.example.test/rules"]
format = "markdown"
project = ".demo/rules/{{name}}.md"
user = "{{home}}/rules/{{name}}.md"
{extra}
"""


def write(tmp_path: Path, extra: str = "", name: str = "demo") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(MINIMAL.format(extra=extra))
    return path


def test_every_shipped_adapter_loads_and_records_its_sources() -> None:
    registry = load_registry()
    assert {"claude-code", "cursor", "codex", "copilot", "warp", "openclaw"} <= set(registry.ids())
    for adapter in registry.adapters:
        assert adapter.sources and adapter.verified
        assert set(adapter.kinds) <= set(KINDS)


def test_lookup_by_alias_is_case_insensitive() -> None:
    registry = load_registry()
    assert registry.get("Claude").id == "claude-code"
    assert registry.get("CURSOR").id == "cursor"


def test_unknown_platform_lists_the_valid_ids() -> None:
    with pytest.raises(UsageError, match=r"unknown platform 'nope'; valid platforms: .*cursor"):
        load_registry().get("nope")


def test_minimal_adapter(tmp_path: Path) -> None:
    adapter = load_adapter_file(write(tmp_path))
    assert adapter.supports("rule", "project") and adapter.supports("rule", "user")
    assert not adapter.supports("skill", "project")


PROVENANCE = 'confidence = "peer"\nsources = ["x"]\n'


@pytest.mark.parametrize(("extra", "message"), [
    ('[kinds.agent]\nformat = "markdwn"', r"kinds.agent.format: expected one of"),
    ('[kinds.rules]\nformat = "markdown"', r"kinds.rules: unknown kind"),
    ('[kinds.skill]\nformat = "skill"\nprojet = "x"', r"unknown key 'projet'; did you mean 'project'"),
    ('[kinds.command]\n' + PROVENANCE + 'format = "markdown"\narguments = 1',
     r":\d+: kinds.command.arguments: expected a string, got 1"),
    ('[kinds.agent]\n' + PROVENANCE + 'format = "markdown"\nfields.globs = { from = 0 }',
     r"kinds.agent.fields.globs.from: expected a string, got 0"),
    ('[options.x]\ndefault = "a"\nchoises = ["a"]', r"options.x: unknown key 'choises'; did you mean 'choices'"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nproject = "../x/{name}"', r"must be a relative path inside"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nuser = "~/x/{name}"', r"must start with a root"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nproject = "{nowhere}/x"', r"unknown variable \{nowhere\}"),
    ('[kinds.mcp]\nformat = "keys"\nsyntax = "ini"', r"syntax: expected one of"),
    ('[kinds.mcp]\nformat = "keys"\nsyntax = "json"', r"needs an \[kinds.mcp.mcp\] table"),
    ('[kinds.command]\nemulate = "skill"', r"has no 'skill' kind"),
])
def test_bad_adapters_fail_with_one_precise_line(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        load_adapter_file(write(tmp_path, extra))


def test_id_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="equal to the file name"):
        load_adapter_file(write(tmp_path, name="other"))


def test_sources_are_required(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace('sources = ["docs.example.test"]', "sources = []"))
    with pytest.raises(AdapterError, match="sources"):
        load_adapter_file(path)


def test_duplicate_alias_across_adapters_is_refused(tmp_path: Path) -> None:
    write(tmp_path)
    other = write(tmp_path, name="other")
    other.write_text(other.read_text().replace('id = "demo"', 'id = "other"\naliases = ["demo"]'))
    with pytest.raises(AdapterError, match="also used by"):
        load_registry(tmp_path)


@pytest.mark.parametrize(("extra", "message"), [
    ('[kinds.skill]\nformat = "skill"\nproject = ".demo/skills/{name}"',
     r"demo.toml:14: kinds.skill.confidence: expected one of \['official', 'peer', 'observed'\]"),
    ('[kinds.skill]\nconfidence = "rumour"\nformat = "skill"', r"demo.toml:15: kinds.skill.confidence"),
    ('[kinds.skill]\nconfidence = "peer"\nsources = []\nformat = "skill"',
     r"demo.toml:16: kinds.skill.sources: expected at least one source"),
    ('[kinds.skill]\n' + PROVENANCE + 'verified = "last week"\nformat = "skill"',
     r"demo.toml:17: kinds.skill.verified: expected a date YYYY-MM-DD"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nproject = "s/{name}"\nreads.project = ["x/*.md"]',
     r"kinds.skill.reads.project: no entry covers 's/\*/SKILL.md'"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nreads.user = ["~/x/*.md"]',
     r"kinds.skill.reads.user: '~/x/\*.md' must start with a root"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nreads.project = [{ path = "a", walk = "sideways" }]',
     r"kinds.skill.reads.project\[0\].walk: expected one of \['root', 'up', 'down', 'tree'\]"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nreads.project = [{ pth = "a" }]',
     r"reads.project\[0\]: unknown key 'pth'; did you mean 'path'"),
    ('[kinds.skill]\n' + PROVENANCE + 'format = "skill"\nshared = "yes"',
     r"demo.toml:18: kinds.skill.shared: expected true or false"),
])
def test_schema_additions_fail_with_file_line_and_field(tmp_path: Path, extra: str,
                                                         message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        load_adapter_file(write(tmp_path, extra))


@pytest.mark.parametrize(("top", "message"), [
    ('status = "dead"', r"demo.toml:1: status: expected one of \['active', 'deprecated', 'end-of-life'\]"),
    ('status = "end-of-life"', r"status: a end-of-life platform needs a status_date"),
    ('status = "deprecated"\nstatus_date = "May"', r"demo.toml:2: status_date: expected a date"),
    ('successor = "Not An Id"', r"successor: expected an adapter id"),
])
def test_bad_status_fails_with_one_precise_line(tmp_path: Path, top: str, message: str) -> None:
    path = write(tmp_path)
    path.write_text(top + "\n" + path.read_text())
    with pytest.raises(AdapterError, match=message):
        load_adapter_file(path)


def test_a_successor_must_be_a_known_adapter(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text('status = "end-of-life"\nstatus_date = "2026-05-15"\nsuccessor = "gone"\n'
                    + path.read_text())
    with pytest.raises(AdapterError, match=r"successor: no adapter is named 'gone'"):
        load_registry(tmp_path)


def test_reads_default_to_the_files_aiwg_writes(tmp_path: Path) -> None:
    adapter = load_adapter_file(write(tmp_path, '[kinds.skill]\n' + PROVENANCE
                                      + 'format = "skill"\nproject = ".demo/skills/{name}"'))
    assert [r.path for r in adapter.reads("rule", "project")] == [".demo/rules/*.md"]
    assert [r.path for r in adapter.reads("rule", "user")] == ["{home}/rules/*.md"]
    assert [r.path for r in adapter.reads("skill", "project")] == [".demo/skills/*/SKILL.md"]
    assert adapter.reads("skill", "user") == ()
    assert adapter.reads("agent", "project") == ()


def test_declared_reads_with_conditions(tmp_path: Path) -> None:
    extra = ('reads.project = [".demo/rules/**/*.md", '
             '{ path = "AGENTS.md", unless_exists = ["DEMO.md"], walk = "up" }]')
    path = write(tmp_path)
    path.write_text(path.read_text().replace('user = "{home}/rules/{name}.md"',
                                             'user = "{home}/rules/{name}.md"\n' + extra))
    adapter = load_adapter_file(path)
    rules, agents_md = adapter.reads("rule", "project")
    assert rules.matches(".demo/rules/a/b/c.md") and rules.matches(".demo/rules/c.md")
    assert not rules.matches(".demo/rules.md") and not rules.matches("x/.demo/rules/c.md")
    assert agents_md.unless_exists == ("DEMO.md",) and agents_md.walk == "up"
    assert agents_md.matches("AGENTS.md") and not agents_md.matches("sub/AGENTS.md")
    assert adapter.reads("rule", "user")[0].matches("/h/rules/x.md", {"home": "/h"})


def test_status_defaults_to_active_and_lifecycle_is_kept(tmp_path: Path) -> None:
    assert load_adapter_file(write(tmp_path)).active
    path = write(tmp_path)
    path.write_text('status = "end-of-life"\nstatus_date = "2026-05-15"\n' + path.read_text())
    adapter = load_adapter_file(path)
    assert (adapter.status, adapter.status_date, adapter.active) == ("end-of-life", "2026-05-15",
                                                                    False)


def test_every_kind_of_every_shipped_adapter_has_confidence_sources_and_a_date() -> None:
    for adapter in load_registry().adapters:
        for kind in adapter.kinds:
            provenance = adapter.provenance(kind)
            assert provenance is not None, (adapter.id, kind)
            assert provenance.sources and provenance.confidence in ("official", "peer", "observed")
            assert len(provenance.verified) == 10


def test_every_supported_kind_has_reads() -> None:
    """Declared reads are checked to cover aiwg's own files; derived reads are those files."""
    for adapter in load_registry().adapters:
        for kind in adapter.kinds:
            for scope in ("project", "user"):
                if adapter.supports(kind, scope):
                    assert adapter.reads(kind, scope), (adapter.id, kind, scope)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "/h/.openclaw/workspace"),
    ({"OPENCLAW_PROFILE": "work"}, "/h/.openclaw/workspace-work"),
    ({"OPENCLAW_PROFILE": "default"}, "/h/.openclaw/workspace"),
    ({"OPENCLAW_WORKSPACE_DIR": "/w", "OPENCLAW_PROFILE": "work"}, "/w"),
])
def test_a_root_moves_by_its_first_set_variable(env: dict[str, str], expected: str) -> None:
    roots = user_roots(load_registry().get("openclaw"), {"HOME": "/h", **env})
    assert roots["workspace"] == expected


def test_cline_data_root_follows_cline_dir_when_only_it_is_set() -> None:
    cline = load_registry().get("cline")
    assert user_roots(cline, {"HOME": "/h", "CLINE_DIR": "/c"})["data"] == "/c/data"
    assert user_roots(cline, {"HOME": "/h", "CLINE_DIR": "/c", "CLINE_DATA_DIR": "/d"})["data"] == "/d"


def test_a_fallback_variable_is_checked_like_the_first() -> None:
    with pytest.raises(InputError, match=r"OPENCLAW_PROFILE='\.\./x': expected a plain name"):
        user_roots(load_registry().get("openclaw"), {"HOME": "/h", "OPENCLAW_PROFILE": "../x"})


def test_renamed_and_split_products_keep_their_old_ids_as_aliases() -> None:
    registry = load_registry()
    assert registry.get("windsurf").id == "devin"
    assert registry.get("kiro").id == "kiro-ide"
    assert registry.get("antigravity").id == "antigravity-ide"
    assert registry.get("amazon-q").id == "kiro-cli"
    roo = registry.get("roo-code")
    assert (roo.status, roo.successor) == ("end-of-life", "zoo-code")
    assert registry.get("gemini-cli").successor == "antigravity-cli"
