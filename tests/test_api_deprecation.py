"""Deprecation before removal (A920) and the experimental tier, on real temporary git repositories.

Each case commits a base where `pkg.old` (or a member) exists in some form, then a head that removes or breaks it.
A deprecated object's removal is still a break (A101...) but gives no A920; an undeprecated one does.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

from depgate.api import analyze
from depgate.api.kinds import Category
from depgate.config import ApiConfig
from depgate.diagnostics import Severity
from depgate.git import Git

if TYPE_CHECKING:
    from gitrepo import GitRepo

INIT = '__all__ = ["old", "keep"]\nfrom .core import old, keep\n'
HEAD_INIT = '__all__ = ["keep"]\nfrom .core import keep\n'
KEEP = "\n\ndef keep(x):\n    return x\n"

#: (id, base source of pkg/core.py defining `old`, whether A920 must fire when `old` is removed)
FORMS = [
    ("pep702-warnings", "from warnings import deprecated\n\n@deprecated('use keep')\ndef old(): ...\n", False),
    ("pep702-typing-extensions-aliased",
     "from typing_extensions import deprecated as dep\n\n@dep('use keep')\ndef old(): ...\n", False),
    ("pep702-module-attribute", "import warnings as w\n\n@w.deprecated('use keep')\ndef old(): ...\n", False),
    ("warn-deprecation", 'import warnings\n\ndef old():\n    """Old."""\n'
     '    warnings.warn("use keep", DeprecationWarning, stacklevel=2)\n    return 1\n', False),
    ("warn-future-keyword", 'from warnings import warn\n\ndef old():\n    msg = "use keep"\n'
     '    warn(msg, category=FutureWarning)\n', False),
    ("warn-own-subclass", 'import warnings\n\nclass MyDeprecationWarning(DeprecationWarning): ...\n\n'
     'def old():\n    warnings.warn("use keep", MyDeprecationWarning)\n', False),
    ("docstring-directive", 'def old():\n    """Old.\n\n    .. deprecated:: 1.2\n        Use keep.\n    """\n', False),
    ("class-decorated", "from typing_extensions import deprecated\n\n@deprecated('x')\nclass old: ...\n", False),
    ("class-init-warns", 'import warnings\n\nclass old:\n    def __init__(self):\n'
     '        warnings.warn("gone soon", DeprecationWarning)\n', False),
    ("module-warns", 'import warnings\n\nwarnings.warn("pkg.core is deprecated", DeprecationWarning)\n\n'
     'def old(): ...\n', False),
    # Near misses: each must fire.
    ("not-deprecated", "def old(): ...\n", True),
    ("pending-is-hidden", 'import warnings\n\ndef old():\n    warnings.warn("x", PendingDeprecationWarning)\n', True),
    ("user-warning", 'import warnings\n\ndef old():\n    warnings.warn("x")\n', True),
    ("conditional-warning", 'import warnings\n\ndef old(x=None):\n    if x:\n'
     '        warnings.warn("x", DeprecationWarning)\n', True),
    ("other-decorator", "import functools\n\n@functools.cache\ndef old(): ...\n", True),
    ("deprecated-word-in-prose", 'def old():\n    """This is not deprecated."""\n', True),
]


def _diff(repo: GitRepo, base_files: dict, head_files: dict, **config: object):
    base = repo.commit("base", {k: textwrap.dedent(v) for k, v in base_files.items()})
    head = repo.commit("head", {k: None if v is None else textwrap.dedent(v) for k, v in head_files.items()})
    git = Git(repo.path)
    return analyze(git, base, head, git.changed_files(base, head), ApiConfig(**config))


def _a130(diff) -> list[str]:
    return [p.details["symbol"] for p in diff.policy if p.code == "A920"]


@pytest.mark.parametrize(("source", "fires"), [pytest.param(s, f, id=i) for i, s, f in FORMS])
def test_removal_after_each_form(git_repo: GitRepo, source: str, fires: bool) -> None:
    diff = _diff(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": source + KEEP},
                 {"pkg/__init__.py": HEAD_INIT})
    # The removal is a break either way: the policy does not hide it from the verdict.
    assert [c.code for c in diff.changes if c.symbol == "pkg.old"] == ["A101"]
    assert _a130(diff) == (["pkg.old"] if fires else [])


def test_module_getattr_shim_at_base(git_repo: GitRepo) -> None:
    shim = INIT + ('import warnings\n\ndef __getattr__(name):\n    if name == "older":\n'
                   '        warnings.warn("use keep", DeprecationWarning)\n        return keep\n'
                   '    raise AttributeError(name)\n')
    init = shim.replace('["old", "keep"]', '["old", "keep", "older"]')
    diff = _diff(git_repo, {"pkg/__init__.py": init, "pkg/core.py": "def old(): ...\n" + KEEP},
                 {"pkg/__init__.py": HEAD_INIT})
    # `older` was served by the deprecating `__getattr__` at base; `old` was not deprecated.
    assert _a130(diff) == ["pkg.old"]


def test_member_of_deprecated_class_and_parameter_break(git_repo: GitRepo) -> None:
    base = ("from typing_extensions import deprecated\n\n@deprecated('x')\nclass old:\n    def run(self, a): ...\n"
            + KEEP + "\n\nclass Live:\n    def run(self, a): ...\n")
    head = base.replace("def run(self, a)", "def run(self)")
    init = INIT.replace('"keep"]', '"keep", "Live"]').replace("keep\n", "keep, Live\n")
    diff = _diff(git_repo, {"pkg/__init__.py": init, "pkg/core.py": base}, {"pkg/core.py": head})
    assert sorted(c.symbol for c in diff.changes if c.code == "A105") == ["pkg.Live.run", "pkg.old.run"]
    assert _a130(diff) == ["pkg.Live.run"]


@pytest.mark.parametrize(("policy", "severity"), [("off", None), ("advisory", Severity.WARNING),
                                                  ("required", Severity.ERROR)])
def test_policy_sets_severity(git_repo: GitRepo, policy: str, severity: Severity | None) -> None:
    diff = _diff(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": "def old(): ...\n" + KEEP},
                 {"pkg/__init__.py": HEAD_INIT}, deprecation_policy=policy)
    found = [p for p in diff.policy if p.code == "A920"]
    assert [p.severity for p in found] == ([severity] if severity else [])
    if found:
        assert found[0].location.path == "pkg/core.py"
        assert found[0].location.line == 1
        assert found[0].details["rev"] == "base"


EXP_INIT = '__all__ = ["run"]\nfrom .core import run\n'


@pytest.mark.parametrize(("package", "experimental"), [("pkg.experimental", True), ("pkg.stable", False)])
def test_experimental_tier(git_repo: GitRepo, package: str, experimental: bool) -> None:
    folder = package.replace(".", "/")
    diff = _diff(git_repo, {"pkg/__init__.py": "__all__ = []\n", f"{folder}/__init__.py": EXP_INIT,
                            f"{folder}/core.py": "def run(a, b): ...\n"},
                 {f"{folder}/core.py": "def run(a): ...\n"}, experimental=["pkg.experimental"])
    (change,) = [c for c in diff.changes if c.code == "A105"]
    assert change.category is (Category.EXPERIMENTAL if experimental else Category.BREAKING)
    assert change.forces_review is experimental
    assert change.breaking is not experimental
    # No deprecation promise in the experimental tier.
    assert _a130(diff) == ([] if experimental else [f"{package}.run"])


# -- the verdict, through `depgate check` ---------------------------------------------------------------------

def _check(run_cli, repo: GitRepo, config: str, base_files: dict, head_files: dict, *args: str) -> tuple[int, dict]:
    import json

    repo.commit("chore: base", {"pyproject.toml": f'[project]\nname = "pkg"\n\n[tool.depgate.api]\n{config}\n',
                                **{k: textwrap.dedent(v) for k, v in base_files.items()}})
    repo.branch("pr")
    repo.checkout("pr")
    repo.commit("fix: change", head_files)
    result = run_cli("check", "--repo", str(repo.path), "--base", "main", "--format", "json", *args)
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)


@pytest.mark.parametrize(("package", "verdict"), [("pkg.experimental", "review"), ("pkg.stable", "required")])
def test_experimental_break_gives_review(git_repo: GitRepo, run_cli, package: str, verdict: str) -> None:
    folder = package.replace(".", "/")
    code, data = _check(run_cli, git_repo, 'experimental = ["pkg.experimental"]',
                        {"pkg/__init__.py": "__all__ = []\n", f"{folder}/__init__.py": EXP_INIT,
                         f"{folder}/core.py": "def run(a, b): ...\n"},
                        {f"{folder}/core.py": "def run(a): ...\n"})
    assert data["verdict"] == verdict
    assert code == (0 if verdict == "review" else 1)
    # The experimental break is still reported, and is the reason for `review`.
    assert "A105" in [r["code"] for r in data["reasons"]]


@pytest.mark.parametrize("policy", ["advisory", "required"])
def test_override_lets_a920_pass(git_repo: GitRepo, run_cli, tmp_path, policy: str) -> None:
    body = tmp_path / "body.md"
    body.write_text("DEP: none - a cleanup agreed in the issue\n")
    code, data = _check(run_cli, git_repo, f'deprecation-policy = "{policy}"',
                        {"pkg/__init__.py": INIT, "pkg/core.py": "def old(): ...\n" + KEEP},
                        {"pkg/__init__.py": HEAD_INIT}, "--body-file", str(body))
    assert [p["code"] for p in data["problems"]] == ["A920"]
    # The override lets the unmet DEP requirement pass, and A920 under `required` too.
    assert data["verdict"] == "required"
    assert code == 0


def test_required_policy_fails_even_with_an_accepted_dep(git_repo: GitRepo, run_cli) -> None:
    dep = ("---\nDEP: 0001\nTitle: Remove old\nAuthor: a\nStatus: Accepted\nType: Feature\nCreated: 2026-01-01\n---\n\n"
           "# DEP-0001: Remove old\n")
    files = {"pkg/__init__.py": INIT, "pkg/core.py": "def old(): ...\n" + KEEP, "deps/0001-remove-old.md": dep}
    for policy, expected in (("advisory", 0), ("required", 1)):
        repo = git_repo.__class__.init(git_repo.path.parent / policy)
        code, data = _check(run_cli, repo, f'deprecation-policy = "{policy}"', files,
                            {"pkg/__init__.py": HEAD_INIT}, "--title", "fix: remove old (DEP-0001)")
        assert data["satisfied"] is True, data["reasons"]
        assert code == expected, (policy, data["problems"])
