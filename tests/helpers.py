"""Shared test helpers: run the CLI in-process on a temporary project, snapshot trees."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from aiwg.cli import app

RUNNER = CliRunner()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def aiwg(project: Path, *args: str) -> Result:
    """Run `aiwg ARGS --project PROJECT` (for commands that take it) and capture its output."""
    argv = list(args)
    if argv and argv[0] not in ("platforms", "--version", "--help") and "--project" not in argv:
        argv += ["--project", str(project)]
    result = RUNNER.invoke(app, argv, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def tree(root: Path, *, skip: tuple[str, ...] = (".aiwg", ".git")) -> dict[str, bytes]:
    """Every file under root (relative POSIX path → bytes), leaving out aiwg's own state."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts and relative.parts[0] in skip:
            continue
        if path.is_file():
            files[relative.as_posix()] = path.read_bytes()
    return files


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for p in sorted(root.rglob("*")) if p.is_file()}


def make_project(tmp_path: Path, config: str = "") -> Path:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    if config:
        (project / "aiwg.toml").write_text(config)
    return project


def write_item(project: Path, relative: str, text: str) -> Path:
    path = project / ".aiwg" / "library" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rule_text(name: str, body: str = "Body line one.\nBody line two.\nBody line three.\n",
              **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return (f"---\nname: {name}\ndescription: The {name} rule.\nseverity: high\ntags: [core]\n"
            f"{extra}---\n# {name.title()}\n\n{body}")


def manifest_outputs(project: Path) -> dict[str, dict[str, Any]]:
    """The project manifest's entries by identity (one JSON object per line after the header)."""
    from aiwg.outputs import output_identity

    lines = (project / ".aiwg/manifest.jsonl").read_text().splitlines()
    assert "aiwg_manifest" in json.loads(lines[0])
    records = [json.loads(line) for line in lines[1:]]
    return {output_identity(r["path"], r["grain"], r.get("block", ""), tuple(r.get("key_path", ())))
            : r for r in records}


def user_config_file() -> Path:
    """The user-level aiwg.toml that user-scope runs read (under the fake XDG_CONFIG_HOME)."""
    return Path(os.environ["XDG_CONFIG_HOME"]) / "aiwg" / "aiwg.toml"


def user_library() -> Path:
    """The personal library folder (under the fake XDG_DATA_HOME)."""
    return Path(os.environ["XDG_DATA_HOME"]) / "aiwg" / "library"


def write_user_config(text: str) -> Path:
    path = user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_user_item(relative: str, text: str) -> Path:
    path = user_library() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def mirror_to_user_scope(project: Path) -> None:
    """Give the user the project's config and library, for tests that deploy at user scope
    (a user-scope run reads only the user's own config and libraries)."""
    config = project / "aiwg.toml"
    if config.is_file():
        write_user_config(config.read_text())
    library = project / ".aiwg" / "library"
    if library.is_dir():
        shutil.rmtree(user_library(), ignore_errors=True)
        shutil.copytree(library, user_library())


def home_tree() -> dict[str, bytes]:
    """Every file in the fake home that a platform reads, leaving out aiwg's own config/data."""
    files = tree(Path(os.environ["HOME"]), skip=(".local",))
    return {path: data for path, data in files.items() if not path.startswith(".config/aiwg/")}
