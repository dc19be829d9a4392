"""The bad-input corpus: every way a library, config, host file, manifest, state folder or
environment can be wrong, run through the CLI as a user would meet it.

Each case asserts the whole promise at once: a non-zero exit (2, or 1 where `validate` reports
library problems), exactly one error line, naming the file (and its line where it has one), no
traceback, no "internal error", and not one byte, mode or link changed on disk (the project
and the fake home are snapshotted before and after).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mirror_to_user_scope, rule_text, write_item

CONFIG = "[library]\nbuiltin = false\n[select]\ntags = []\n"
Setup = Callable[[Path, Path], None]
DEPLOY = ("deploy", "--platform", "codex", "--platform", "cursor", "--platform", "claude-code")
VALIDATE = ("validate",)


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    where: str  # a regular expression the one error line must match (file, line, field)
    argv: tuple[str, ...] = DEPLOY
    exit: int = 2
    env: dict[str, str] = field(default_factory=dict)
    config: str | None = CONFIG


def _snapshot(*roots: Path) -> dict[str, tuple[str, bytes | str, int]]:
    found: dict[str, tuple[str, bytes | str, int]] = {}
    for root in roots:
        for current, dirs, files in os.walk(root):
            for name in [*dirs, *files]:
                path = Path(current, name)
                info = path.lstat()
                if path.is_symlink():
                    found[str(path)] = ("link", os.readlink(path), 0)
                elif path.is_dir():
                    found[str(path)] = ("dir", b"", info.st_mode)
                elif path.is_file():
                    found[str(path)] = ("file", path.read_bytes(), info.st_mode)
                else:
                    found[str(path)] = ("special", b"", info.st_mode)
    return found


# --- building blocks ---------------------------------------------------------------------------


def item(relative: str, text: str | bytes) -> Setup:
    def setup(project: Path, home: Path) -> None:
        path = project / ".aiwg" / "library" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return setup


def host(relative: str, text: str | bytes, *, in_home: bool = False) -> Setup:
    def setup(project: Path, home: Path) -> None:
        path = (home if in_home else project) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return setup


def both(*setups: Setup) -> Setup:
    def setup(project: Path, home: Path) -> None:
        for one in setups:
            one(project, home)
    return setup


def rule(name: str = "r", **fields: str) -> Setup:
    return item(f"rules/{name}.md", rule_text(name, **fields))


def front(kind_dir: str, name: str, frontmatter: str, body: str = "Body.\n") -> Setup:
    return item(f"{kind_dir}/{name}.md", f"---\n{frontmatter}---\n{body}")


def mcp(name: str, text: str) -> Setup:
    return item(f"mcp/{name}.yaml", text)


def server(extra: str) -> Setup:
    return mcp("srv", f"name: srv\ndescription: A server.\n{extra}")


def nothing(project: Path, home: Path) -> None:
    """No setup beyond the project itself."""


def deployed(*extra: Setup) -> Setup:
    """A rule deployed to codex, cursor and claude-code, then the extra setups."""
    def setup(project: Path, home: Path) -> None:
        write_item(project, "rules/r.md", rule_text("r"))
        result = aiwg(project, *DEPLOY)
        assert result.exit_code == 0, result.stderr
        for one in extra:
            one(project, home)
    return setup


def replace_file(relative: str, text: str | bytes) -> Setup:
    def setup(project: Path, home: Path) -> None:
        path = project / relative
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return setup


def symlink(relative: str, target: Callable[[Path, Path], Path], *, in_home: bool = False
            ) -> Setup:
    def setup(project: Path, home: Path) -> None:
        path = (home if in_home else project) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(project, home))
    return setup


def folder(relative: str) -> Setup:
    def setup(project: Path, home: Path) -> None:
        (project / relative).mkdir(parents=True, exist_ok=True)
    return setup


def fifo(relative: str, *, library: bool = False) -> Setup:
    def setup(project: Path, home: Path) -> None:
        path = project / (".aiwg/library/" if library else "") / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
    return setup


def outside(project: Path, home: Path) -> Path:
    target = project.parent / "outside"
    target.mkdir(exist_ok=True)
    (target / "victim.txt").write_text("not aiwg's\n")
    return target


def outside_file(project: Path, home: Path) -> Path:
    return outside(project, home) / "victim.txt"


def deep_json(depth: int) -> str:
    return '{"mcpServers": ' + '{"a": ' * depth + "1" + "}" * depth + "}\n"


LAUGHS = "".join(f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n"
                 for p, c in zip("abcdefgh", "bcdefghi", strict=True))
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + LAUGHS
NAME = "name: r\ndescription: A rule.\n"
AGENT = "name: a\ndescription: An agent.\n"
SKILL = "---\nname: tool\ndescription: A skill.\n---\nUse it.\n"
MCP_CMD = "command: npx\n"
MCP_URL = "url: https://mcp.example.test/v1\n"


def F(path: str, line: int | None = None, field_name: str | None = None) -> str:
    """The pattern of an error line naming `path` (and `line`, `field`)."""
    where = re.escape(path) + (rf":{line}" if line is not None else r"(:\d+)?")
    return where + (rf":.*\b{re.escape(field_name)}\b" if field_name else ":")


LIB = ".aiwg/library/"
RULE = LIB + "rules/r.md"
SRV = LIB + "mcp/srv.yaml"
PY_HOOK = LIB + "hooks/h.yaml"


def hook(extra: str) -> Setup:
    return mcp_hook("h", f"name: h\ndescription: A hook.\n{extra}")


def mcp_hook(name: str, text: str) -> Setup:
    return item(f"hooks/{name}.yaml", text)


# --- the cases ---------------------------------------------------------------------------------

LIBRARY_CASES = [
    # frontmatter and YAML
    Case("no-frontmatter", item("rules/r.md", "# Just text\n"), F(RULE, 1)),
    Case("unclosed-frontmatter", item("rules/r.md", "---\nname: r\n"), F(RULE, 1)),
    Case("frontmatter-a-list", front("rules", "r", "- a\n- b\n"), F(RULE, 2)),
    Case("frontmatter-a-string", front("rules", "r", "just words\n"), F(RULE, 2)),
    Case("malformed-yaml", front("rules", "r", NAME + "bad: : :\n"), F(RULE, 4)),
    Case("tab-indented-yaml", front("rules", "r", NAME + "tags:\n\t- a\n"), F(RULE)),
    Case("unclosed-quote", front("rules", "r", 'name: "r\ndescription: x\n'), F(RULE)),
    Case("duplicate-anchor-alias-unknown", front("rules", "r", NAME + "x: *nope\n"), F(RULE, 4)),
    Case("not-utf8", item("rules/r.md", b"---\nname: r\ndescription: \xff\n---\n"), F(RULE)),
    Case("utf16", item("rules/r.md", "---\nname: r\n---\n".encode("utf-16")), F(RULE)),
    Case("nul-bytes", item("rules/r.md", b"---\nname: r\x00\ndescription: x\n---\n"), F(RULE)),
    Case("alias-bomb", front("rules", "r", NAME + BOMB), F(RULE)),
    Case("alias-cycle", front("rules", "r", NAME + "x: &x [*x]\n"), F(RULE, 4)),
    Case("deep-nesting", front("rules", "r", NAME + "x: " + "[" * 3000 + "]" * 3000 + "\n"),
         F(RULE, 4)),
    Case("deep-mapping", front("rules", "r", NAME + "x: " + "{a: " * 200 + "1" + "}" * 200
                               + "\n"), F(RULE, 4)),
    Case("python-tag", front("rules", "r", NAME + "x: !!python/object/apply:os.system [ls]\n"),
         F(RULE, 4)),
    Case("custom-tag", front("rules", "r", NAME + "x: !secret y\n"), F(RULE, 4)),
    Case("two-documents", item("rules/r.md", "---\nname: r\n---\n---\nx: 1\n---\n"), F(RULE)),
    # common fields
    Case("missing-name", front("rules", "r", "description: A rule.\n"), F(RULE, None, "name")),
    Case("missing-description", front("rules", "r", "name: r\n"), F(RULE, None, "description")),
    Case("name-not-file-name", front("rules", "r", "name: other\ndescription: x\n"),
         F(RULE, 2, "name")),
    Case("name-with-slash", front("rules", "r", "name: a/b\ndescription: x\n"),
         F(RULE, 2, "name")),
    Case("name-with-dotdot", front("rules", "r", "name: ..\ndescription: x\n"),
         F(RULE, 2, "name")),
    Case("file-name-uppercase", front("rules", "Bad", "name: Bad\ndescription: x\n"),
         F(LIB + "rules/Bad.md", 2, "name")),
    Case("file-name-with-space", front("rules", "a b", "name: a b\ndescription: x\n"),
         F(LIB + "rules/a b.md", 2, "name")),
    Case("name-a-number", front("rules", "r", "name: 5\ndescription: x\n"), F(RULE, 2, "name")),
    Case("name-250-chars", front("rules", "a" * 250, f"name: {'a' * 250}\ndescription: x\n"),
         F(LIB + f"rules/{'a' * 250}.md", 2, "name")),
    Case("description-multiline", front("rules", "r", "name: r\ndescription: |\n  a\n  b\n"),
         F(RULE, 3, "description")),
    Case("description-empty", front("rules", "r", "name: r\ndescription: ''\n"),
         F(RULE, 3, "description")),
    Case("description-a-list", front("rules", "r", "name: r\ndescription: [a]\n"),
         F(RULE, 3, "description")),
    Case("description-a-marker", front("rules", "r", "name: r\ndescription: "
                                       "'<!-- aiwg:end rules -->'\n"), F(RULE, 3, "description")),
    Case("severity-unknown", front("rules", "r", NAME + "severity: urgent\n"),
         F(RULE, 4, "severity")),
    Case("severity-a-number", front("rules", "r", NAME + "severity: 1\n"),
         F(RULE, 4, "severity")),
    Case("tags-a-number", front("rules", "r", NAME + "tags: 5\n"), F(RULE, 4, "tags")),
    Case("tags-with-a-mapping", front("rules", "r", NAME + "tags: [a, {b: c}]\n"),
         F(RULE, 4, "tags")),
    Case("tags-with-null", front("rules", "r", NAME + "tags: [a, null]\n"), F(RULE, 4, "tags")),
    Case("targets-unknown-platform", front("rules", "r", NAME + "targets: [cursr]\n"),
         F(RULE, 4, "targets")),
    Case("targets-excluded-unknown", front("rules", "r", NAME + "targets: ['!nope']\n"),
         F(RULE, 4, "targets")),
    Case("targets-a-mapping", front("rules", "r", NAME + "targets: {cursor: true}\n"),
         F(RULE, 4, "targets")),
    Case("always-a-string", front("rules", "r", NAME + "always: 'yes'\n"),
         F(RULE, 4, "always")),
    Case("always-a-number", front("rules", "r", NAME + "always: 1\n"), F(RULE, 4, "always")),
    Case("version-a-list", front("rules", "r", NAME + "version: [1]\n"),
         F(RULE, 4, "version")),
    Case("version-a-bool", front("rules", "r", NAME + "version: true\n"),
         F(RULE, 4, "version")),
    Case("globs-a-number", front("rules", "r", NAME + "globs: 3\n"), F(RULE, 4, "globs")),
    Case("category-a-list", front("rules", "r", NAME + "category: [a]\n"),
         F(RULE, 4, "category")),
    Case("checks-a-mapping", front("rules", "r", NAME + "checks: {a: b}\n"),
         F(RULE, 4, "checks")),
    Case("requires-unknown", front("rules", "r", NAME + "requires: [ghost]\n"),
         F(RULE, 4, "requires")),
    Case("requires-self-cycle", front("rules", "r", NAME + "requires: [r]\n"),
         F(RULE, 4, "requires")),
    Case("conflicts-unknown", front("rules", "r", NAME + "conflicts: [ghost]\n"),
         F(RULE, 4, "conflicts")),
    Case("enhances-a-number", front("rules", "r", NAME + "enhances: 7\n"),
         F(RULE, 4, "enhances")),
    Case("field-typo", front("rules", "r", NAME + "sevrity: high\n"), F(RULE, 4, "sevrity")),
    Case("override-not-a-mapping", front("rules", "r", NAME + "cursor: 5\n"),
         F(RULE, None, "cursor")),
    Case("override-bad-name", front("rules", "r", NAME + "cursor:\n  name: a/b\n"),
         F(RULE, 5, "cursor.name")),
    Case("override-bad-severity", front("rules", "r", NAME + "cursor:\n  severity: x\n"),
         F(RULE, 5, "cursor.severity")),
    Case("override-tags-a-number", front("rules", "r", NAME + "codex:\n  tags: 5\n"),
         F(RULE, 5, "codex.tags")),
    Case("duplicate-in-layer", both(rule(), item("rules/r.yaml.md", rule_text("r"))),
         F(LIB + "rules/r.yaml.md", 2, "name")),
    # bodies
    Case("body-end-marker", item("rules/r.md", f"---\n{NAME}---\n<!-- aiwg:end rules -->\n"),
         F(RULE, 5, "body")),
    Case("body-begin-marker", item("rules/r.md", f"---\n{NAME}---\nx\n<!-- aiwg:begin x -->\n"),
         F(RULE, 6, "body")),
    Case("body-unclosed-fence", item("rules/r.md", f"---\n{NAME}---\n```sh\nls\n"),
         F(RULE, 5, "body")),
    Case("agent-body-marker", item("agents/a.md", f"---\n{AGENT}---\n<!-- aiwg:end a -->\n"),
         F(LIB + "agents/a.md", 5, "body")),
    # agents and commands
    Case("agent-tools-a-number", front("agents", "a", AGENT + "tools: 5\n"),
         F(LIB + "agents/a.md", 4, "tools")),
    Case("agent-tools-a-mapping", front("agents", "a", AGENT + "tools: {read: 1}\n"),
         F(LIB + "agents/a.md", 4, "tools")),
    Case("agent-tools-with-number", front("agents", "a", AGENT + "tools: [read, 5]\n"),
         F(LIB + "agents/a.md", 4, "tools")),
    Case("agent-model-a-number", front("agents", "a", AGENT + "model: 5\n"),
         F(LIB + "agents/a.md", 4, "model")),
    Case("agent-model-null-for-a-platform",
         front("agents", "a", AGENT + "model:\n  cursor: null\n  codex: gpt-5\n"),
         F(LIB + "agents/a.md", 5, "model")),
    Case("agent-model-a-list", front("agents", "a", AGENT + "model: [a, b]\n"),
         F(LIB + "agents/a.md", 4, "model")),
    Case("agent-model-unknown-platform",
         front("agents", "a", AGENT + "model:\n  cursr: gpt-5\n"),
         F(LIB + "agents/a.md", 5, "model")),
    Case("agent-override-tools-a-number", front("agents", "a", AGENT + "cursor:\n  tools: 5\n"),
         F(LIB + "agents/a.md", 5, "tools")),
    Case("command-missing-description", front("commands", "c", "name: c\n"),
         F(LIB + "commands/c.md", None, "description")),
    Case("command-argument-hint-a-list",
         front("commands", "c", "name: c\ndescription: x\nargument-hint: [a]\n"),
         F(LIB + "commands/c.md", 4, "argument-hint")),
    # skills
    Case("skill-without-skill-md", item("skills/tool/README.md", "x\n"), F(LIB + "skills/tool")),
    Case("skill-name-uppercase", item("skills/Tool/SKILL.md", SKILL.replace("tool", "Tool")),
         F(LIB + "skills/Tool/SKILL.md", 2, "name")),
    Case("skill-name-too-long", item(f"skills/{'s' * 70}/SKILL.md",
                                     SKILL.replace("tool", "s" * 70)),
         F(LIB + f"skills/{'s' * 70}/SKILL.md", 2, "name")),
    Case("skill-description-too-long", item("skills/tool/SKILL.md",
                                            SKILL.replace("A skill.", "x" * 1100)),
         F(LIB + "skills/tool/SKILL.md", 3, "description")),
    Case("skill-link-to-etc-passwd", both(item("skills/tool/SKILL.md", SKILL), symlink(
        ".aiwg/library/skills/tool/passwd", lambda p, h: Path("/etc/passwd"))),
         F(LIB + "skills/tool/passwd")),
    Case("skill-link-to-ssh-key", both(item("skills/tool/SKILL.md", SKILL),
                                       host(".ssh/id_rsa", "KEY\n", in_home=True),
                                       symlink(".aiwg/library/skills/tool/id_rsa",
                                               lambda p, h: h / ".ssh/id_rsa")),
         F(LIB + "skills/tool/id_rsa")),
    Case("skill-linked-folder-outside", both(item("skills/tool/SKILL.md", SKILL), symlink(
        ".aiwg/library/skills/tool/data", outside)), F(LIB + "skills/tool/data")),
    Case("skill-broken-link", both(item("skills/tool/SKILL.md", SKILL), symlink(
        ".aiwg/library/skills/tool/gone", lambda p, h: p / "nowhere")),
         F(LIB + "skills/tool/gone")),
    Case("skill-named-pipe", both(item("skills/tool/SKILL.md", SKILL),
                                  fifo("skills/tool/pipe", library=True)),
         F(LIB + "skills/tool/pipe")),
    Case("skill-frontmatter-broken", item("skills/tool/SKILL.md", "---\nname: [\n---\n"),
         F(LIB + "skills/tool/SKILL.md")),
    # MCP servers
    Case("mcp-both-transports", server(MCP_CMD + MCP_URL), F(SRV, 3, "command")),
    Case("mcp-no-transport", server(""), F(SRV, None, "command")),
    Case("mcp-command-a-list", server("command: [npx, x]\n"), F(SRV, 3, "command")),
    Case("mcp-command-empty", server("command: ''\n"), F(SRV, 3, "command")),
    Case("mcp-args-a-string", server(MCP_CMD + "args: -y x\n"), F(SRV, 4, "args")),
    Case("mcp-args-with-mapping", server(MCP_CMD + "args: [a, {b: c}]\n"), F(SRV, 4, "args")),
    Case("mcp-args-with-null", server(MCP_CMD + "args: [a, null]\n"), F(SRV, 4, "args")),
    Case("mcp-url-ftp", server("url: ftp://x.test\n"), F(SRV, 3, "url")),
    Case("mcp-url-a-number", server("url: 5\n"), F(SRV, 3, "url")),
    Case("mcp-env-a-list", server(MCP_CMD + "env: [a]\n"), F(SRV, 4, "env")),
    Case("mcp-env-value-a-number", server(MCP_CMD + "env:\n  PORT: 5\n"), F(SRV, 5, "env.PORT")),
    Case("mcp-env-value-null", server(MCP_CMD + "env:\n  X: null\n"), F(SRV, 5, "env.X")),
    Case("mcp-env-bad-name", server(MCP_CMD + "env:\n  'A B': x\n"), F(SRV, 5, "env")),
    Case("mcp-headers-a-string", server(MCP_URL + "headers: x\n"), F(SRV, 4, "headers")),
    Case("mcp-header-a-mapping", server(MCP_URL + "headers:\n  X: {a: 1}\n"),
         F(SRV, 5, "headers.X")),
    Case("mcp-a-list", mcp("srv", "- a\n"), F(SRV, 1)),
    Case("mcp-empty", mcp("srv", ""), F(SRV, 1)),
    Case("mcp-malformed", mcp("srv", "name: [\n"), F(SRV)),
    Case("mcp-not-utf8", mcp("srv", b"name: \xfe\n"), F(SRV)),
    Case("mcp-alias-bomb", mcp("srv", "name: srv\ndescription: x\ncommand: npx\n" + BOMB),
         F(SRV)),
    Case("mcp-deep-nesting", server(MCP_CMD + "env: " + "{a: " * 100 + "b" + "}" * 100 + "\n"),
         F(SRV, 4)),
    Case("mcp-name-mismatch", mcp("srv", "name: other\ndescription: x\ncommand: npx\n"),
         F(SRV, 1, "name")),
    Case("mcp-override-not-a-mapping", server(MCP_CMD + "cursor: [a]\n"),
         F(SRV, None, "cursor")),
    # secrets (defect 13)
    Case("secret-url-userinfo", server("url: https://admin:hunter2@mcp.example.test/\n"),
         F(SRV, 3, "url")),
    Case("secret-url-query-key", server("url: https://mcp.example.test/?api_key=abc123\n"),
         F(SRV, 3, "url")),
    Case("secret-url-query-token", server("url: https://x.test/sse?token=deadbeef&x=1\n"),
         F(SRV, 3, "url")),
    Case("secret-url-github-token", server("url: https://x.test/ghp_" + "a" * 36 + "/\n"),
         F(SRV, 3, "url")),
    Case("secret-args-api-key", server(MCP_CMD + "args: [server, --api-key, sk-live-abc123]\n"),
         F(SRV, 4, "args")),
    Case("secret-args-token-equals", server(MCP_CMD + "args: ['--token=abcdef123']\n"),
         F(SRV, 4, "args")),
    Case("secret-args-password", server(MCP_CMD + "args: [--db-password, hunter2]\n"),
         F(SRV, 4, "args")),
    Case("secret-args-header", server(MCP_CMD + "args: [--header, 'Authorization: Bearer "
                                      "abcdef123']\n"), F(SRV, 4, "args")),
    Case("secret-args-url-userinfo", server(MCP_CMD + "args: ['postgres://u:pw@db/x']\n"),
         F(SRV, 4, "args")),
    Case("secret-args-aws-key", server(MCP_CMD + "args: [AKIAABCDEFGHIJKLMNOP]\n"),
         F(SRV, 4, "args")),
    Case("secret-env-database-url", server(MCP_CMD + "env:\n  DATABASE_URL: "
                                           "postgres://admin:hunter2@db/x\n"),
         F(SRV, 5, "env.DATABASE_URL")),
    Case("secret-env-token-literal", server(MCP_CMD + "env:\n  GITHUB_TOKEN: ghp_x\n"),
         F(SRV, 5, "env.GITHUB_TOKEN")),
    Case("secret-env-slack-token", server(MCP_CMD + "env:\n  SLACK: xoxb-1234567890-abc\n"),
         F(SRV, 5, "env.SLACK")),
    Case("secret-env-private-key", server(MCP_CMD + "env:\n  PEM: '-----BEGIN RSA PRIVATE "
                                          "KEY-----'\n"), F(SRV, 5, "env.PEM")),
    Case("secret-header-authorization", server(MCP_URL + "headers:\n  Authorization: Bearer "
                                               "abc123456\n"),
         F(SRV, 5, "headers.Authorization")),
    Case("secret-header-api-key", server(MCP_URL + "headers:\n  X-Api-Key: abc123456\n"),
         F(SRV, 5, "headers.X-Api-Key")),
    Case("secret-header-basic-under-other-name", server(MCP_URL + "headers:\n  X-Proxy: Basic "
                                                        "dXNlcjpwYXNz\n"),
         F(SRV, 5, "headers.X-Proxy")),
    Case("secret-in-override-block", server(MCP_CMD + "cursor:\n  url: https://a:b2c3d4@x.test/\n"),
         F(SRV, None, "cursor")),
    # hooks
    Case("hook-unknown-event", hook("event: on-save\ncommand: ls\n"), F(PY_HOOK, 3, "event")),
    Case("hook-no-command", hook("event: stop\n"), F(PY_HOOK, None, "command")),
    Case("hook-command-a-list", hook("event: stop\ncommand: [ls]\n"), F(PY_HOOK, 4, "command")),
    Case("hook-matcher-a-list", hook("event: stop\ncommand: ls\nmatcher: [a]\n"),
         F(PY_HOOK, 5, "matcher")),
    Case("hook-timeout-negative", hook("event: stop\ncommand: ls\ntimeout: -1\n"),
         F(PY_HOOK, 5, "timeout")),
    Case("hook-timeout-a-string", hook("event: stop\ncommand: ls\ntimeout: soon\n"),
         F(PY_HOOK, 5, "timeout")),
    Case("hook-a-list", mcp_hook("h", "- a\n"), F(PY_HOOK, 1)),
]

# The same library problems through `validate`, which reports them with exit 1.
VALIDATE_CASES = [
    Case(f"validate-{case.id}", case.setup, case.where, argv=VALIDATE, exit=1)
    for case in LIBRARY_CASES[:30]
]


def config(text: str | bytes) -> Setup:
    return host("aiwg.toml", text)


def with_rule(*setups: Setup) -> Setup:
    return both(rule(), *setups)


TOML = "aiwg.toml"
CONFIG_CASES = [
    Case("config-invalid-toml", with_rule(config("[library\n")), F(TOML, 1), config=None),
    Case("config-not-utf8", with_rule(config(b"[library]\nbuiltin = false\n# \xff\n")), F(TOML),
         config=None),
    Case("config-nul-byte", with_rule(config(b"[library]\x00\n")), F(TOML), config=None),
    Case("config-a-folder", with_rule(folder("aiwg.toml")), F(TOML), config=None),
    Case("config-unknown-platform", with_rule(config(CONFIG + "platforms = ['no-such']\n")),
         F(TOML), config=None),
    Case("config-platforms-a-string", with_rule(config("platforms = 'codex'\n" + CONFIG)),
         F(TOML), config=None),
    Case("config-library-path-missing", with_rule(config(
        "[library]\nbuiltin = false\npaths = ['no/such/folder']\n")), F(TOML), config=None),
    Case("config-library-path-a-number", with_rule(config(
        "[library]\nbuiltin = false\npaths = [5]\n")), F(TOML), config=None),
    Case("config-builtin-a-string", with_rule(config("[library]\nbuiltin = 'no'\n")), F(TOML),
         config=None),
    Case("config-budget-unknown-platform", with_rule(config(
        CONFIG + "[budgets.no-such]\nrule = 100\n")), F(TOML), config=None),
    Case("config-budget-negative", with_rule(config(CONFIG + "[budgets.codex]\nrule = -5\n")),
         F(TOML), config=None),
    Case("config-budget-a-string", with_rule(config(CONFIG + "[budgets.codex]\nrule = 'big'\n")),
         F(TOML), config=None),
    Case("config-budgets-not-a-table", with_rule(config("budgets = 5\n" + CONFIG)), F(TOML),
         config=None),
    Case("config-deep-nesting", with_rule(config(CONFIG + "x = " + "[" * 3000 + "]" * 3000
                                                 + "\n")), F(TOML), config=None),
    Case("config-deep-tables", with_rule(config(CONFIG + "[" + ".".join(["a"] * 500) + "]\n")),
         F(TOML), config=None),
    Case("config-select-tags-a-number", with_rule(config("[library]\nbuiltin = false\n"
                                                         "[select]\ntags = 5\n")),
         F(TOML), config=None),
    Case("config-select-severity-unknown", with_rule(config(
        "[library]\nbuiltin = false\n[select]\nseverity = 'urgent'\n")), F(TOML), config=None),
    Case("config-unknown-section", with_rule(config(CONFIG + "[selct]\ntags = []\n")), F(TOML),
         config=None),
    Case("config-platform-unknown-option", with_rule(config(
        CONFIG + "[platform.cursor]\nnope = 1\n")), F(TOML), config=None),
    Case("config-ignore-a-number", with_rule(config("ignore = 5\n" + CONFIG)), F(TOML),
         config=None),
    Case("pyproject-tool-aiwg-invalid", with_rule(host("pyproject.toml",
                                                       "[tool.aiwg]\nplatforms = 5\n")),
         F("pyproject.toml"), config=None),
    Case("pyproject-invalid-toml", with_rule(host("pyproject.toml", "[tool\n")),
         F("pyproject.toml"), config=None),
]

TARGET_CASES = [
    Case("mcp-json-invalid", with_rule(server(MCP_CMD), host(".mcp.json", "{nope\n")),
         F(".mcp.json")),
    Case("mcp-json-a-list", with_rule(server(MCP_CMD), host(".mcp.json", "[]\n")),
         F(".mcp.json")),
    Case("mcp-json-servers-a-list", with_rule(server(MCP_CMD), host(
        ".mcp.json", '{"mcpServers": []}\n')), F(".mcp.json")),
    Case("mcp-json-servers-a-string", with_rule(server(MCP_CMD), host(
        ".mcp.json", '{"mcpServers": "x"}\n')), F(".mcp.json")),
    Case("mcp-json-deep-nesting", with_rule(server(MCP_CMD), host(".mcp.json", deep_json(5000))),
         F(".mcp.json")),
    Case("mcp-json-not-utf8", with_rule(server(MCP_CMD), host(".mcp.json", b'{"a": "\xff"}\n')),
         F(".mcp.json")),
    Case("mcp-json-duplicate-server", with_rule(server(MCP_CMD), host(
        ".mcp.json", '{"mcpServers": {"srv": {}, "srv": {}}}\n')), F(".mcp.json")),
    Case("mcp-json-trailing-garbage", with_rule(server(MCP_CMD), host(".mcp.json", "{} x\n")),
         F(".mcp.json")),
    Case("mcp-json-a-folder", with_rule(server(MCP_CMD), folder(".mcp.json")), F(".mcp.json")),
    Case("mcp-json-a-pipe", with_rule(server(MCP_CMD), fifo(".mcp.json")), F(".mcp.json")),
    Case("cursor-mcp-json-invalid", with_rule(server(MCP_CMD), host(".cursor/mcp.json", "{")),
         F(".cursor/mcp.json")),
    Case("agents-md-not-utf8", with_rule(host("AGENTS.md", b"# mine \xff\n")), F("AGENTS.md")),
    Case("agents-md-two-begins", with_rule(host("AGENTS.md", "<!-- aiwg:begin rules -->\n"
                                                "<!-- aiwg:begin rules -->\n"
                                                "<!-- aiwg:end rules -->\n")),
         F("AGENTS.md")),
    Case("agents-md-end-without-begin", with_rule(host("AGENTS.md", "x\n<!-- aiwg:end rules "
                                                       "-->\n")), F("AGENTS.md")),
    Case("agents-md-begin-without-end", with_rule(host("AGENTS.md", "<!-- aiwg:begin rules "
                                                       "-->\nx\n")), F("AGENTS.md")),
    Case("agents-md-unclosed-fence", with_rule(host("AGENTS.md", "# Mine\n```\nopen\n")),
         F("AGENTS.md")),
    Case("agents-md-a-folder", with_rule(folder("AGENTS.md")), F("AGENTS.md")),
    Case("agents-md-a-pipe", with_rule(fifo("AGENTS.md")), F("AGENTS.md")),
    Case("agents-md-link-outside", with_rule(symlink("AGENTS.md", outside_file)),
         F("AGENTS.md")),
    Case("cursor-folder-link-outside", with_rule(symlink(".cursor", outside)),
         F(".cursor/rules/r.mdc")),
    Case("cursor-rules-a-file", with_rule(host(".cursor/rules", "not a folder\n")),
         F(".cursor/rules/r.mdc")),
    Case("cursor-folder-a-file", with_rule(host(".cursor", "not a folder\n")),
         F(".cursor/rules/r.mdc")),
    Case("claude-settings-invalid", with_rule(hook("event: stop\ncommand: ls\n"),
                                              host(".claude/settings.json", "{,}\n")),
         F(".claude/settings.json")),
    Case("claude-settings-hooks-a-string", with_rule(
        hook("event: stop\ncommand: ls\n"),
        host(".claude/settings.json", '{"hooks": {"Stop": "echo"}}\n')),
         F(".claude/settings.json")),
    Case("claude-settings-hooks-a-list", with_rule(
        hook("event: stop\ncommand: ls\n"), host(".claude/settings.json", '{"hooks": []}\n')),
         F(".claude/settings.json")),
    Case("codex-config-invalid-user", with_rule(server(MCP_CMD), host(
        ".codex/config.toml", "[mcp_servers\n", in_home=True)), F(".codex/config.toml"),
         argv=("deploy", "--platform", "codex", "--scope", "user")),
    Case("codex-config-servers-a-number-user", with_rule(server(MCP_CMD), host(
        ".codex/config.toml", "mcp_servers = 5\n", in_home=True)), F(".codex/config.toml"),
         argv=("deploy", "--platform", "codex", "--scope", "user")),
    Case("codex-config-not-utf8-user", with_rule(server(MCP_CMD), host(
        ".codex/config.toml", b"x = '\xff'\n", in_home=True)), F(".codex/config.toml"),
         argv=("deploy", "--platform", "codex", "--scope", "user")),
    Case("vscode-mcp-invalid", with_rule(server(MCP_CMD), host(".vscode/mcp.json", "{/*\n")),
         F(".vscode/mcp.json"), argv=("deploy", "--platform", "copilot")),
    Case("opencode-json-invalid", with_rule(server(MCP_CMD), host("opencode.json", "{\n")),
         F("opencode.json"), argv=("deploy", "--platform", "opencode")),
    Case("gemini-settings-invalid", with_rule(server(MCP_CMD), host(".gemini/settings.json",
                                                                   "nope")),
         F(".gemini/settings.json"), argv=("deploy", "--platform", "gemini-cli")),
    Case("continue-yaml-invalid", with_rule(server(MCP_CMD), host(
        ".continue/mcpServers/aiwg.yaml", "a: [\n")), F(".continue/mcpServers/aiwg.yaml"),
         argv=("deploy", "--platform", "continue")),
    Case("ignore-file-broken-markers", with_rule(
        host(".cursorignore", "# aiwg:end ignore\n")), F(".cursorignore"),
         config="ignore = ['secrets/']\n" + CONFIG, argv=("deploy", "--platform", "cursor")),
    Case("agents-md-link-to-etc", with_rule(symlink("AGENTS.md", lambda p, h: Path(
        "/etc/hostname"))), F("AGENTS.md"), argv=("deploy", "--platform", "opencode")),
]

MANIFEST = r"\.aiwg/manifest\.jsonl: .*"
OWN_LIBRARY = "[library]\nbuiltin = false\npaths = ['lib']\n[select]\ntags = []\n"
STATE_CASES = [
    Case("manifest-garbage", deployed(replace_file(".aiwg/manifest.jsonl", "not json\n")),
         MANIFEST + "line 1", argv=("sync",)),
    Case("manifest-not-utf8", deployed(replace_file(".aiwg/manifest.jsonl", b"\xff\xfe\n")),
         F(".aiwg/manifest.jsonl"), argv=("sync",)),
    Case("manifest-unknown-version", deployed(replace_file(
        ".aiwg/manifest.jsonl", '{"aiwg_manifest": 99, "scope": "project"}\n')),
         MANIFEST + "line 1", argv=("sync",)),
    Case("manifest-entry-a-list", deployed(replace_file(
        ".aiwg/manifest.jsonl", '{"aiwg_manifest": 2, "scope": "project"}\n[1, 2]\n')),
         MANIFEST + "line 2", argv=("sync",)),
    Case("manifest-a-folder", deployed(lambda p, h: ((p / ".aiwg/manifest.jsonl").unlink(),
                                                     (p / ".aiwg/manifest.jsonl").mkdir())),
         F(".aiwg/manifest.jsonl"), argv=("sync",)),
    Case("manifest-deep-nesting", deployed(replace_file(
        ".aiwg/manifest.jsonl", '{"aiwg_manifest": 2, "scope": "project"}\n'
        + "[" * 5000 + "]" * 5000 + "\n")), MANIFEST, argv=("sync",)),
    Case("state-folder-a-file", both(host("lib/rules/r.md", rule_text("r")), host(".aiwg", "")),
         F(".aiwg"), config=OWN_LIBRARY),
    Case("state-folder-link-outside", both(host("lib/rules/r.md", rule_text("r")),
                                           symlink(".aiwg", outside)),
         F(".aiwg"), config=OWN_LIBRARY),
    Case("state-lock-link", with_rule(symlink(".aiwg/lock", lambda p, h: p.parent / "lock-x")),
         F(".aiwg/lock")),
    Case("state-local-link", with_rule(symlink(".aiwg/local", outside)), F(".aiwg/local")),
]


def env_case(name: str, variable: str, value: str, where: str, *, platform: str,
             scope: str = "user", setup: Setup | None = None) -> Case:
    return Case(name, setup or with_rule(server(MCP_CMD)), where,
                argv=("deploy", "--platform", platform, "--scope", scope),
                env={variable: value})


ENV_CASES = [
    env_case("env-openclaw-profile-escapes", "OPENCLAW_PROFILE", "x/../../../elsewhere",
             "OPENCLAW_PROFILE", platform="openclaw"),
    env_case("env-openclaw-profile-absolute", "OPENCLAW_PROFILE", "/tmp/elsewhere",
             "OPENCLAW_PROFILE", platform="openclaw"),
    env_case("env-codex-home-a-file", "CODEX_HOME", "{home}/codex-file", "codex-file",
             platform="codex", setup=with_rule(server(MCP_CMD), host("codex-file", "x\n",
                                                                     in_home=True))),
    env_case("env-claude-config-dir-a-file", "CLAUDE_CONFIG_DIR", "{home}/claude-file",
             "claude-file", platform="claude-code",
             setup=with_rule(server(MCP_CMD), host("claude-file", "x\n", in_home=True))),
]


def usage(name: str, *argv: str, where: str = r"\S", setup: Setup = nothing,
          config: str | None = CONFIG) -> Case:
    return Case(name, both(rule(), setup), where, argv=argv, config=config)


USAGE_CASES = [
    usage("cli-unknown-platform", "deploy", "--platform", "no-such", where="no-such"),
    usage("cli-bad-scope", "deploy", "--platform", "codex", "--scope", "galaxy", where="scope"),
    usage("cli-no-platform", "deploy", where="platform"),
    usage("cli-nothing-to-sync", "sync", where="sync"),
    usage("cli-remove-unknown-platform", "remove", "--platform", "nope", where="nope"),
    usage("cli-show-unknown-item", "show", "ghost", where="ghost"),
    usage("cli-show-bad-level", "show", "r", "--level", "huge", where="level"),
    usage("cli-list-bad-kind", "list", "--kind", "widgets", where="widgets"),
    usage("cli-status-unknown-platform", "status", "--platform", "nope", where="nope"),
    usage("cli-diff-unknown-platform", "diff", "--platform", "nope", where="nope"),
    usage("cli-context-unknown-platform", "context", "--platform", "nope", where="nope"),
    usage("cli-user-scope-only-platform", "deploy", "--platform", "codex", "--platform",
          "no-such", where="no-such"),
]

CASES = [*LIBRARY_CASES, *VALIDATE_CASES, *CONFIG_CASES, *TARGET_CASES, *STATE_CASES,
         *ENV_CASES, *USAGE_CASES]


def test_the_corpus_has_at_least_150_distinct_cases() -> None:
    assert len(CASES) >= 150
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path: Path, fake_home: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, case.config or "")
    case.setup(project, fake_home)
    if "user" in case.argv:  # a user-scope run reads the user's own config and library
        mirror_to_user_scope(project)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value.replace("{home}", str(fake_home)))
    before = _snapshot(tmp_path, fake_home)
    result = aiwg(project, *case.argv)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code == case.exit, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if case.exit == 1:  # validate prints its problems on stdout or stderr, one a line
        lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert re.search(case.where, lines[0]), (case.where, lines[0])
    assert _changes(before, _snapshot(tmp_path, fake_home)) == []


def _changes(before: dict[str, tuple[str, bytes | str, int]],
             after: dict[str, tuple[str, bytes | str, int]]) -> list[str]:
    """Paths added, removed or changed, except aiwg's empty lock file and the state folder made
    for it: runs serialise on that file, and it stays by design (deleting a lock file races
    the run waiting on it)."""
    changed = sorted(path for path in before.keys() | after.keys()
                     if before.get(path) != after.get(path))
    locks = [path for path in changed if path.endswith("/lock") and path not in before
             and after[path] == ("file", b"", after[path][2])]
    allowed = set(locks)
    for lock in locks:
        parent = os.path.dirname(lock)
        while parent not in before and parent in after and after[parent][0] == "dir":
            allowed.add(parent)
            parent = os.path.dirname(parent)
    return [path for path in changed if path not in allowed]
