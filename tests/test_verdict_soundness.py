"""Changes that must never slip past `depgate check` (issue #8): each test is one class of change, on a real repository.

Every case starts from the same small package and commits one pull request on top; the test runs the real command
(`depgate check --format json`) and asserts the verdict, the failing exit code and that the reason names what
happened. Where a case guards a false alarm elsewhere, the matching real break sits next to it.
"""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo

BASE = {
    "pyproject.toml": '[project]\nname = "d9d"\n',
    "d9d/__init__.py": """\
        from d9d.api import Trainer, build

        __all__ = ["Trainer", "build"]
        """,
    "d9d/api.py": """\
        from d9d.deep.x import Trainer
        from d9d.core import build
        """,
    "d9d/core.py": """\
        def build(model):
            return model


        def helper(a, b):
            return a
        """,
    "d9d/deep/__init__.py": "",
    "d9d/deep/x.py": """\
        class Trainer:
            def fit(self, data, steps=1):
                return data
        """,
    "d9d/tools/__init__.py": """\
        from .core import keep, gone

        __all__ = ["keep", "gone"]
        """,
    "d9d/tools/core.py": """\
        def keep():
            return 1


        def gone():
            return 2
        """,
    "d9d/star/__init__.py": """\
        from .impl import *

        __all__ = ["alpha", "beta"]
        """,
    "d9d/star/impl.py": """\
        def alpha(): ...


        def beta(): ...
        """,
}


def _check(run_cli, repo: GitRepo, base: str, head: str, *extra: str) -> tuple[int, dict]:
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", head, "--format", "json", *extra)
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)


def _codes(report: dict) -> set[str]:
    return {c["code"] for c in report["changes"]} | {p["code"] for p in report["problems"]}


def _text(report: dict) -> str:
    return json.dumps(report)


@pytest.fixture
def base_repo(git_repo: GitRepo) -> tuple[GitRepo, str]:
    return git_repo, git_repo.commit("feat: base", BASE)


def _pr(repo: GitRepo, files: dict, title: str = "fix: tidy") -> str:
    return repo.commit(title, files)


# -- removals behind re-exports -----------------------------------------------------------------------------------


def test_removal_from_defining_module_behind_named_reexport_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/tools/core.py": "def keep():\n    return 1\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    removed = [c for c in report["changes"] if c["symbol"] == "d9d.tools.gone"]
    assert [c["code"] for c in removed] == ["A101"]
    assert removed[0]["message"] == ("`d9d.tools.gone` was removed: `d9d/tools/core.py` no longer defines `gone`, "
                                     "and `d9d/tools/__init__.py` re-exports it.")


def test_removal_from_defining_module_behind_star_reexport_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/star/impl.py": "def alpha(): ...\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [c["code"] for c in report["changes"] if c["symbol"] == "d9d.star.beta"] == ["A101"]


def test_name_dropped_from_all_while_import_stays_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/tools/__init__.py": 'from .core import keep, gone\n\n__all__ = ["keep"]\n'})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [c["code"] for c in report["changes"] if c["symbol"] == "d9d.tools.gone"] == ["A101"]


def test_all_reassigned_later_in_the_file_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/tools/__init__.py": 'from .core import keep, gone\n\n__all__ = ["keep", "gone"]\n'
                                               '__all__ = ["keep"]\n'})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [c["code"] for c in report["changes"] if c["symbol"] == "d9d.tools.gone"] == ["A101"]


def test_all_extended_later_in_the_file_is_an_addition_not_a_break(run_cli, base_repo) -> None:
    repo, base = base_repo
    core = "def keep():\n    return 1\n\n\ndef gone():\n    return 2\n\n\ndef new(): ...\n"
    head = _pr(repo, {"d9d/tools/core.py": core,
                      "d9d/tools/__init__.py": 'from .core import keep, gone, new\n\n__all__ = ["keep", "gone"]\n'
                                               '__all__ += ["new"]\n'})
    code, report = _check(run_cli, repo, base, head)
    assert code == 0
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A303", "d9d.tools.new")]


def test_change_passed_on_through_a_plain_module_one_folder_up_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/deep/x.py": "class Trainer:\n    def fit(self, data):\n        return data\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A105", "d9d.Trainer.fit")]


def test_unrelated_private_helper_change_is_not_required(run_cli, base_repo) -> None:
    # Near miss of the case above: `helper` is not re-exported anywhere, so changing it breaks nothing.
    repo, base = base_repo
    head = _pr(repo, {"d9d/core.py": "def build(model):\n    return model\n\n\ndef helper(a):\n    return a\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"], report["changes"]) == (0, "not-required", [])


