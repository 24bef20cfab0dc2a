"""The sample repository of `depgate demo`: a tiny d9d-like package and three pull requests.

The files live in `sample/` (shipped as package data): `sample/base/` is the main branch,
`sample/prs/<n>-<name>/` holds the files each pull request writes over it, and `sample/scenarios.json`
gives each pull request's branch, title, body and a one-line explanation. The repository is built with
plain `git` commands and a fixed identity and date, so it works on a machine with no git identity and
gives the same commits every time.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - git is run with an argument list, never through a shell (see SECURITY.md)
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from depgate.errors import GitError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "depgate demo",
    "GIT_AUTHOR_EMAIL": "demo@depgate.invalid",
    "GIT_COMMITTER_NAME": "depgate demo",
    "GIT_COMMITTER_EMAIL": "demo@depgate.invalid",
    "GIT_AUTHOR_DATE": "2026-05-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-05-01T12:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
}


@dataclass(frozen=True)
class Scenario:
    """One sample pull request.

    Attributes:
        branch: Its branch in the sample repository.
        title: Its title.
        body: Its body.
        explain: One line saying what it shows.
    """

    branch: str
    title: str
    body: str
    explain: str


def sample_root() -> Traversable:
    """The packaged `sample/` folder."""
    return resources.files("depgate.demo").joinpath("sample")


def _git(repo: Path, *args: str) -> str:
    # git from PATH on depgate's own sample files, with fixed arguments; no shell.
    command = ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args]
    proc = subprocess.run(command, cwd=repo, env={**os.environ, **_ENV},  # nosec B603 B607 - see SECURITY.md
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"`git {' '.join(args[:2])}` failed while building the demo repository: {proc.stderr.strip()}",
                       path=repo)
    return proc.stdout.strip()


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            target.mkdir(parents=True, exist_ok=True)
            (target / entry.name).write_bytes(entry.read_bytes())


def build(repo: Path) -> list[Scenario]:
    """Build the sample repository in the empty (or missing) folder `repo`.

    Returns:
        The scenarios, one branch each, in order; `main` is checked out at the end.

    Raises:
        GitError: git is missing or failed.
    """
    root = sample_root()
    plan = json.loads(root.joinpath("scenarios.json").read_text(encoding="utf-8"))
    repo.mkdir(parents=True, exist_ok=True)
    main = plan["base"]["branch"]
    try:
        _git(repo, "init", "-q", "-b", main)
    except FileNotFoundError:
        raise GitError("the `git` command was not found", hint="install git and put it on PATH") from None
    _copy_tree(root.joinpath("base"), repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", plan["base"]["message"])
    scenarios = []
    for pr in plan["pull_requests"]:
        _git(repo, "checkout", "-q", "-b", pr["branch"], main)
        _copy_tree(root.joinpath(*pr["files"].split("/")), repo)
        for rel in pr.get("delete", []):
            (repo / rel).unlink()
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", pr["title"], "-m", pr["body"])
        scenarios.append(Scenario(pr["branch"], pr["title"], pr["body"], pr["explain"]))
    _git(repo, "checkout", "-q", main)
    return scenarios
