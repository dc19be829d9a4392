"""The `.gitattributes` block that marks the files aiwg writes `linguist-generated`
(`[git] linguist = true`), so code review folds them away and language statistics skip them.

It is a rendered output like any other: sync keeps it current as outputs come and go, the
manifest owns it, a hand edit inside it is kept, `remove --all` takes it back, and every byte
outside it stays as it is. git reads later lines of a `.gitattributes` over earlier ones, so the
block is written at the top of the file: every line of the person's, below it, wins. A path the
person's own lines above it name exactly is left out of it too."""

from __future__ import annotations

import re
from collections.abc import Iterable

from aiwg.formats.block import BlockError, remove_block
from aiwg.outputs import Output
from aiwg.roots import PROJECT_ROOT_ID

GITATTRIBUTES = ".gitattributes"
BLOCK = "linguist"
SOURCE = "config/git.linguist"
ATTRIBUTE = "linguist-generated"
# A pattern (plain or C-quoted), then its attributes.
_LINE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\S+)(.*)$')
# linguist-generated set, unset (-), unspecified (!) or given a value.
_DECIDES = re.compile(rf"(?:^|\s)[-!]?{re.escape(ATTRIBUTE)}(?:=\S*)?(?=\s|$)")
_GLOB = re.compile(r"([\\*?\[])")


def pattern(path: str) -> str:
    """`path` as a gitattributes pattern that matches that one file: anchored at the project
    root (a bare name would match at every depth), glob characters escaped, and C-quoted when it
    holds a space, a tab or a quote. The leading `/` also keeps a `#` or `!` from being read as
    a comment or a negation."""
    escaped = "/" + _GLOB.sub(r"\\\1", path)
    if any(ch in escaped for ch in ' \t"'):
        quoted = escaped.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        return f'"{quoted}"'
    return escaped


def _unquoted(text: str) -> str:
    if len(text) > 1 and text.startswith('"') and text.endswith('"'):
        body = text[1:-1].replace("\\t", "\t")
        return re.sub(r"\\(.)", r"\1", body)
    return text


def their_paths(outside: str) -> set[str]:
    """The patterns the person's own lines give a linguist-generated choice, unquoted and
    unanchored: a path named exactly there is theirs to decide."""
    found = set()
    for line in outside.splitlines():
        match = _LINE.match(line.removeprefix("\ufeff"))
        if match is None or match.group(1).startswith("#"):
            continue
        if _DECIDES.search(match.group(2)):
            found.add(_unquoted(match.group(1)).removeprefix("/"))
    return found


def _outside(host: str | None) -> str:
    if not host:
        return ""
    try:
        return remove_block(host, BLOCK, "hash")
    except BlockError:
        return host  # broken markers are reported when the plan reads the file


def _literal(glob: str) -> str:
    """A person's pattern with its glob escapes undone, to compare it with a path."""
    return re.sub(r"\\([\\*?\[])", r"\1", glob)


def linguist_block(outputs: Iterable[Output], project_root: str,
                   host: str | None) -> Output | None:
    """The block listing every whole file aiwg writes in the project, or None when there is
    none. `host` is the `.gitattributes` on disk now (None when absent)."""
    files = [o for o in outputs if o.grain == "file" and o.root_id == PROJECT_ROOT_ID]
    theirs = {_literal(p) for p in their_paths(_outside(host))}
    chosen = sorted({o.path for o in files} - theirs)
    if not chosen:
        return None
    platforms = tuple(sorted({p for o in files if o.path in chosen for p in o.platforms}))
    return Output(path=GITATTRIBUTES, grain="block",
                  content="".join(f"{pattern(path)} {ATTRIBUTE}\n" for path in chosen),
                  platforms=platforms, sources=(SOURCE,), root=project_root,
                  root_id=PROJECT_ROOT_ID, block=BLOCK, comment="hash", first=True)
