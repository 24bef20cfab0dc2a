"""A930 public-object-undocumented, on real temporary git repositories.

Each case commits a base package, then a head that adds or changes one public object, and says whether A930 must
fire for it. The docstring is read as written: an override of a documented base method and a property whose
getter is documented count as documented; removals are never reported.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

from depgate.api import analyze
from depgate.api.kinds import PUBLIC_OBJECT_UNDOCUMENTED
from depgate.config import ApiConfig
from depgate.git import Git

if TYPE_CHECKING:
    from gitrepo import GitRepo

INIT = '"""Package."""\n__all__ = ["Base", "Child", "keep"]\nfrom .core import Base, Child, keep\n'
#: The head's `__init__`, which also exports `Loader` when the head's core defines it.
LOADER_INIT = ('"""Package."""\n__all__ = ["Base", "Child", "Loader", "keep"]\n'
               "from .core import Base, Child, Loader, keep\n")
BASE_CORE = '''
class Base:
    """A base."""

    def run(self):
        """Run it."""
        return 1


class Child(Base):
    """A child."""


def keep(x):
    """Keep x."""
    return x
'''

#: (id, head source of pkg/core.py, whether A930 fires, the symbol it names)
CASES = [
    # A new class without a docstring: fires.
    ("new-class-undocumented", BASE_CORE + "\n\nclass Loader:\n    pass\n", True, "pkg.Loader"),
    # The same class with a docstring: does not fire.
    ("new-class-documented", BASE_CORE + '\n\nclass Loader:\n    """Load."""\n', False, "pkg.Loader"),
    # An override, with a new optional parameter, of a documented base method: documented by its base.
    ("override-of-documented", BASE_CORE.replace('    """A child."""\n',
                                                 '    """A child."""\n\n    def run(self, fast=False):\n'
                                                 '        return 2\n'), False, "pkg.Child.run"),
    # The same override when the base method has no docstring: fires.
    ("override-of-undocumented", BASE_CORE.replace('        """Run it."""\n', "").replace(
        '    """A child."""\n', '    """A child."""\n\n    def run(self, fast=False):\n        return 2\n'),
     True, "pkg.Child.run"),
    # A new property whose getter is documented (the setter is not): documented.
    ("property-getter-documented", BASE_CORE.replace(
        '    """A child."""\n', '    """A child."""\n\n    @property\n    def size(self):\n        """The size."""\n'
        '        return 1\n\n    @size.setter\n    def size(self, value):\n        pass\n'), False, "pkg.Child.size"),
    # A new property without a docstring: fires.
    ("property-undocumented", BASE_CORE.replace(
        '    """A child."""\n', '    """A child."""\n\n    @property\n    def size(self):\n        return 1\n'),
     True, "pkg.Child.size"),
    # A changed function (a new optional parameter) that lost its docstring: fires.
    ("changed-function-undocumented", BASE_CORE.replace('def keep(x):\n    """Keep x."""\n',
                                                        "def keep(x, y=0):\n"), True, "pkg.keep"),
    # An attribute that its class's docstring names (an `Attributes:` entry): documented.
    ("attribute-named-by-class", BASE_CORE.replace(
        '    """A child."""\n', '    """A child.\n\n    Attributes:\n        depth: How deep.\n    """\n\n'
        '    depth: int = 0\n'), False, "pkg.Child.depth"),
]


def _undocumented(repo: GitRepo, head_core: str) -> list:
    base = repo.commit("base", {"pkg/__init__.py": INIT, "pkg/core.py": BASE_CORE})
    init = LOADER_INIT if "class Loader" in head_core else INIT
    head = repo.commit("head", {"pkg/__init__.py": init, "pkg/core.py": textwrap.dedent(head_core)})
    git = Git(repo.path)
    diff = analyze(git, base, head, git.changed_files(base, head), ApiConfig())
    return list(diff.undocumented)


@pytest.mark.parametrize(("head_core", "fires", "symbol"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a930_cases(git_repo: GitRepo, head_core: str, fires: bool, symbol: str) -> None:
    found = _undocumented(git_repo, head_core)
    assert {d.details["symbol"] for d in found} == ({symbol} if fires else set())


def test_a930_names_file_line_and_code(git_repo: GitRepo) -> None:
    (diag,) = _undocumented(git_repo, BASE_CORE + "\n\nclass Loader:\n    pass\n")
    assert (diag.code, diag.location.path, diag.location.line) == (PUBLIC_OBJECT_UNDOCUMENTED.code, "pkg/core.py",
                                                                  BASE_CORE.count("\n") + 3)


def test_a930_ignores_removals(git_repo: GitRepo) -> None:
    # Child is removed (A101): nothing is left at head to document.
    head = BASE_CORE.replace('class Child(Base):\n    """A child."""\n', "")
    base = git_repo.commit("base", {"pkg/__init__.py": INIT, "pkg/core.py": BASE_CORE})
    head_rev = git_repo.commit("head", {"pkg/__init__.py": INIT.replace("Child, ", "").replace('"Child", ', ""),
                                        "pkg/core.py": head})
    git = Git(git_repo.path)
    diff = analyze(git, base, head_rev, git.changed_files(base, head_rev), ApiConfig())
    assert [c.code for c in diff.changes] == ["A101"]
    assert diff.undocumented == ()
