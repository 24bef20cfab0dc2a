"""`verdict.conventional-commits: auto` reads the base branch's recent subjects (real repositories).

V106 (a breaking change not marked `!`) only makes sense where Conventional Commits are used. A click-like
history ("Release version 8.3.0") turns it off; a d9d-like one ("feat(loop): ...") keeps it; true and false
decide whatever the history says.
"""

from __future__ import annotations

import json

import pytest

from depgate.verdict import is_conventional
from gitrepo import GitRepo

CLICK_LIKE = ["Release version 8.3.0", "Merge pull request #3012 from pallets/stable", "Fix typo in docs",
              "update requirements", "Add changelog entry", "Release version 8.2.2"]
D9D_LIKE = ["feat(loop): gradient accumulation", "fix: clip gradients", "docs: DEP index",
            "chore(deps): bump pydantic", "Update README.md", "refactor(core)!: rename Stateful"]
INIT = "from .core import a, b\n__all__ = ['a', 'b']\n"


def _repo(repo: GitRepo, history: list[str], config: str | None = None) -> str:
    files = {"pkg/__init__.py": INIT, "pkg/core.py": "def a(): ...\ndef b(): ...\n"}
    if config is not None:
        files[".github/depgate.yml"] = config
    repo.commit("initial import", files)
    for number, subject in enumerate(history):
        repo.commit(subject, {f"notes/{number}.txt": subject})
    base = repo.git("rev-parse", "HEAD")
    repo.branch("pr")
    # Breaking (b removed), and the title has no `!`.
    repo.commit("feat: drop b", {"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n",
                                 "pkg/core.py": "def a(): ...\n"})
    return base


def _codes(run_cli, repo: GitRepo, base: str) -> dict[str, dict]:
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result
    return {r["code"]: r for r in json.loads(result.out)["reasons"]}


def test_click_like_history_does_not_ask_for_a_bang(git_repo: GitRepo, run_cli) -> None:
    reasons = _codes(run_cli, git_repo, _repo(git_repo, CLICK_LIKE))
    assert "A101" in reasons  # the break is still reported, and still requires a DEP
    assert "V101" in reasons
    assert "V106" not in reasons


def test_d9d_like_history_asks_for_a_bang_and_says_why(git_repo: GitRepo, run_cli) -> None:
    reasons = _codes(run_cli, git_repo, _repo(git_repo, D9D_LIKE))
    # Five of the six subjects follow the grammar; "initial import" makes seven read.
    assert "(5 of the base branch's last 7 commit subjects do)" in reasons["V106"]["message"]


def test_merge_subjects_are_not_counted(git_repo: GitRepo, run_cli) -> None:
    # Squash-free history: the merges' GitHub-written subjects would drown the convention; they are skipped.
    git_repo.commit("initial import", {"pkg/__init__.py": INIT, "pkg/core.py": "def a(): ...\ndef b(): ...\n"})
    for number, subject in enumerate(["feat: x", "fix: y", "docs: z"]):
        git_repo.branch(f"topic{number}")
        git_repo.commit(subject, {f"notes/{number}.txt": subject})
        git_repo.checkout("main")
        git_repo.git("merge", "--no-ff", "-q", "-m", f"Merge pull request #{number} from me/topic{number}",
                     f"topic{number}")
    base = git_repo.git("rev-parse", "HEAD")
    git_repo.branch("pr")
    git_repo.commit("feat: drop b", {"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n",
                                     "pkg/core.py": "def a(): ...\n"})
    assert "(3 of the base branch's last 4 commit subjects do)" in _codes(run_cli, git_repo, base)["V106"]["message"]


@pytest.mark.parametrize(("history", "setting", "fires"), [
    (CLICK_LIKE, "true", True),     # forced on
    (D9D_LIKE, "false", False),     # forced off
    (D9D_LIKE, "auto", True),
])
def test_an_explicit_setting_wins(git_repo: GitRepo, run_cli, history, setting, fires) -> None:
    base = _repo(git_repo, history, f"verdict:\n  conventional-commits: {setting}\n")
    assert ("V106" in _codes(run_cli, git_repo, base)) is fires


def test_another_string_is_a_configuration_error(git_repo: GitRepo, run_cli) -> None:
    base = _repo(git_repo, D9D_LIKE, "verdict:\n  conventional-commits: sometimes\n")
    result = run_cli("check", "--repo", str(git_repo.path), "--base", base)
    assert result.code == 2
    assert "`verdict.conventional-commits` must be one of auto, not 'sometimes'" in result.err


@pytest.mark.parametrize(("subject", "expected"), [
    ("feat: a", True), ("fix(loop): a", True), ("refactor(core)!: a", True), ("feat!: a", True),
    ("Release version 8.3.0", False), ("fix:a", False), ("Merge pull request #1 from x/y", False),
    ("feat(: a", False), ("v1.2: notes", False), (": a", False),
])
def test_the_subject_grammar(subject: str, expected: bool) -> None:
    assert is_conventional(subject) is expected
