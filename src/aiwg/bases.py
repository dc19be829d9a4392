"""The base store: a copy of each payload aiwg wrote, keyed by its sha256, for three-way merges.

Bases are local state, never committed: one SQLite file (`.aiwg/local/bases.sqlite` in a
project) instead of one blob per output, so bookkeeping adds a file, not thousands, and a change
to one output writes one row. A base is re-hashed whenever it is read: a copy that does not hash
to its key is treated as absent, so a corrupted base can never feed a merge that drops a line.
A missing store is normal (a fresh clone): edited files are then kept and reported, not merged.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from aiwg.outputs import sha256

_SCHEMA = "CREATE TABLE IF NOT EXISTS bases (digest TEXT PRIMARY KEY, data BLOB NOT NULL)"


class BaseStore:
    """Reads lazily (a run whose files all match the manifest never opens it)."""

    def __init__(self, file: Path, legacy_dir: Path | None = None) -> None:
        self.file = file
        self.legacy_dir = legacy_dir  # `.aiwg/base/<2 hex>/<digest>` from manifest version 1
        self._reader: sqlite3.Connection | None = None
        self._opened = False

    def _read_connection(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            if self.file.is_file() and not self.file.is_symlink():
                try:
                    self._reader = sqlite3.connect(f"{self.file.as_uri()}?mode=ro", uri=True)
                except sqlite3.Error:
                    self._reader = None
        return self._reader

    def get(self, digest: str) -> bytes | None:
        """The bytes that hash to `digest`, or None when there is no intact copy."""
        data: bytes | None = None
        connection = self._read_connection()
        if connection is not None:
            try:
                row = connection.execute("SELECT data FROM bases WHERE digest = ?",
                                         (digest,)).fetchone()
            except sqlite3.Error:
                row = None
            data = bytes(row[0]) if row is not None else None
        if data is None:
            data = self._legacy(digest)
        return data if data is not None and sha256(data) == digest else None

    def _legacy(self, digest: str) -> bytes | None:
        if self.legacy_dir is None or len(digest) < 2:
            return None
        folder = self.legacy_dir / digest[:2]
        path = folder / digest
        if any(p.is_symlink() for p in (self.legacy_dir, folder, path)):
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = None
        self._opened = False

    @contextlib.contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        self.close()
        self.file.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.file)
        try:
            with connection:
                connection.execute(_SCHEMA)
                yield connection
        finally:
            connection.close()

    def _present(self) -> set[str]:
        connection = self._read_connection()
        if connection is None:
            return set()
        try:
            return {row[0] for row in connection.execute("SELECT digest FROM bases")}
        except sqlite3.Error:
            return set()

    def update(self, add: Mapping[str, bytes], keep: Iterable[str] | None = None) -> bool:
        """Store `add` and, given `keep`, drop every other base; one transaction, and no write
        at all when there is nothing to change."""
        present = self._present()
        missing = {d: data for d, data in add.items() if d not in present}
        stale: set[str] = set()
        if keep is not None:
            wanted = set(keep) | set(add)
            # A legacy base still referenced moves into the store, so `.aiwg/base/` can go.
            for digest in sorted(wanted - present - set(missing)):
                data = self._legacy(digest)
                if data is not None and sha256(data) == digest:
                    missing[digest] = data
            stale = present - wanted
        if not missing and not stale:
            return False
        with self._writer() as connection:
            connection.executemany("INSERT OR REPLACE INTO bases VALUES (?, ?)",
                                   sorted(missing.items()))
            connection.executemany("DELETE FROM bases WHERE digest = ?",
                                   [(d,) for d in sorted(stale)])
        self.close()
        return True
