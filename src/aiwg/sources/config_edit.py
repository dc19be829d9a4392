"""`aiwg add`'s edit of the config: one `[[sources]]` entry appended, every other byte kept.

Appending an array-of-tables entry at the end is valid TOML whatever comes before it, so the
person's comments and layout stay exactly as they were; the whole new text is parsed and checked
before it is written (atomically), so a mistake writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiwg.config import CONFIG_FILE, PYPROJECT_FILE

SOURCES_HEADER = "[[sources]]"
PYPROJECT_SOURCES_HEADER = "[[tool.aiwg.sources]]"


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    text: str  # "" when the file does not exist yet

    @property
    def header(self) -> str:
        return PYPROJECT_SOURCES_HEADER if self.path.name == PYPROJECT_FILE else SOURCES_HEADER


def config_file(root: Path) -> ConfigFile:
    """The file that configures aiwg in `root`: aiwg.toml, else a pyproject.toml with
    `[tool.aiwg]`, else a new aiwg.toml."""
    import tomllib

    own = root / CONFIG_FILE
    if own.exists():
        return ConfigFile(own, own.read_text(encoding="utf-8"))
    pyproject = root / PYPROJECT_FILE
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        try:
            configured = "aiwg" in tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError:
            configured = False
        if configured:
            return ConfigFile(pyproject, text)
    return ConfigFile(own, "")


def with_source(file: ConfigFile, fields: Mapping[str, str]) -> str:
    """The file's text with one more source entry (string fields, in the order given)."""
    import tomli_w

    text = file.text
    if text and not text.endswith("\n"):
        text += "\n"
    separator = "\n" if text else ""
    return f"{text}{separator}{file.header}\n{tomli_w.dumps(dict(fields))}"


def write_config(file: ConfigFile, text: str) -> None:
    from aiwg.atomic import atomic_write

    atomic_write(file.path, text.encode("utf-8"), None if file.text else 0o644)
