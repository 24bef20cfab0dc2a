"""The verdict copies a removal's head-side anchor into its reason, for the annotation writer (real repositories)."""

from __future__ import annotations

import json

from gitrepo import GitRepo

INIT = "from .core import gone, kept\n__all__ = ['gone', 'kept']\n"
CORE = "def kept(): ...\n\n\ndef gone(): ...\n"


def _reasons(run_cli, repo: GitRepo, base: str) -> dict[str, dict]:
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result
    return {r["code"]: r for r in json.loads(result.out)["reasons"]}


def test_removal_still_imported_at_head_carries_the_import_line_as_anchor(git_repo: GitRepo, run_cli) -> None:
    base = git_repo.commit("feat: base", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.commit("feat!: drop gone", {"pkg/core.py": "def kept(): ...\n"})
    reasons = _reasons(run_cli, git_repo, base)
    # The reason stays at base (where `def gone` was); the anchor is the head import that still names it.
    assert (reasons["A101"]["path"], reasons["A101"]["line"]) == ("pkg/core.py", 4)
    assert reasons["A101"]["details"]["rev"] == "base"
    assert reasons["A101"]["details"]["anchor"] == {"path": "pkg/__init__.py", "line": 1}
    # V101 is placed at the first requiring change, so it carries the same anchor.
    assert reasons["V101"]["details"]["anchor"] == {"path": "pkg/__init__.py", "line": 1}


def test_removal_whose_file_is_gone_has_no_anchor(git_repo: GitRepo, run_cli) -> None:
    base = git_repo.commit("feat: base", {"pkg/__init__.py": "from .core import kept\nfrom .extra import gone\n"
                                          "__all__ = ['gone', 'kept']\n",
                                          "pkg/core.py": "def kept(): ...\n", "pkg/extra.py": "def gone(): ...\n"})
    git_repo.commit("feat!: drop extra", {"pkg/__init__.py": "from .core import kept\n__all__ = ['kept']\n",
                                          "pkg/extra.py": None})
    reasons = _reasons(run_cli, git_repo, base)
    assert reasons["A101"]["path"] == "pkg/extra.py"
    assert "anchor" not in reasons["A101"]["details"]


def test_an_addition_is_at_head_and_has_no_anchor(git_repo: GitRepo, run_cli) -> None:
    base = git_repo.commit("feat: base", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.commit("feat: more", {"pkg/__init__.py": INIT.replace("kept']", "kept', 'more']") + "more = 1\n"})
    reasons = _reasons(run_cli, git_repo, base)
    additions = [r for r in reasons.values() if r["code"].startswith("A3")]
    assert additions
    assert all("anchor" not in r["details"] and r["details"]["rev"] == "head" for r in additions)
