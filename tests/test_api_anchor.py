"""`ApiChange.anchor`: where a removal shows at head, since its `path` and `line` are at base.

GitHub places annotations on head files, so a base line would point at unrelated code there. Every case is a
real repository in a temporary folder; each asserts the anchor and, beside it, the base location it replaces.
"""

from __future__ import annotations

from depgate.api import analyze
from depgate.config import ApiConfig
from depgate.diagnostics import Location
from depgate.git import WORKTREE, Git
from gitrepo import GitRepo

INIT = "from .core import gone, kept\n__all__ = ['gone', 'kept']\n"
CORE = "def kept(): ...\n\n\ndef gone(): ...\n"


def _changes(repo: GitRepo, base: str, head: str) -> dict[str, tuple[str, str, int | None, Location | None]]:
    git = Git(repo.path)
    diff = analyze(git, base, head, git.changed_files(base, head), ApiConfig())
    return {c.symbol: (c.code, c.path, c.line, c.anchor) for c in diff.changes}


def test_removal_still_re_exported_points_at_the_import_line(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "'''Doc.'''\n" + INIT, "pkg/core.py": CORE})
    head = git_repo.commit("head", {"pkg/core.py": "def kept(): ...\n"})
    found = _changes(git_repo, base, head)
    # Base: the deleted `def gone` on line 4 of core.py; head: the import in __init__.py that no longer resolves.
    assert found == {"pkg.gone": ("A101", "pkg/core.py", 4, Location("pkg/__init__.py", 2))}


def test_removal_still_listed_in_all_points_at_all(git_repo: GitRepo) -> None:
    init = "from .core import kept\n\n__all__ = ['gone', 'kept']\n"
    base = git_repo.commit("base", {"pkg/__init__.py": init + "gone = 1\n", "pkg/core.py": CORE})
    head = git_repo.commit("head", {"pkg/__init__.py": init})
    found = _changes(git_repo, base, head)
    assert found == {"pkg.gone": ("A101", "pkg/__init__.py", 4, Location("pkg/__init__.py", 3))}


def test_name_dropped_from_the_api_points_at_its_definition_at_head(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    # The function stays, moved down two lines; only the re-export goes.
    head = git_repo.commit("head", {"pkg/__init__.py": "from .core import kept\n__all__ = ['kept']\n",
                                    "pkg/core.py": "'''Doc.'''\n\n" + CORE + "\n\ndef more(): ...\n"})
    found = _changes(git_repo, base, head)
    assert found["pkg.gone"] == ("A101", "pkg/core.py", 4, Location("pkg/core.py", 6))


def test_removal_from_a_file_that_still_exists_is_file_level(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    head = git_repo.commit("head", {"pkg/__init__.py": "from .core import kept\n__all__ = ['kept']\n",
                                    "pkg/core.py": "def kept(): ...\n"})
    found = _changes(git_repo, base, head)
    # core.py is still there, but nothing in it is the removed function's place any more: the file alone.
    assert found == {"pkg.gone": ("A101", "pkg/core.py", 4, Location("pkg/core.py", None))}


def test_removal_with_its_file_deleted_has_no_anchor(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "from .core import kept\nfrom .extra import gone\n"
                                                       "__all__ = ['gone', 'kept']\n",
                                    "pkg/core.py": "def kept(): ...\n", "pkg/extra.py": "def gone(): ...\n"})
    head = git_repo.commit("head", {"pkg/__init__.py": "from .core import kept\n__all__ = ['kept']\n",
                                    "pkg/extra.py": None})
    found = _changes(git_repo, base, head)
    assert found["pkg.gone"] == ("A101", "pkg/extra.py", 1, None)


def test_deleted_public_module_has_no_anchor_nor_an_addition(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "", "pkg/sub/__init__.py": "def f(): ...\n",
                                    "pkg/other/__init__.py": "def g(): ...\n"})
    head = git_repo.commit("head", {"pkg/sub/__init__.py": None,
                                    "pkg/other/__init__.py": "def g(): ...\n\n\ndef h(): ...\n"})
    found = _changes(git_repo, base, head)
    assert found["pkg.sub"] == ("A102", "pkg/sub/__init__.py", None, None)
    assert found["pkg.other.h"][3] is None  # an addition is at head already: no anchor


def test_removed_method_and_attribute_point_at_their_class_at_head(git_repo: GitRepo) -> None:
    cls = "class Trainer:\n    steps: int = 1\n\n    def run(self): ...\n\n    def stop(self): ...\n"
    base = git_repo.commit("base", {"pkg/__init__.py": "from .t import Trainer\n__all__ = ['Trainer']\n",
                                    "pkg/t.py": cls})
    head = git_repo.commit("head", {"pkg/t.py": "import os\n\n\nclass Trainer:\n    def run(self): ...\n"})
    found = _changes(git_repo, base, head)
    assert found["pkg.Trainer.stop"] == ("A101", "pkg/t.py", 6, Location("pkg/t.py", 4))
    assert found["pkg.Trainer.steps"] == ("A114", "pkg/t.py", 2, Location("pkg/t.py", 4))


def test_anchor_at_a_work_tree_head(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.write({"pkg/__init__.py": "from .core import kept\n__all__ = ['kept']\n",
                    "pkg/core.py": "def kept(): ...\n"})
    found = _changes(git_repo, base, WORKTREE)
    assert found == {"pkg.gone": ("A101", "pkg/core.py", 4, Location("pkg/core.py", None))}