# -- packages and where they live ------------------------------------------------------------------------------


def test_whole_package_deleted_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    repo.git("rm", "-r", "-q", "d9d")
    head = repo.commit("chore: drop the package")
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert ("A102", "d9d") in {(c["code"], c["symbol"]) for c in report["changes"]}


def test_package_moved_between_source_roots_is_compared_not_dropped(run_cli, base_repo) -> None:
    repo, base = base_repo
    (repo.path / "src").mkdir()
    repo.git("mv", "d9d", "src/d9d")
    repo.write({"src/d9d/tools/core.py": "def keep():\n    return 1\n"})
    head = repo.commit("refactor: src layout")
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A101", "d9d.tools.gone")]


def test_package_moved_to_an_unconfigured_root_is_found(run_cli, base_repo) -> None:
    # griffe 2.0 moved src/griffe to packages/griffelib/src/griffe.
    repo, base = base_repo
    (repo.path / "packages/lib/src").mkdir(parents=True)
    repo.git("mv", "d9d", "packages/lib/src/d9d")
    repo.write({"packages/lib/src/d9d/tools/core.py": "def keep():\n    return 1\n"})
    head = repo.commit("refactor: monorepo layout")
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A101", "d9d.tools.gone")]


def test_decoy_package_at_another_root_does_not_hide_the_real_one(run_cli, git_repo: GitRepo) -> None:
    files = {("src/" + k if k.startswith("d9d/") else k): v for k, v in BASE.items()}
    base = git_repo.commit("feat: base", files)
    head = git_repo.commit("fix: tidy", {"d9d/__init__.py": "", "src/d9d/tools/core.py": "def keep():\n    return 1\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert ("A101", "d9d.tools.gone") in {(c["code"], c["symbol"]) for c in report["changes"]}
    assert "A904" in _codes(report)  # the second copy is named in the report


# -- what depgate cannot read never lowers the verdict -----------------------------------------------------------


def test_coding_cookie_that_turns_a_comment_into_code_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    # For CPython, `\u000a` in a unicode_escape file is a newline: the "comment" deletes `gone`.
    text = "# coding: unicode_escape\ndef keep():\n    return 1\n\n\ndef gone():\n    return 2\n# \\u000adel gone\n"
    head = _pr(repo, {"d9d/tools/core.py": text})
    code, report = _check(run_cli, repo, base, head)
    assert code == 1
    assert report["verdict"] == "required"


def test_deep_expression_that_overflows_the_visitor_fails_closed(run_cli, base_repo) -> None:
    repo, base = base_repo
    chain = "x" + ".a" * 500
    head = _pr(repo, {"d9d/tools/core.py": f"def keep():\n    return 1\n\n\nif False:\n    y = {chain}\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert "d9d/tools/core.py" in _text(report)


def test_module_replaced_by_a_link_fails_closed(run_cli, base_repo) -> None:
    repo, base = base_repo
    (repo.path / "d9d/tools/core.py").unlink()
    (repo.path / "d9d/tools/core.py").symlink_to("../core.py")
    head = repo.commit("fix: share code")
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert "symbolic link" in _text(report)


def test_unreadable_module_nobody_imports_is_reported_but_does_not_fail(run_cli, base_repo) -> None:
    # Near miss: a module no public name depends on cannot change the public API, even when it does not parse.
    repo, base = base_repo
    head = _pr(repo, {"d9d/tools/script.py": "def broken(:\n"})
    code, report = _check(run_cli, repo, base, head)
    assert code == 0
    assert _codes(report) == {"A905"}
    assert report["verdict"] == "not-required"


def test_getattr_shim_that_does_not_name_the_removed_name_fails_closed(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/tools/core.py": "def keep():\n    return 1\n\n\ndef __getattr__(name):\n"
                                           "    return globals()['_' + name]\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [c["code"] for c in report["changes"] if c["symbol"] == "d9d.tools.gone"] == ["A101"]


# -- classes that moved -------------------------------------------------------------------------------------------


def test_class_moved_module_and_method_lost_a_parameter_fails(run_cli, base_repo) -> None:
    repo, base = base_repo
    head = _pr(repo, {"d9d/deep/x.py": None,
                      "d9d/deep/y.py": "class Trainer:\n    def fit(self, data):\n        return data\n",
                      "d9d/api.py": "from d9d.deep.y import Trainer\nfrom d9d.core import build\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert ("A105", "d9d.Trainer.fit") in {(c["code"], c["symbol"]) for c in report["changes"]}


def test_class_moved_module_unchanged_is_not_required(run_cli, base_repo) -> None:
    # Near miss of the case above: the same move without the signature change breaks nothing.
    repo, base = base_repo
    head = _pr(repo, {"d9d/deep/x.py": None,
                      "d9d/deep/y.py": "class Trainer:\n    def fit(self, data, steps=1):\n        return data\n",
                      "d9d/api.py": "from d9d.deep.y import Trainer\nfrom d9d.core import build\n"})
    code, report = _check(run_cli, repo, base, head)
    assert (code, report["verdict"]) == (0, "not-required")


# -- configuration comes from the base branch's tip ----------------------------------------------------------------


def test_configuration_is_read_from_the_base_tip_not_the_merge_base(run_cli, git_repo: GitRepo) -> None:
    loose = "verdict:\n  override-labels: [anything-goes]\n"
    old = git_repo.commit("feat: base", {**BASE, ".github/depgate.yml": loose})
    git_repo.commit("chore: stricter gate", {".github/depgate.yml": "verdict:\n  override-labels: []\n"})
    git_repo.branch("pr", old)
    head = git_repo.commit("fix: tidy", {"d9d/tools/core.py": "def keep():\n    return 1\n"})
    code, report = _check(run_cli, git_repo, "main", head, "--labels", "anything-goes")
    assert (code, report["verdict"]) == (1, "required")
    assert report["override"] is None


def test_function_named_like_its_own_module_resolves(run_cli, git_repo: GitRepo) -> None:
    # `from .get_int_dtype import get_int_dtype`: the package attribute is the function, the dotted path the module.
    base = git_repo.commit("feat: base", {"k/__init__.py": "from .get_int_dtype import get_int_dtype\n\n"
                                                           "__all__ = ['get_int_dtype']\n",
                                          "k/get_int_dtype.py": "def get_int_dtype(bits):\n    return bits\n"})
    same = git_repo.commit("docs: comment", {"k/get_int_dtype.py": "def get_int_dtype(bits):\n    return bits + 0\n"})
    code, report = _check(run_cli, git_repo, base, same)
    assert (code, report["verdict"], report["problems"]) == (0, "not-required", [])
    head = git_repo.commit("fix: tidy", {"k/get_int_dtype.py": "def get_int_dtype():\n    return 8\n"})
    code, report = _check(run_cli, git_repo, same, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A105", "k.get_int_dtype")]


def test_submodule_exported_by_name_that_breaks_fails_closed(run_cli, git_repo: GitRepo) -> None:
    # `from pkg import tool` with 'tool' in `__all__`: the module itself is public, so a file that cannot be read
    # fails closed, and a signature change inside it is a break.
    base = git_repo.commit("feat: base", {"pkg/__init__.py": "from pkg import tool\n\n__all__ = ['tool']\n",
                                          "pkg/tool.py": "def run(a, b): ...\n"})
    head = git_repo.commit("fix: tidy", {"pkg/tool.py": "def run(a): ...\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A105", "pkg.tool.run")]
    broken = git_repo.commit("wip", {"pkg/tool.py": "def run(a:\n"})
    code, report = _check(run_cli, git_repo, base, broken)
    assert (code, report["verdict"]) == (1, "required")
    assert [(p["code"], p["path"]) for p in report["problems"]] == [("A901", "pkg/tool.py")]


def test_namespace_package_named_in_the_configuration_is_analysed(run_cli, git_repo: GitRepo) -> None:
    # d9d had no top-level `__init__.py` at first; its subpackages were public all the same.
    config = {".github/depgate.yml": "api:\n  packages: [d9d]\n"}
    base = git_repo.commit("feat: base", {**config, "d9d/core/__init__.py": "from .x import run\n\n__all__ = ['run']\n",
                                          "d9d/core/x.py": "def run(a, b): ...\n"})
    head = git_repo.commit("fix: tidy", {"d9d/core/x.py": "def run(a): ...\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"]) == (1, "required")
    assert [(c["code"], c["symbol"]) for c in report["changes"]] == [("A105", "d9d.core.run")]


def test_folder_without_init_is_not_a_package_unless_named(run_cli, git_repo: GitRepo) -> None:
    # Near miss of the case above: without the configuration, a folder of loose modules is not analysed.
    base = git_repo.commit("feat: base", {"tools/core/__init__.py": "from .x import run\n\n__all__ = ['run']\n",
                                          "tools/core/x.py": "def run(a, b): ...\n"})
    head = git_repo.commit("fix: tidy", {"tools/core/x.py": "def run(a): ...\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"], report["changes"]) == (0, "not-required", [])


def test_same_input_gives_byte_identical_reports_across_processes(git_repo: GitRepo, tmp_path) -> None:
    # Two changes of one kind on one callable (two swapped parameters) tie on (file, line, code, symbol); their
    # order must not follow the process's string hashing, nor whether the summary cache was warm.
    import os
    import subprocess
    import sys

    base = git_repo.commit("feat: base", {"pkg/__init__.py": "from .a import f\n\n__all__ = ['f']\n",
                                          "pkg/a.py": "def f(a, b, c, d): ...\n"})
    head = git_repo.commit("fix: swap", {"pkg/a.py": "def f(b, a, d, c): ...\n"})
    outputs = []
    for seed, cache in (("1", "on"), ("2", "off"), ("3", "on"), ("4", "on")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DEPGATE_CACHE": cache}
        proc = subprocess.run([sys.executable, "-m", "depgate", "check", "--repo", str(git_repo.path), "--base", base,
                               "--head", head, "--format", "json"], capture_output=True, env=env, check=False)
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout)
    assert len(set(outputs)) == 1
    assert [c["code"] for c in json.loads(outputs[0])["changes"]] == ["A107"] * 4


def test_change_behind_a_non_ascii_module_name_is_followed(run_cli, git_repo: GitRepo) -> None:
    base = git_repo.commit("feat: base", {"pkg/__init__.py": "from .caf\u00e9 import run\n\n__all__ = ['run']\n",
                                          "pkg/caf\u00e9.py": "def run(a, b): ...\n"})
    head = git_repo.commit("fix: tidy", {"pkg/caf\u00e9.py": "def run(a): ...\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, [(c["code"], c["symbol"]) for c in report["changes"]]) == (1, [("A105", "pkg.run")])


_PRIVATE_BASE = {
    "pkg/__init__.py": "from .trainer import Trainer\n\n__all__ = ['Trainer']\n",
    "pkg/_base.py": "class _TrainerBase:\n    def fit(self, data, steps=1): ...\n",
    "pkg/trainer.py": "from ._base import _TrainerBase\n\n\nclass Trainer(_TrainerBase):\n    def run(self): ...\n",
}


def test_method_inherited_from_a_private_base_that_breaks_fails(run_cli, git_repo: GitRepo) -> None:
    # `Trainer.fit` is public through `Trainer`, although it is written in a private base.
    base = git_repo.commit("feat: base", _PRIVATE_BASE)
    head = git_repo.commit("fix: tidy", {"pkg/_base.py": "class _TrainerBase:\n    def fit(self, data): ...\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, [(c["code"], c["symbol"]) for c in report["changes"]]) == (1, [("A105", "pkg.Trainer.fit")])


def test_method_moved_between_private_bases_is_not_a_break(run_cli, git_repo: GitRepo) -> None:
    # Near miss: the same method through another private base, and a body change, break nothing.
    base = git_repo.commit("feat: base", _PRIVATE_BASE)
    head = git_repo.commit("refactor: split", {
        "pkg/_base.py": "class _Fit:\n    def fit(self, data, steps=1):\n        return data\n\n\n"
                        "class _TrainerBase(_Fit):\n    pass\n"})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"], report["changes"]) == (0, "not-required", [])


_SHIM = """\
import warnings

from .core import keep

__all__ = ["keep", "old_fn"]
_deprecated = ("old_fn",)


def __getattr__(name):
    if name in _deprecated:
        warnings.warn(f"{name} is deprecated", DeprecationWarning, stacklevel=2)
        return keep
    raise AttributeError(name)
"""


def test_name_served_by_a_deprecation_shim_that_goes_away_fails(run_cli, git_repo: GitRepo) -> None:
    # griffe 2.0 removed `assert_git_repo` and three more, listed in `__all__` and served by `__getattr__` in 1.x.
    base = git_repo.commit("feat: base", {"pkg/__init__.py": _SHIM, "pkg/core.py": "def keep(): ...\n"})
    init = "from .core import keep\n\n__all__ = ['keep']\n"
    head = git_repo.commit("feat!: drop deprecated", {"pkg/__init__.py": init})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, [(c["code"], c["symbol"]) for c in report["changes"]]) == (1, [("A101", "pkg.old_fn")])


def test_name_still_served_by_the_shim_is_no_change(run_cli, git_repo: GitRepo) -> None:
    # Near miss: the shim stays (its message changed); nothing was removed, and nothing is unknown.
    base = git_repo.commit("feat: base", {"pkg/__init__.py": _SHIM, "pkg/core.py": "def keep(): ...\n"})
    head = git_repo.commit("docs: reword", {"pkg/__init__.py": _SHIM.replace("is deprecated", "will go in 2.0")})
    code, report = _check(run_cli, git_repo, base, head)
    assert (code, report["verdict"], report["changes"], report["problems"]) == (0, "not-required", [], [])
