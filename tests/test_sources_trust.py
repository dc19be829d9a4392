"""A source can only add library items: attacks from a fetched tree, a URL or a ref are refused
with one line and nothing runs (each attack would leave a marker file if it ran)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from helpers import aiwg, make_project, rule_text, tree
from source_repos import git, make_repo, org_repo, source_config

from aiwg.errors import UnsafePathError
from aiwg.sources.cache import Entry, check_entry
from aiwg.sources.git import Git, GitError, remote_refs

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def test_a_symlink_that_leaves_the_tree_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the user's private key\n")
    for target in (str(secret), "../../../secret.txt"):
        repo = make_repo(tmp_path / target.replace("/", "_"), "org")
        repo.rule("fine")
        (repo.path / "library/skills/leak").mkdir(parents=True)
        repo.write("library/skills/leak/SKILL.md", "---\nname: leak\ndescription: L.\n---\nx\n")
        os.symlink(target, repo.path / "library/skills/leak/key.txt")
        repo.commit()
        repo.tag("v1.0.0")
        project = make_project(tmp_path / f"p{len(target)}", source_config(repo))
        refused = aiwg(project, "update")
        assert refused.exit_code == 2
        assert refused.stderr.count("\n") == 1
        assert "skills/leak/key.txt is a symlink" in refused.stderr and "leaves" in refused.stderr
        assert not (project / "aiwg.lock").exists()
        assert not list(tmp_path.rglob("trees/*/skills/leak"))  # no tree was kept


def test_a_symlink_inside_the_tree_is_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("library/skills/tidy/SKILL.md", "---\nname: tidy\ndescription: Tidy.\n---\nx\n")
    repo.write("library/skills/tidy/shared/notes.md", "notes\n")
    os.symlink("shared/notes.md", repo.path / "library/skills/tidy/notes.md")
    repo.commit()
    repo.tag("v1.0.0")
    project = make_project(tmp_path, source_config(repo))
    assert aiwg(project, "update").exit_code == 0
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    assert (project / ".claude/skills/tidy/notes.md").read_text() == "notes\n"


@pytest.mark.parametrize("name", ["..", "../escape.md", "/etc/passwd", "a/../../b", ".git/config",
                                  "", "rules/./x.md", "rules\\x.md"])
def test_names_with_dot_dot_or_absolute_are_refused(name: str) -> None:
    with pytest.raises(UnsafePathError, match="refused the file name"):
        check_entry(Entry(name, b"x"), "org")


def test_a_tree_entry_named_dot_dot_made_with_git_plumbing_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo.path / "x").write_text(rule_text("x"))
    blob = git(repo.path, "hash-object", "-w", "x")
    inner = git_input(repo.path, ["mktree"], f"100644 blob {blob}\t..\n")
    library = git_input(repo.path, ["mktree"], f"040000 tree {inner}\trules\n")
    root = git_input(repo.path, ["mktree"], f"040000 tree {library}\tlibrary\n")
    commit = git(repo.path, "commit-tree", root, "-m", "evil")
    git(repo.path, "tag", "v1.0.0", commit)
    project = make_project(tmp_path, source_config(repo))
    refused = aiwg(project, "update")
    assert refused.exit_code == 2 and "refused the file name" in refused.stderr


def git_input(folder: Path, args: list[str], text: str) -> str:
    import subprocess

    from source_repos import GIT_ENV

    return subprocess.run(["git", *args], cwd=folder, input=text, capture_output=True,
                          text=True, env={**os.environ, **GIT_ENV}, check=True).stdout.strip()


def test_a_sources_own_config_is_ignored(tmp_path: Path) -> None:
    repo = org_repo(tmp_path)
    evil = ("platforms = ['cursor', 'codex']\n[library]\npaths = ['/']\n"
            "[[sources]]\nurl = 'ext::sh -c touch% /tmp/aiwg-pwned'\n")
    repo.write("aiwg.toml", evil)
    repo.write("library/aiwg.toml", evil)
    repo.write("library/pyproject.toml", "[tool.aiwg]\nplatforms = ['cursor']\n")
    repo.write("library/.aiwg/library/rules/planted.md", rule_text("planted"))
    repo.commit()
    repo.tag("v2.0.0")
    project = make_project(tmp_path, source_config(repo, ref="v2.0.0"))
    assert aiwg(project, "update").exit_code == 0
    synced = aiwg(project, "sync")
    assert synced.exit_code == 0, synced.stderr
    written = tree(project, skip=(".aiwg", ".git"))
    assert set(written) == {"aiwg.toml", "aiwg.lock", ".claude/rules/go-style.md",
                            ".claude/rules/security-basics.md"}


@pytest.mark.parametrize("url", [
    "ext::sh -c touch% {marker}",
    "--upload-pack=touch {marker}",
    "-oProxyCommand=touch {marker}",
    "ssh://-oProxyCommand=touch%20{marker}/x.git",
    "ssh://-oProxyCommand=x@host/x.git",
    "fd::17",
    "git://example.com/x.git",
    "http://example.com/x.git",
])
def test_a_malicious_url_is_refused_before_git_runs(tmp_path: Path, url: str) -> None:
    marker = tmp_path / "pwned"
    project = make_project(tmp_path, f"[[sources]]\nname = 'x'\nurl = '{url.format(marker=marker)}'\n")
    for command in (("update",), ("deploy", "-p", "codex"), ("list",)):
        refused = aiwg(project, *command)
        assert refused.exit_code == 2
        assert "aiwg.toml:3: sources.0.url: expected" in refused.stderr
    added = aiwg(make_project(tmp_path / "other"), "add", url.format(marker=marker))
    assert added.exit_code == 2
    assert not marker.exists()


@pytest.mark.parametrize("ref", ["--upload-pack=touch {marker}", "-c", "a b", "v1..v2",
                                 "refs/heads/x:refs/heads/y", "HEAD@{{1}}", "x.lock", "$(touch {marker})"])
def test_a_malicious_ref_is_refused(tmp_path: Path, ref: str) -> None:
    marker = tmp_path / "pwned"
    repo = org_repo(tmp_path)
    project = make_project(tmp_path, "")
    shown = ref.format(marker=marker)
    added = aiwg(project, "add", repo.url, "--ref", shown)
    assert added.exit_code == 2 and "ref: expected a tag, branch or commit" in added.stderr
    assert not (project / "aiwg.toml").exists() and not (project / "aiwg.lock").exists()
    assert not marker.exists()


def test_git_refuses_ext_urls_even_if_one_got_past_the_config(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(GitError, match=r"transport .ext. not allowed"):
        remote_refs(Git(dict(os.environ), "x"), f"ext::sh -c touch% {marker}")
    assert not marker.exists()


def test_hooks_of_the_users_git_config_do_not_run_when_fetching(tmp_path: Path) -> None:
    marker = tmp_path / "hook-ran"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("reference-transaction", "post-checkout", "post-merge", "pre-auto-gc"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    gitconfig = Path(os.environ["HOME"]) / ".gitconfig"
    gitconfig.write_text(f"[core]\n\thooksPath = {hooks}\n")
    repo = org_repo(tmp_path)
    assert marker.exists()  # the hook is live: plain git ran it while making the repository
    marker.unlink()
    project = make_project(tmp_path, source_config(repo))
    assert aiwg(project, "update").exit_code == 0
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 0
    assert not marker.exists()


def test_a_submodule_is_not_followed(tmp_path: Path) -> None:
    inner = org_repo(tmp_path, "inner")
    repo = org_repo(tmp_path, "outer")
    git(repo.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.url,
        "library/vendor")
    repo.commit("with a submodule")
    repo.tag("v3.0.0")
    project = make_project(tmp_path, source_config(repo, ref="v3.0.0"))
    assert aiwg(project, "update").exit_code == 0
    assert not list(tmp_path.rglob("trees/*/vendor/*"))


def test_a_symlink_that_leaves_the_tree_only_through_another_link_is_refused(
        tmp_path: Path) -> None:
    # Found by attack: each link was checked by its text alone (`normpath`), but `..` after a
    # link goes up from where the link points. `up` points at the tree's top from 41 folders
    # down, so `leak.md`'s target reads as inside the tree and reached any file on the machine:
    # a person's private agent, deployed into the project (and from there into git).
    private = tmp_path / "private" / "leak.md"
    private.parent.mkdir()
    private.write_text(rule_text("leak", body="PRIVATE-NOTES\n"))
    repo = make_repo(tmp_path)
    repo.rule("fine")
    deep = repo.path / "library/rules" / "/".join(f"a{i}" for i in range(40))
    deep.mkdir(parents=True)
    os.symlink("../" * 41, deep / "up")
    down = "/".join(f"a{i}" for i in range(40)) + "/up/" + "../" * 41
    os.symlink(down + str(private).lstrip("/"), repo.path / "library/rules/leak.md")
    repo.commit()
    repo.tag("v1.0.0")
    project = make_project(tmp_path / "p", source_config(repo))
    refused = aiwg(project, "update")
    assert refused.exit_code == 2, refused.stdout + refused.stderr
    assert refused.stderr.count("\n") == 1 and "rules/leak.md" in refused.stderr
    assert not (project / "aiwg.lock").exists()
    assert aiwg(project, "deploy", "-p", "claude-code").exit_code == 2
    assert "PRIVATE-NOTES" not in "".join(p.read_text() for p in project.rglob("*.md"))
    assert not list(tmp_path.rglob("trees/*/rules/leak.md"))  # no tree was kept


def test_cat_file_reporting_a_missing_object_is_one_line(tmp_path: Path) -> None:
    from aiwg.sources.git import _cat_blobs

    repo = org_repo(tmp_path)
    with pytest.raises(GitError, match="could not give"):
        _cat_blobs(Git(dict(os.environ), "org"), repo.path, ["0" * 40])
