"""Fixture repositories and event payloads for the action's tests (in-process and on `act`).

One small d9d-like repository (a package re-exporting its API through `__all__`, a `deps/` folder
with d9d's template and DEP-0001) and three pull requests on top of it:

- `missing`: removes a public method (breaking) and links no DEP: the check must fail;
- `satisfied`: the same change, plus a new DEP document in the same pull request;
- `clean`: an internal change with no public-API impact.

Event payloads start from GitHub's real `pull_request.opened` example and only get this
repository's numbers, commits and text written into them.
"""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path
from typing import Any

from dep_samples import PROCESS, TEMPLATE
from fakegithub import load_fixture
from gitrepo import GitRepo

REPOSITORY = "Codertocat/Hello-World"

BASE = {
    "pyproject.toml": '[project]\nname = "mini"\nversion = "0.1.0"\n',
    "mini/__init__.py": 'from mini.trainer import Trainer\n\n__all__ = ["Trainer"]\n',
    "mini/trainer.py": textwrap.dedent("""\
        class Trainer:
            def fit(self, data: object) -> None:
                self._step(data)

            def fit_legacy(self, data: object) -> None:
                self.fit(data)

            def _step(self, data: object) -> None:
                return None
        """),
    "deps/TEMPLATE.md": TEMPLATE,
    "deps/0001-dep-process.md": PROCESS,
}

BREAKING = {
    "mini/trainer.py": textwrap.dedent("""\
        class Trainer:
            def fit(self, data: object) -> None:
                self._step(data)

            def _step(self, data: object) -> None:
                return None
        """),
}

NEW_DEP = textwrap.dedent("""\
    ---
    DEP: 0002
    Title: Remove Trainer.fit_legacy
    Author: Jane Doe @jdoe
    Status: Accepted
    Type: Feature
    Created: 2026-01-01
    ---

    # DEP-0002: Remove Trainer.fit_legacy

    ## Abstract

    One way to train.

    ## Motivation

    Two entry points confuse users.

    ## Design Proposal

    Delete `fit_legacy`.

    ## Usage

    Call `fit`.

    ## Backward Compatibility

    Callers of `fit_legacy` switch to `fit`.

    ## Alternatives Considered

    A deprecation period.
    """)

INTERNAL = {
    "mini/trainer.py": textwrap.dedent("""\
        class Trainer:
            def fit(self, data: object) -> None:
                self._step(data)

            def fit_legacy(self, data: object) -> None:
                self.fit(data)

            def _step(self, data: object) -> None:
                # Internal: nothing public changes.
                return data and None
        """),
}

SCENARIOS: dict[str, dict[str, Any]] = {
    "missing": {"number": 11, "title": "fix: drop Trainer.fit_legacy", "files": BREAKING},
    "satisfied": {"number": 12, "title": "feat!: drop Trainer.fit_legacy (DEP-0002)",
                  "files": {**BREAKING, "deps/0002-dep-remove-fit-legacy.md": NEW_DEP}},
    "clean": {"number": 13, "title": "refactor: tidy the training step", "files": INTERNAL},
}


def build_repo(path: Path, scenario: str, extra_base: dict[str, str] | None = None) -> tuple[GitRepo, str, str]:
    """Create the repository with `main` and the scenario's branch checked out; return (repo, base, head)."""
    repo = GitRepo.init(path)
    base = repo.commit("chore: start", {**BASE, **(extra_base or {})})
    repo.branch(f"pr-{scenario}")
    head = repo.commit(SCENARIOS[scenario]["title"], SCENARIOS[scenario]["files"])
    return repo, base, head


def pull_request_event(scenario: str, base: str, head: str, *, body: str = "", labels: tuple[str, ...] = (),
                       fork: bool = False) -> dict[str, Any]:
    """GitHub's real `pull_request.opened` example, pointed at this repository's pull request."""
    event = copy.deepcopy(load_fixture("pull_request.opened.json"))
    pr = event["pull_request"]
    pr["number"] = event["number"] = SCENARIOS[scenario]["number"]
    pr["title"] = SCENARIOS[scenario]["title"]
    pr["body"] = body
    pr["labels"] = [{"name": name, "color": "ededed"} for name in labels]
    pr["base"]["sha"], pr["head"]["sha"] = base, head
    pr["head"]["ref"] = f"pr-{scenario}"
    if fork:
        pr["head"]["repo"] = dict(pr["head"]["repo"], full_name=FORK)
    return event


FORK = "forker/Hello-World"


def workflow_run_event(run_id: int, head_sha: str, pull_numbers: tuple[int, ...] = (),
                       head_repository: str = REPOSITORY) -> dict[str, Any]:
    """GitHub's real `workflow_run.completed` example, for the run that checked `head_sha` (from `head_repository`)."""
    event = copy.deepcopy(load_fixture("workflow_run.completed.json"))
    run = event["workflow_run"]
    run["id"], run["head_sha"], run["event"], run["conclusion"] = run_id, head_sha, "pull_request", "failure"
    run["pull_requests"] = [{"number": n, "id": n, "url": "", "head": {"sha": head_sha}, "base": {}}
                            for n in pull_numbers]
    run["repository"]["full_name"] = REPOSITORY
    run["head_repository"]["full_name"] = head_repository
    event["repository"]["full_name"] = REPOSITORY
    return event


def write_event(path: Path, event: dict[str, Any]) -> Path:
    """Write an event payload to a file and return its path."""
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


def parse_outputs(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file the way the runner does (`k=v` and `k<<DELIM` blocks)."""
    outputs, lines, i = {}, text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
            i += 1
        else:
            i += 1
    return outputs
