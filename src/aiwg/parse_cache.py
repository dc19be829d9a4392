"""Parsed library files remembered between runs, so a sync after one edit parses one file.

The YAML parse of an item file is a pure function of its text (and of which parser reads it),
so the cache is keyed by exactly that: the SHA-256 of the parser's name and the text. A hit
returns what parsing the same text returned before; there is nothing a stat could get wrong
(same size, same mtime, a copy swapped in: the bytes are the key). Only results that JSON holds
exactly are kept (strings, numbers, booleans, null, lists, string-keyed mappings); a date or
a non-string key is parsed again every run. Problems are never cached: a broken file is parsed,
and reported, every time.

The file lives in the project's local state and is bound to that state folder's identity
(device and inode) and path, so a cache copied in with a repository or a tarball is ignored:
what deploys is always what the library's files say. It is written only by a run that writes
anyway (or records a fingerprint), and holds only the entries that run used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiwg import __version__

FORMAT = 1
FILE_NAME = "parsed.json"

Parsed = tuple[dict[str, Any], str]


def exact_in_json(value: object) -> bool:
    """Whether JSON gives back an equal value of the same types."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(exact_in_json(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and exact_in_json(v)
                   for k, v in value.items())
    return False


def _identity(state_dir: Path) -> list[Any] | None:
    """The state folder as this machine knows it; None when it is missing or a link."""
    try:
        info = os.lstat(state_dir)
    except OSError:
        return None
    if not os.path.isdir(state_dir) or os.path.islink(state_dir):
        return None
    return [str(state_dir), info.st_dev, info.st_ino]


class ParseCache:
    """Look-ups for one run, and what that run used (the next file's contents)."""

    def __init__(self, file: Path | None, identity: list[Any] | None,
                 entries: dict[str, Any]) -> None:
        self.file = file
        self.identity = identity
        self._old = entries
        self._used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def load(cls, state_dir: Path) -> ParseCache:
        identity = _identity(state_dir)
        file = state_dir / "local" / FILE_NAME
        entries: dict[str, Any] = {}
        if identity is not None:
            with contextlib.suppress(OSError, ValueError):
                document = json.loads(file.read_bytes())
                if (isinstance(document, dict) and document.get("format") == FORMAT
                        and document.get("aiwg") == __version__
                        and document.get("identity") == identity
                        and isinstance(document.get("entries"), dict)):
                    entries = document["entries"]
        return cls(file, identity, entries)

    @classmethod
    def disabled(cls) -> ParseCache:
        return cls(None, None, {})

    def parse(self, parser: str, path: Path, text: str,
              parse: Callable[[Path, str], Parsed | Any]) -> Parsed | Any:
        """`parse(path, text)`, or what it returned for the same text before."""
        if self.file is None:
            return parse(path, text)
        key = hashlib.sha256(f"{parser}\0{text}".encode()).hexdigest()
        # Each entry is kept as its own JSON text, so every hit hands out fresh values that
        # nothing done with them later can change in the cache.
        cached = self._old.pop(key, None) if key not in self._used else self._used[key]
        if isinstance(cached, str):
            with contextlib.suppress(ValueError):
                value = json.loads(cached)
                if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], dict)
                        and isinstance(value[1], str)):
                    self.hits += 1
                    self._used[key] = cached
                    return value[0], value[1]
        self.misses += 1
        result = parse(path, text)
        if (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict)
                and isinstance(result[1], str) and exact_in_json(result[0])):
            self._used[key] = json.dumps([result[0], result[1]], separators=(",", ":"))
        return result

    @property
    def changed(self) -> bool:
        return self.misses > 0 or bool(self._old)

    def save(self) -> None:
        """Write what this run used, when it differs from what was read."""
        if self.file is None or self.identity is None or not self.changed:
            return
        from aiwg.atomic import atomic_write

        document = {"format": FORMAT, "aiwg": __version__, "identity": self.identity,
                    "entries": self._used}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.file, json.dumps(document, separators=(",", ":")).encode(), 0o644)
