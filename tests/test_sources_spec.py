"""`[[sources]]` in aiwg.toml and [tool.aiwg]: each mistake is one line with file, line, field
and what was expected; unknown keys get "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import aiwg, make_project

from aiwg.config import find_line, load_config
from aiwg.errors import InputError
from aiwg.sources.spec import check_ref, check_relative, check_url, default_name


def config_error(tmp_path: Path, text: str) -> str:
    project = make_project(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(project)
    return str(caught.value)


GOOD = "[[sources]]\nurl = 'https://example.com/acme/ai-rules.git'\nref = 'v1'\n"


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD + "\n[[sources]]\nurl = 'https://example.com/b.git'\nrefs = 'v2'\n",
     "aiwg.toml:7: key 'sources.1.refs': unknown; did you mean 'sources.1.ref'?"),
    (GOOD + "[sources.include]\nkindz = ['rule']\n",
     "aiwg.toml:5: key 'sources.0.include.kindz': unknown; did you mean 'sources.0.include.kinds'?"),
    (GOOD + "include = { kinds = ['rules'] }\n",
     "aiwg.toml:4: sources.0.include.kinds: expected a list of kinds (rule, agent, command, "
     "skill, mcp, hook), got \"rules\""),
    ("[[sources]]\nname = 'x'\n",
     "aiwg.toml:1: sources.0: expected exactly one of url (a git repository), folder (a local "
     "folder) or package (an installed package); got none"),
    ("[[sources]]\nurl = 'https://e.com/a.git'\npackage = 'a'\n",
     "aiwg.toml:1: sources.0: expected exactly one of url (a git repository), folder (a local "
     "folder) or package (an installed package); got url and package"),
    ("[[sources]]\npackage = 'acme'\nref = 'v1'\n",
     "aiwg.toml:3: sources.0.ref: only a git source (url) has a ref; a package source names "
     "its folder directly"),
    ("[[sources]]\nfolder = 'missing'\n",
     "aiwg.toml:2: sources.0.folder: 'missing' does not exist"),
    (GOOD + "path = '../up'\n",
     "aiwg.toml:4: sources.0.path: expected a relative folder inside the source, with '/' "
     "between names and no '..', got \"../up\""),
    (GOOD + "\n[[sources]]\nurl = 'https://example.com/other/ai-rules.git'\n",
     "aiwg.toml:5: sources.1.name: 'ai-rules' is already the name of sources.0; give one of "
     "them another `name`"),
    (GOOD + "overrides = ['ai-rulez']\n",
     "aiwg.toml:4: sources.0.overrides: expected the names of other sources (this source's "
     "items win over theirs), got \"ai-rulez\""),
    ("sources = 'x'\n",
     "aiwg.toml:1: sources: expected an array of tables ([[sources]] entries), got str"),
    (GOOD + "ref = 5\n", "aiwg.toml:4: invalid TOML: Cannot overwrite a value"),
])
def test_source_mistakes_are_one_line(tmp_path: Path, text: str, expected: str) -> None:
    assert config_error(tmp_path, text).startswith(expected)


def test_source_mistake_in_pyproject(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.aiwg]\nplatforms = []\n\n[[tool.aiwg.sources]]\n"
        "url = 'https://e.com/a.git'\n\n[[tool.aiwg.sources]]\nurl = 'ext::sh'\n")
    result = aiwg(project, "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("aiwg: pyproject.toml:11: [tool.aiwg] sources.1.url: expected")


def test_a_valid_entry_is_modelled(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    project = make_project(tmp_path, GOOD + "path = 'library/'\ninclude = { tags = ['security'] }\n"
                           "[[sources]]\nfolder = '../shared'\noverrides = ['ai-rules']\n"
                           "[[sources]]\npackage = 'acme-ai-rules'\nname = 'acme'\n")
    git, folder, package = load_config(project).sources
    assert (git.name, git.kind, git.ref, git.path) == ("ai-rules", "git", "v1", "library")
    assert git.include.tags == ("security",) and git.exclude.empty
    assert (folder.name, folder.kind, folder.overrides) == ("shared", "folder", ("ai-rules",))
    assert (package.name, package.location) == ("acme", "acme-ai-rules")
    assert git.locked_fields() == {"kind": "git", "url": "https://example.com/acme/ai-rules.git",
                                   "ref": "v1", "path": "library",
                                   "include": {"tags": ["security"]}}


def test_find_line_counts_array_of_tables_entries() -> None:
    text = "[[sources]]\nurl = 'a'\n[sources.include]\nkinds = []\n[[sources]]\nurl = 'b'\n"
    assert find_line(text, ("sources", "0", "url")) == 2
    assert find_line(text, ("sources", "0", "include", "kinds")) == 4
    assert find_line(text, ("sources", "1", "url")) == 6
    assert find_line(text, ("sources", "1")) == 5


@pytest.mark.parametrize("url", ["https://h/x.git", "ssh://git@h/x.git", "file:///tmp/x",
                                 "git@github.com:acme/rules.git"])
def test_accepted_urls(url: str) -> None:
    assert check_url(url) is None


@pytest.mark.parametrize("url", ["ext::sh -c x", "-uhelp", "fd::3", "git://h/x", "http://h/x",
                                 "/abs/path", "h:x", "https://h/x y", "file:///x\n"])
def test_refused_urls(url: str) -> None:
    assert check_url(url) is not None


@pytest.mark.parametrize("ref", ["v1.2.0", "main", "release/2026", "0" * 40, "v1+build"])
def test_accepted_refs(ref: str) -> None:
    assert check_ref(ref) is None


@pytest.mark.parametrize("ref", ["-x", "--upload-pack=x", "a..b", "a b", "x:y", "x@{1}",
                                 "x.lock", "x/", "/x", "x//y", "x/.y", "~x", "x^", ""])
def test_refused_refs(ref: str) -> None:
    assert check_ref(ref) is not None


@pytest.mark.parametrize("path", ["..", "a/../b", "/a", "a\\b", "C:x", "", "./a"])
def test_refused_paths(path: str) -> None:
    assert check_relative(path) is not None


def test_default_names() -> None:
    assert default_name("git", "https://h/acme/ai-rules.git") == "ai-rules"
    assert default_name("git", "git@h:acme/rules.git") == "rules"
    assert default_name("folder", "../org/") == "org"
    assert default_name("package", "acme-ai-rules") == "acme-ai-rules"
