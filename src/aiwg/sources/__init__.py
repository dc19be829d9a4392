"""Shared libraries: `[[sources]]` in aiwg.toml (git repositories, local folders and installed
Python packages), pinned in `aiwg.lock`, each loaded as a library layer between the built-in
library and the project's own.

One job per module: `spec` (the config model), `taking` (per-source selection), `git` (the
fetcher), `packages` (the entry-point finder), `cache` (where fetched trees live), `lockfile`
(aiwg.lock), `digest` (the hash over the items taken), `resolve` (from config and lock to
layers, refusing a stale lock or a tampered tree), `config_edit` (`aiwg add` appending an entry).
"""
