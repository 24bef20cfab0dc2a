"""Each command's `--help` lists the exit codes that command can return, and the commands keep to them."""

from __future__ import annotations

import importlib
import re
import types

import pytest

from depgate.cli import DEFAULT_EXIT_CODES, exit_codes_of, get_parser
from depgate.commands import COMMANDS
from gitrepo import GitRepo

MODULES = {importlib.import_module(m).NAME: importlib.import_module(m) for m in COMMANDS}
_LINE = re.compile(r"^  (\d)  \S", re.M)


def _help_codes(name: str) -> list[int]:
    parser = get_parser(name)
    sub = next(a for a in parser._actions if a.dest == "command").choices[name]  # no public API to a subparser
    epilog = sub.epilog or ""
    assert epilog.startswith("exit codes:\n"), name
    return [int(code) for code in _LINE.findall(epilog)]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_help_lists_the_codes_the_module_declares(name: str) -> None:
    assert _help_codes(name) == sorted(exit_codes_of(MODULES[name]))


@pytest.mark.parametrize(("name", "codes"), [("check", [0, 1, 2]), ("lint", [0, 1, 2]), ("index", [0, 1, 2]),
                                             ("audit", [0, 2]), ("rules", [0, 2]), ("demo", [0, 2])])
def test_commands_that_cannot_find_anything_do_not_list_code_1(name: str, codes: list[int]) -> None:
    assert _help_codes(name) == codes


def test_a_module_without_a_declaration_gets_the_generic_codes() -> None:
    assert exit_codes_of(types.ModuleType("bare")) == DEFAULT_EXIT_CODES


def test_a_declaration_without_code_2_still_lists_it() -> None:
    module = types.ModuleType("partial")
    module.EXIT_CODES = {0: "done"}
    assert sorted(exit_codes_of(module)) == [0, 2]


def test_audit_exits_0_on_a_range_whose_commit_needs_a_dep(git_repo: GitRepo, run_cli) -> None:
    # The only code audit does not list is 1: a commit that needs a DEP is a record in its output, not a failure.
    base = git_repo.commit("feat: base", {"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n",
                                          "pkg/core.py": "def a(): ...\n"})
    git_repo.commit("feat: drop a", {"pkg/__init__.py": "__all__ = []\n", "pkg/core.py": "\n"})
    result = run_cli("audit", "--repo", str(git_repo.path), "--range", f"{base}..HEAD")
    assert result.code == 0, result
    assert '"verdict":"required"' in result.out


def test_rules_with_an_unknown_code_exits_2(run_cli) -> None:
    assert run_cli("rules", "Z999").code == 2
