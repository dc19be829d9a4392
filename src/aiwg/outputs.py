"""What rendering produces: outputs at three grains of ownership, and the loss report."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

# file: a whole file; block: a managed block in a text file; keys: a key in a config file;
# entry: one member of a list in a config file (a hook, an ignore rule), known by its value.
Grain = Literal["file", "block", "keys", "entry"]


@dataclass(frozen=True)
class Output:
    """One thing aiwg owns after a deploy: a whole file, a managed block, or a key in a file.

    `path` is relative (POSIX) in project scope and absolute in user scope; `root` is the folder
    the output must stay inside, and `root_id` names that root ("project", or
    "<platform>:<root>" in user scope) so the manifest can record paths relative to it.
    `content` is bytes for a file, the text between the markers for a block, and a JSON-like
    value for a key.
    """

    path: str
    grain: Grain
    content: Any
    platforms: tuple[str, ...]
    sources: tuple[str, ...]
    root: str
    block: str = ""
    key_path: tuple[str, ...] = ()
    syntax: str | None = None
    executable: bool = False
    # Read into the assistant's context on every request (paid on every request), as opposed
    # to loaded on demand (scoped rules, skills, agents, commands).
    always_loaded: bool = False
    comment: str = "html"  # marker style of a block: "html" in Markdown, "hash" in ignore files
    root_id: str = "project"
    # A new block goes at the top of its file rather than the end (.gitattributes, where later
    # lines win: the person's, below it).
    first: bool = False

    @property
    def identity(self) -> str:
        return output_identity(self.path, self.grain, self.block, self.key_path)

    def payload(self) -> bytes:
        return payload_bytes(self.grain, self.content)


def output_identity(path: str, grain: Grain, block: str = "",
                    key_path: tuple[str, ...] = ()) -> str:
    if grain == "block":
        return f"{path}#block:{block}"
    if grain == "keys":
        return f"{path}#keys:{json.dumps(list(key_path), ensure_ascii=False)}"
    if grain == "entry":
        return f"{path}#entry:{json.dumps(list(key_path), ensure_ascii=False)}:{block}"
    return path


def canonical_json(value: Any) -> str:
    """Key order and spacing do not count as a change; this text is what owned keys hash to."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def payload_bytes(grain: Grain, content: Any) -> bytes:
    if grain == "file":
        return bytes(content)
    if grain == "block":
        return str(content).encode("utf-8")
    return canonical_json(content).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


LossKind = Literal["dropped", "emulated", "reduced"]


@dataclass(frozen=True, order=True)
class Loss:
    """Something a platform will not see, or sees emulated or reduced."""

    platform: str
    what: LossKind
    item: str
    reason: str


@dataclass(frozen=True)
class BlockBudget:
    """How much of an always-loaded file aiwg's block was given, and why (`aiwg context`)."""

    path: str
    unit: str
    limit: int | None  # the platform's own limit for the whole file, None when it states none
    target: int | None  # aiwg's share: the lean default or [budgets]
    budget: int | None  # what the block was fitted into: the target, or what the limit left
    around: int  # the person's text in the file, outside aiwg's block


@dataclass(frozen=True)
class Duplicate:
    """An item one client still loads from more than one file (see `aiwg.load_once`)."""

    platform: str
    item: str
    paths: tuple[str, ...]


@dataclass
class RenderResult:
    outputs: list[Output] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    # platform id -> item ids that platform reads in an always-loaded file, and at which level
    projections: dict[str, dict[str, str]] = field(default_factory=dict)
    # platform id -> the budgets of the always-loaded files it reads, one per file
    budgets: dict[str, list[BlockBudget]] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    # output identity -> every deployed platform that loads it, writer or not (by `reads`)
    loaded_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
