"""An incremental run gives exactly the tree a fresh full deploy gives.

Random sequences of library and config edits are applied to one project, each followed by the
fast path's answer (the entry point's fingerprint check) and a `sync`; after every step the
project's files must be byte-identical to a fresh project deployed from scratch with the same
library and config, a second sync must write nothing, and whenever the fast path said "nothing
to do" the fresh deploy must agree. The edits include what moves outputs between items and
files: tags that change the selection, `requires` that pulls an item in, `targets` that drop a
platform, `always` that moves a rule in or out of the shared AGENTS.md, renames, deletes, adds,
and edits that keep the size and put the mtime back (so only ctime, inode or bytes can tell).

Sequences per run: 6 locally, 40 in CI (`CI` set); `AIWG_INCREMENTAL_SEQUENCES=N` runs N.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mtimes, tree

from aiwg import launch

PLATFORMS = ("claude-code", "codex", "cursor", "copilot")
COUNT = int(os.environ.get("AIWG_INCREMENTAL_SEQUENCES") or (40 if os.environ.get("CI") else 6))
STEPS = 8
CONFIG = ('platforms = ["claude-code", "codex", "cursor", "copilot"]\n'
          '[library]\nbuiltin = false\n[select]\ntags = ["core"]\n')
LIBRARY = Path(".aiwg") / "library"


def rule(name: str, body: str, *, tags: str = "core", extra: str = "") -> str:
    return (f"---\nname: {name}\ndescription: Rule {name}.\nseverity: high\ntags: [{tags}]\n"
            f"{extra}---\n# {name}\n\n{body}\n")


def server(args: str, tags: str = "core") -> str:
    return (f"name: tools\ndescription: A tool server.\ntags: [{tags}]\ncommand: npx\n"
            f"args: [\"{args}\"]\n")


class Library:
    """The library as the sequence left it, and the edits it can make."""

    def __init__(self, project: Path, rng: random.Random) -> None:
        self.project = project
        self.root = project / LIBRARY
        self.rng = rng
        self.serial = 0

    def rules(self) -> list[Path]:
        return sorted((self.root / "rules").glob("*.md"))

    def _word(self) -> str:
        self.serial += 1
        return f"w{self.serial}x{self.rng.randrange(10**4)}"

    def _pick(self) -> Path | None:
        rules = self.rules()
        return self.rng.choice(rules) if rules else None

    def add(self) -> None:
        name = f"r{self._word()}"
        (self.root / "rules" / f"{name}.md").write_text(rule(name, f"Body {self._word()}."))

    def delete(self) -> None:
        if (path := self._pick()) is not None and len(self.rules()) > 1:
            path.unlink()

    def rename(self) -> None:
        if (path := self._pick()) is None:
            return
        name = f"r{self._word()}"
        text = path.read_text().replace(f"name: {path.stem}\n", f"name: {name}\n", 1)
        path.unlink()
        (path.parent / f"{name}.md").write_text(text)

    def edit_body(self) -> None:
        if (path := self._pick()) is not None:
            path.write_text(path.read_text() + f"More {self._word()}.\n")

    def same_size_same_mtime(self) -> None:
        """Bytes change, size stays, mtime is put back: only ctime (and the bytes) tell."""
        if (path := self._pick()) is None:
            return
        info = path.stat()
        data = path.read_bytes()
        body_at = data.rindex(b"\n", 0, len(data) - 1) + 1
        flipped = bytes(b ^ 0x01 if 97 <= b <= 122 else b for b in data[body_at:])
        path.write_bytes(data[:body_at] + flipped)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    def retag(self) -> None:
        """In or out of the selection (`tags = ["core"]`)."""
        if (path := self._pick()) is None:
            return
        text = path.read_text()
        swapped = (text.replace("tags: [core]", "tags: [other]") if "tags: [core]" in text
                   else text.replace("tags: [other]", "tags: [core]"))
        path.write_text(swapped)

    def require(self) -> None:
        """An item that `requires` another pulls it in even when its tags leave it out."""
        rules = self.rules()
        if len(rules) < 2:
            return
        needer, needed = self.rng.sample(rules, 2)
        text = needer.read_text()
        if "requires:" not in text:
            needer.write_text(text.replace("severity: high\n",
                                           f"severity: high\nrequires: [rule/{needed.stem}]\n", 1))

    def drop_requires(self) -> None:
        for path in self.rules():
            text = path.read_text()
            if "requires:" in text:
                lines = [line for line in text.splitlines(keepends=True)
                         if not line.startswith("requires:")]
                path.write_text("".join(lines))
                return

    def target(self) -> None:
        """A platform left out for one item (`targets: ["!cursor"]`), or back in."""
        if (path := self._pick()) is None:
            return
        text = path.read_text()
        if "targets:" in text:
            path.write_text("".join(line for line in text.splitlines(keepends=True)
                                    if not line.startswith("targets:")))
        else:
            platform = self.rng.choice(PLATFORMS)
            path.write_text(text.replace("severity: high\n",
                                         f"severity: high\ntargets: [\"!{platform}\"]\n", 1))

    def toggle_always(self) -> None:
        """`always: false` takes a rule out of the always-loaded AGENTS.md text."""
        if (path := self._pick()) is None:
            return
        text = path.read_text()
        path.write_text(text.replace("always: false\n", "") if "always: false\n" in text
                        else text.replace("severity: high\n", "severity: high\nalways: false\n"))

    def edit_server(self) -> None:
        (self.root / "mcp").mkdir(exist_ok=True)
        (self.root / "mcp" / "tools.yaml").write_text(server(self._word()))

    def config(self) -> None:
        """The selection itself: exclude a rule by name, or stop excluding."""
        config = self.project / "aiwg.toml"
        rules = self.rules()
        if "exclude" in config.read_text() or not rules:
            config.write_text(CONFIG)
        else:
            config.write_text(CONFIG + f"exclude = [\"rule/{self.rng.choice(rules).stem}\"]\n")

    def edits(self) -> list[Callable[[], None]]:
        return [self.add, self.delete, self.rename, self.edit_body, self.same_size_same_mtime,
                self.retag, self.require, self.drop_requires, self.target, self.toggle_always,
                self.edit_server, self.config]


def fresh_deploy(source: Path, scratch: Path) -> tuple[int, dict[str, bytes]]:
    """The same library and config, deployed from nothing in a new project: exit code, tree."""
    if scratch.exists():
        shutil.rmtree(scratch)
    project = make_project(scratch)
    shutil.copytree(source / LIBRARY, project / LIBRARY)
    shutil.copy2(source / "aiwg.toml", project / "aiwg.toml")
    args = [arg for platform in PLATFORMS for arg in ("-p", platform)]
    result = aiwg(project, "deploy", *args)
    assert result.exit_code in (0, 2), result.stdout + result.stderr
    return result.exit_code, tree(project)


def start(tmp_path: Path, rng: random.Random) -> tuple[Path, Library]:
    project = make_project(tmp_path / "incremental", CONFIG)
    library = Library(project, rng)
    (project / LIBRARY / "rules").mkdir(parents=True)
    for _ in range(4):
        library.add()
    library.edit_server()
    args = [arg for platform in PLATFORMS for arg in ("-p", platform)]
    assert aiwg(project, "deploy", *args).exit_code == 0
    return project, library


@pytest.mark.parametrize("seed", range(COUNT))
def test_incremental_sync_gives_the_tree_of_a_fresh_deploy(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    project, library = start(tmp_path, rng)
    for step in range(STEPS):
        done = []
        for _ in range(rng.randint(1, 2)):
            edit = rng.choice(library.edits())
            edit()
            done.append(edit.__name__)
        where = f"seed {seed} step {step} after {done}"
        code, expected = fresh_deploy(project, tmp_path / "fresh")
        before = tree(project)
        answered = launch.quick_answer(["diff", "--check"], os.environ, project) is not None
        if code == 2:
            # A library the full path refuses (a `requires` left dangling by a delete or a
            # rename): the fast path must not vouch for it, and the sync changes nothing.
            assert not answered, where
            result = aiwg(project, "sync")
            assert result.exit_code == 2 and tree(project) == before, where
            continue
        if answered:
            # The fast path said nothing changed: a fresh deploy must agree, byte for byte.
            assert before == expected, where
        result = aiwg(project, "sync")
        assert result.exit_code == 0, f"{where}: {result.stdout}{result.stderr}"
        assert tree(project) == expected, where
        stamps = mtimes(project)
        again = aiwg(project, "sync")
        assert again.exit_code == 0 and mtimes(project) == stamps, f"{where}: {again.stdout}"
        assert launch.quick_answer(["diff", "--check"], os.environ, project) == 0, where
