"""`aiwg schema KIND`: print the JSON Schema of a file aiwg reads, for editors and CI."""

from __future__ import annotations

import difflib
import sys

from aiwg.errors import EXIT_OK, UsageError
from aiwg.schemas import BASE_URL, SCHEMA_KINDS, file_name, text

_WHAT = {
    "config": "aiwg.toml, [tool.aiwg] in pyproject.toml, the user's aiwg.toml",
    "rule": "rules/<name>.md frontmatter",
    "agent": "agents/<name>.md frontmatter",
    "command": "commands/<name>.md frontmatter",
    "skill": "skills/<name>/SKILL.md frontmatter",
    "mcp": "mcp/<name>.yaml",
    "hook": "hooks/<name>.yaml",
    "adapter": "adapters/<id>.toml",
}


def run(kind: str | None, *, list_kinds: bool) -> int:
    if list_kinds or kind is None:
        if kind is None and not list_kinds:
            raise UsageError(f"schema: name a kind ({', '.join(SCHEMA_KINDS)}) or pass --list")
        width, what = max(map(len, SCHEMA_KINDS)), max(map(len, _WHAT.values()))
        for name in SCHEMA_KINDS:
            sys.stdout.write(f"{name:<{width}}  {_WHAT[name]:<{what}}  "
                             f"{BASE_URL}{file_name(name)}\n")
        return EXIT_OK
    if kind not in SCHEMA_KINDS:
        close = difflib.get_close_matches(kind, SCHEMA_KINDS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(SCHEMA_KINDS)}"
        raise UsageError(f"schema: unknown kind {kind!r}; {hint}")
    sys.stdout.write(text(kind))
    return EXIT_OK
