"""`aiwg add`'s and `aiwg update --ref`'s edits of the config: one `[[sources]]` entry appended,
or one source's `ref` line set; every other byte kept.

Appending an array-of-tables entry at the end is valid TOML whatever comes before it, so the
person's comments and layout stay exactly as they were; the whole new text is parsed and checked
before it is written (atomically), so a mistake writes nothing.
"""

from __future__ import annotations

import re
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


_REF_LINE = re.compile(r"^(?P<lead>\s*ref\s*=\s*)(?P<value>\"[^\"]*\"|'[^']*')(?P<rest>.*)$")
_URL_LINE = re.compile(r"^\s*url\s*=")


def with_ref(file: ConfigFile, index: int, ref: str) -> str:
    """The file's text with `ref` set on the index-th source: its `ref = ...` line's value
    replaced (a comment after it kept), or a `ref` line added after its `url` line."""
    import tomli_w

    from aiwg.config import find_line
    from aiwg.errors import UsageError

    prefix = ("tool", "aiwg") if file.path.name == PYPROJECT_FILE else ()
    lines = file.text.splitlines(keepends=True)
    value = tomli_w.dumps({"ref": ref}).partition("=")[2].strip()
    for key, pattern in (("ref", _REF_LINE), ("url", _URL_LINE)):
        number = find_line(file.text, (*prefix, "sources", str(index), key)) or 0
        line = lines[number - 1] if number else ""
        if not pattern.match(line):
            continue
        ending = line[len(line.rstrip("\r\n")):] or "\n"
        if key == "ref":
            match = _REF_LINE.match(line.rstrip("\r\n"))
            if match is None:  # a value with its own line ending inside: not a one-line ref
                break
            lines[number - 1] = f"{match['lead']}{value}{match['rest']}{ending}"
        else:
            lines.insert(number, f"ref = {value}{ending}")
        return "".join(lines)
    raise UsageError(f"{file.path.name}: cannot find source {index}'s url/ref lines to edit "
                     "(an inline table?); set its `ref` by hand and run `aiwg update`")
