"""`analyze()` beyond single change kinds: safety (never runs code), problems, work-tree heads,
locality (only touched packages are read), policies and the `ApiChange` record."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from depgate.api import analyze
from depgate.api.kinds import RULES, ApiChange, Category
from depgate.config import ApiConfig
from depgate.git import WORKTREE, Git
from depgate.rules import Rule
from gitrepo import GitRepo

# A package whose import would write a marker file and kill the interpreter.
HOSTILE_INIT = '''
import os
import pathlib
pathlib.Path({marker!r}).write_text("imported")
os._exit(13)
from .core import run
__all__ = ["run"]
'''

INIT_F = "from .a import f\n__all__ = ['f']\n"


def _analyze(repo: GitRepo, base: str, head: str, config: ApiConfig | None = None):
    git = Git(repo.path)
    return analyze(git, base, head, git.changed_files(base, head), config or ApiConfig())


def test_side_effect_module_is_never_executed(git_repo: GitRepo, tmp_path) -> None:
    marker = tmp_path / "marker"
    init = HOSTILE_INIT.format(marker=str(marker))
    base = git_repo.commit("base", {"evil/__init__.py": init, "evil/core.py": "def run(a): ...\n",
                                    "evil/__all_dynamic__.py": "x = 1\n"})
    head = git_repo.commit("head", {"evil/__init__.py": init + "\n# touched\n", "evil/core.py": "def run(): ...\n"})
    diff = _analyze(git_repo, base, head)
    # Still alive (os._exit never ran), nothing written, nothing imported.
    assert not marker.exists()
    assert "evil" not in sys.modules
    assert "evil.core" not in sys.modules
    assert [(c.code, c.symbol) for c in diff.changes] == [("A105", "evil.run")]


def test_syntax_error_at_head_is_a_problem_not_a_removal(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "from .a import f, g\n__all__ = ['f', 'g']\n",
                                    "pkg/a.py": "def f(x): ...\n\n\ndef g(): ...\n"})
    head = git_repo.commit("head", {"pkg/a.py": "def f(x: ...\n\n\ndef g(): ...\n"})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [(p.code, p.location.path, p.location.line) for p in diff.problems] == [("A901", "pkg/a.py", 1)]
    assert "does not parse" in diff.problems[0].message


def test_unparsable_package_init_hides_nothing_as_removed(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/__init__.py": "from .a import (f\n__all__ = ['f']\n"})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [p.code for p in diff.problems] == ["A901"]


def test_non_utf8_file_is_a_problem(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/a.py": b"def f(): ...\n# \xff\xfe\n"})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [(p.code, p.location.path) for p in diff.problems] == [("A901", "pkg/a.py")]
    assert "UTF-8" in diff.problems[0].message


def test_worktree_head(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(x): ...\n"})
    git_repo.write({"pkg/a.py": "def f(x, y): ...\n", "pkg/b.py": "class New:\n    pass\n",
                    "pkg/__init__.py": "from .a import f\nfrom .b import New\n__all__ = ['New', 'f']\n"})
    diff = _analyze(git_repo, base, WORKTREE)
    assert sorted((c.code, c.symbol) for c in diff.changes) == [("A110", "pkg.f"), ("A302", "pkg.New")]
    # Paths and lines point at the head files.
    new = next(c for c in diff.changes if c.code == "A302")
    assert (new.path, new.line) == ("pkg/b.py", 1)


def test_non_python_diff_costs_nothing(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "__all__ = []\n", "README.md": "a\n"})
    head = git_repo.commit("head", {"README.md": "b\n", "deps/0001-dep-x.md": "---\n---\n", "pkg/data.json": "{}"})
    git = Git(git_repo.path)
    changed = git.changed_files(base, head)
    calls: list[tuple] = []
    monkeypatch.setattr(Git, "run", lambda self, *a, **k: calls.append(a))
    diff = analyze(git, base, head, changed, ApiConfig())
    assert (diff.changes, diff.problems, diff.packages, diff.modules_analysed) == ((), (), (), 0)
    assert calls == []


def test_only_touched_packages_are_read(git_repo: GitRepo) -> None:
    files = {"big/__init__.py": "from .a import A\n__all__ = ['A']\n", "big/a.py": "class A:\n    pass\n"}
    for i in range(30):
        files[f"big/sub{i}/__init__.py"] = f"from .m import C{i}\n__all__ = ['C{i}']\n"
        files[f"big/sub{i}/m.py"] = f"class C{i}:\n    def run(self, x): ...\n"
    base = git_repo.commit("base", files)
    head = git_repo.commit("head", {"big/sub7/m.py": "class C7:\n    def run(self): ...\n"})
    diff = _analyze(git_repo, base, head)
    assert [(c.code, c.symbol) for c in diff.changes] == [("A105", "big.sub7.C7.run")]
    # big, big.sub7 and big.sub7.m at each revision; none of the 29 other subpackages.
    assert diff.modules_analysed == 6
    assert diff.packages == ("big",)


def test_src_layout_and_tests_excluded(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"src/lib/__init__.py": "from .a import f\n__all__ = ['f']\n",
                                    "src/lib/a.py": "def f(x): ...\n",
                                    "tests/__init__.py": "", "tests/test_a.py": "def test_x(): ...\n"})
    head = git_repo.commit("head", {"src/lib/a.py": "def f(): ...\n", "tests/test_a.py": None})
    diff = _analyze(git_repo, base, head)
    assert [(c.code, c.symbol, c.path) for c in diff.changes] == [("A105", "lib.f", "src/lib/a.py")]
    assert diff.packages == ("lib",)


def test_underscore_policy_sees_module_level_names(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "__all__ = []\n",
                                    "pkg/tools.py": "def helper(x): ...\n\n\ndef _private(): ...\n",
                                    "pkg/_impl.py": "def hidden(): ...\n"})
    head = git_repo.commit("head", {"pkg/tools.py": "def _private(y): ...\n", "pkg/_impl.py": "def other(): ...\n"})
    # Under d9d's rule nothing is public here: the package lists nothing in `__all__`.
    assert _analyze(git_repo, base, head).changes == ()
    # Under the underscore convention pkg.tools.helper is public; private names and `_impl` are not.
    diff = _analyze(git_repo, base, head, replace(ApiConfig(), public="underscore"))
    assert [(c.code, c.symbol) for c in diff.changes] == [("A101", "pkg.tools.helper")]


def test_internal_globs_are_configurable(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "__all__ = []\n",
                                    "pkg/experimental/__init__.py": "from .x import f\n__all__ = ['f']\n",
                                    "pkg/experimental/x.py": "def f(a): ...\n"})
    head = git_repo.commit("head", {"pkg/experimental/x.py": "def f(): ...\n"})
    assert [c.code for c in _analyze(git_repo, base, head).changes] == ["A105"]
    config = replace(ApiConfig(), internal=["*.experimental", "*.experimental.*"])
    assert _analyze(git_repo, base, head, config).changes == ()


def test_dynamic_all_is_reported_and_not_guessed(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/__init__.py": "from .a import f\n"
                                                       "__all__ = [n for n in dir() if n[0] != '_']\n"})
    diff = _analyze(git_repo, base, head)
    assert [p.code for p in diff.problems] == ["A903"]
    # The names fall back to the underscore convention: f (re-exported from inside the package) stays.
    assert diff.changes == ()


def test_change_record() -> None:
    change = ApiChange("A101", "public-symbol-removed", Category.BREAKING, "d9d.X", "d9d/x.py", 3, "Gone.")
    assert change.breaking
    assert change.rule.code == "A101"
    assert change.as_dict() == {"code": "A101", "kind": "public-symbol-removed", "category": "breaking",
                                "symbol": "d9d.X", "path": "d9d/x.py", "line": 3, "breaking": True,
                                "message": "Gone.", "old": None, "new": None}


def test_rules_are_well_formed() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert isinstance(rule, Rule)
        assert rule.category == "api"
        assert rule.code[:2] in ("A1", "A2", "A3", "A9")
        assert all((rule.summary, rule.rationale, rule.fix))


def test_formatting_docstrings_and_file_renames_change_nothing(git_repo: GitRepo) -> None:
    files = {
        "pkg/__init__.py": "from .a import Cfg, build\nfrom .b import Strategy\n"
                           "__all__ = ['Cfg', 'Strategy', 'build']\n",
        "pkg/a.py": "from pydantic import BaseModel\n\n\nclass Cfg(BaseModel):\n    name: str = 'x'\n"
                    "    size: int = 1_000\n\n\n"
                    "def build(name, *, dtype='bf16', sizes=(1, 2)):\n    '''Build.'''\n    return name\n",
        "pkg/b.py": "import abc\n\n\nclass Strategy(abc.ABC):\n    @abc.abstractmethod\n    def apply(self, m): ...\n",
    }
    base = git_repo.commit("base", files)
    head = git_repo.commit("head", {
        # Reformatted (quotes, wrapping, trailing commas, digit separators) and a new docstring.
        "pkg/a.py": 'from pydantic import BaseModel\n\n\nclass Cfg(BaseModel):\n'
                    '    """The config."""\n\n'
                    '    name: str = "x"\n    size: int = 1000\n\n\ndef build(\n    name,\n    *,\n    dtype="bf16",\n'
                    '    sizes=(\n        1,\n        2,\n    ),\n):\n'
                    '    """Build a model, rewritten."""\n    return name\n',
        # Renamed module; the package re-exports the same names from the new file.
        "pkg/b.py": None,
        "pkg/strategies.py": files["pkg/b.py"],
        "pkg/__init__.py": files["pkg/__init__.py"].replace("from .b import", "from .strategies import"),
    })
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert diff.problems == ()


def test_name_listed_but_not_defined_is_a_problem_not_a_removal(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/__init__.py": "from .a import *\n__all__ = ['f', 'made_at_runtime']\n"})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [(p.code, p.location.path) for p in diff.problems] == [("A902", "pkg/__init__.py")]
    assert "pkg.made_at_runtime" in diff.problems[0].message


def test_fixing_a_broken_base_reports_nothing_as_added(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": "from .a import f\n__all__ = ['f'\n",
                                    "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/__init__.py": INIT_F})
    diff = _analyze(git_repo, base, head)
    # The base could not be read, so nothing is claimed; the fixed head file is no problem either.
    assert diff.changes == ()
    assert diff.problems == ()


def test_oversized_file_is_a_problem(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from depgate.api import source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 64)
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/a.py": "def f(): ...\n" + "x = 1\n" * 20})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [(p.code, p.location.path) for p in diff.problems] == [("A901", "pkg/a.py")]


def test_formatting_only_changes_analyse_nothing(git_repo: GitRepo) -> None:
    files = {f"pkg/m{i}.py": f"def f{i}(a, b='x'):\n    '''Doc.'''\n    return a\n" for i in range(5)}
    files["pkg/__init__.py"] = "from .m0 import f0\n__all__ = ['f0']\n"
    base = git_repo.commit("base", files)
    reformatted = {f"pkg/m{i}.py": f'def f{i}(\n    a,\n    b="x",\n):  # comment\n    """New doc."""\n    return a\n'
                   for i in range(5)}
    reformatted["pkg/__init__.py"] = 'from .m0 import f0\n\n__all__ = ["f0"]\n'
    head = git_repo.commit("style: reformat", reformatted)
    diff = _analyze(git_repo, base, head)
    assert (diff.changes, diff.problems, diff.modules_analysed) == ((), (), 0)


def test_module_replaced_by_a_link_is_a_problem_not_a_removal(git_repo: GitRepo, tmp_path) -> None:
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    (tmp_path / "outside.py").write_text("def f(x): ...\n")
    (git_repo.path / "pkg" / "a.py").unlink()
    (git_repo.path / "pkg" / "a.py").symlink_to(tmp_path / "outside.py")
    for head in (git_repo.commit("head"), WORKTREE):
        diff = _analyze(git_repo, base, head)
        assert diff.changes == ()
        assert [(p.code, p.location.path) for p in diff.problems] == [("A901", "pkg/a.py")]
        assert "symbolic link" in diff.problems[0].message


def test_overlong_body_is_not_handed_to_griffe(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from depgate.api import source

    monkeypatch.setattr(source, "MAX_BODY_STATEMENTS", 10)
    base = git_repo.commit("base", {"pkg/__init__.py": INIT_F, "pkg/a.py": "def f(): ...\n"})
    head = git_repo.commit("head", {"pkg/a.py": "def f(): ...\n" + "".join(f"n{i} = {i}\n" for i in range(11))})
    diff = _analyze(git_repo, base, head)
    assert diff.changes == ()
    assert [(p.code, p.location.path) for p in diff.problems] == [("A901", "pkg/a.py")]
    assert "12 statements in one body" in diff.problems[0].message
