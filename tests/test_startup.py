"""`aiwg --help` and `--version` load only what parsing needs (performance issue: ≤ 150 ms).

The figure itself is measured by benchmarks/run.py; here the cause is checked: none of the heavy
libraries a command needs is imported just to print help or the version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aiwg

HEAVY = ("rich", "ruamel", "tomlkit", "merge3", "frontmatter", "yaml", "sqlite3", "aiwg.engine",
         "aiwg.render", "aiwg.plan", "aiwg.adapters", "aiwg.library")
SRC = str(Path(aiwg.__file__).resolve().parents[1])


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_help_and_version_import_no_heavy_library(flag: str) -> None:
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: sys.stderr.write(json.dumps(sorted(sys.modules))))\n"
            f"sys.argv = ['aiwg', {flag!r}]\n"
            "from aiwg.cli import main\nmain()\n")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stderr))
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == []
