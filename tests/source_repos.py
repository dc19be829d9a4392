"""Real git repositories in a temp folder for the shared-source tests, reached by file:// URLs."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from helpers import rule_text

GIT_ENV = {"GIT_AUTHOR_NAME": "Org", "GIT_AUTHOR_EMAIL": "org@example.com",
           "GIT_COMMITTER_NAME": "Org", "GIT_COMMITTER_EMAIL": "org@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=folder,
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV},
                          check=True)
    return done.stdout.strip()


@dataclass
class Repo:
    """An organisation's library repository: `write` files, then `commit` and `tag`."""

    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def rule(self, name: str, body: str = "Org body.\n", folder: str = "library",
             **fields: str) -> Path:
        return self.write(f"{folder}/rules/{name}.md", rule_text(name, body, **fields))

    def commit(self, message: str = "change") -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def tag(self, name: str) -> str:
        git(self.path, "tag", "-a", name, "-m", name)
        return git(self.path, "rev-parse", "HEAD")

    def commit_of(self, ref: str) -> str:
        return git(self.path, "rev-parse", f"{ref}^{{commit}}")

    def allow_partial_fetches(self) -> None:
        """Serve `--filter` and any commit by id, as GitHub and GitLab do."""
        git(self.path, "config", "uploadpack.allowFilter", "true")
        git(self.path, "config", "uploadpack.allowAnySHA1InWant", "true")


def make_repo(root: Path, name: str = "org-rules") -> Repo:
    path = root / name
    path.mkdir(parents=True)
    git(path, "init", "-q")
    return Repo(path)


def org_repo(root: Path, name: str = "org-rules") -> Repo:
    """A repository with two rules under library/ and a README beside it, tagged v1.0.0."""
    repo = make_repo(root, name)
    repo.write("README.md", "# The organisation's AI rules\n")
    repo.rule("security-basics", tags="[core, security]")
    repo.rule("go-style", tags="[go]")
    repo.commit("first rules")
    repo.tag("v1.0.0")
    return repo


def source_config(repo: Repo, ref: str = "v1.0.0", extra: str = "", name: str = "org") -> str:
    return (f"platforms = ['claude-code']\n\n[library]\nbuiltin = false\n\n[[sources]]\n"
            f"name = '{name}'\nurl = '{repo.url}'\nref = '{ref}'\npath = 'library'\n{extra}")
