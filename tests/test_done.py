"""DEP-0001's definition of done: the checklist of `depgate check`, on real temporary git repositories.

The base has a package `pkg`, an accepted DEP-0002 and (per test) a `.github/depgate.yml`. Each pull request adds
a new public abstraction (a DEP is required) and references DEP-0002, with or without tests, docs and docstrings.
"""

from __future__ import annotations

import json
import re

import cmarkgfm
import pytest

from depgate.report.load import ReportError, parse_report
from gitrepo import GitRepo

DEP = ("---\nDEP: 0002\nTitle: Offload\nAuthor: @someone\nStatus: Accepted\nType: Feature\nCreated: 2026-02-04\n"
       "---\n\n# DEP-0002: Offload\n\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Design Proposal\n\nD.\n\n"
       "## Usage\n\nU.\n\n## Backward Compatibility\n\nB.\n\n## Alternatives Considered\n\nNone.\n")
BASE = {
    "pkg/__init__.py": '"""Package."""\n\n__all__ = ["keep"]\n\nfrom pkg.core import keep\n',
    "pkg/core.py": 'def keep(x):\n    """Keep x."""\n    return x\n',
    "deps/0002-offload.md": DEP,
}
DOCUMENTED = '''\
import abc


class Offloader(abc.ABC):
    """Moves tensors off the device."""

    @abc.abstractmethod
    def offload(self, name):
        """Offload one tensor."""
'''
EXPORT = ('"""Package."""\n\n__all__ = ["Offloader", "keep"]\n\n'
          "from pkg.core import keep\nfrom pkg.offload import Offloader\n")
TESTS = {"tests/test_offload.py": "def test_offload():\n    assert True\n"}
DOCS = {"docs/offload.md": "# Offload\n"}
TITLE = "feat: offloader (DEP-0002)"


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """`main` with the base, checked out on a branch `pr`."""
    git_repo.commit("chore: initial", BASE)
    git_repo.branch("pr")
    return git_repo


def _config(repo: GitRepo, text: str) -> None:
    """Commit a configuration on `main` (read from the base tip), then return to `pr` rebased on it."""
    repo.checkout("main")
    repo.commit("chore: config", {".github/depgate.yml": text})
    repo.git("checkout", "-q", "pr")
    repo.git("rebase", "-q", "main")


def _check(run_cli, repo: GitRepo, *args: str):
    result = run_cli("check", "--repo", str(repo.path), "--format", "json", *args)
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)


def _items(data) -> dict:
    return {item["item"]: item for item in data["done"]["items"]}


def _pr(repo: GitRepo, module: str = DOCUMENTED, extra: dict | None = None, title: str = TITLE) -> None:
    repo.commit(title, {"pkg/__init__.py": EXPORT, "pkg/offload.py": module, **(extra or {})})


# -- each item found / missing ------------------------------------------------------------------------------------

def test_complete_change_has_every_item(run_cli, repo):
    _pr(repo, extra={**TESTS, **DOCS})
    code, data = _check(run_cli, repo)
    items = _items(data)
    assert code == 0
    assert [item["item"] for item in data["done"]["items"]] == ["implementation", "tests", "docstrings", "docs"]
    assert items["implementation"] == {"item": "implementation", "ok": True, "required": False,
                                       "found": ["pkg/__init__.py", "pkg/offload.py"],
                                       "summary": "2 code file(s) of the analysed packages changed"}
    assert (items["tests"]["ok"], items["tests"]["found"]) == (True, ["tests/test_offload.py"])
    assert (items["docstrings"]["ok"], items["docstrings"]["found"]) == (True, [])
    assert (items["docs"]["ok"], items["docs"]["found"]) == (True, ["docs/offload.md"])


def test_missing_tests_and_docs_are_named(run_cli, repo):
    _pr(repo)
    _, data = _check(run_cli, repo)
    items = _items(data)
    assert (items["tests"]["ok"], items["tests"]["found"]) == (False, [])
    assert "tests/**" in items["tests"]["summary"]
    assert (items["docs"]["ok"], items["docs"]["found"]) == (False, [])
    assert "docs/**" in items["docs"]["summary"]


def test_undocumented_objects_are_listed_by_symbol(run_cli, repo):
    _pr(repo, module=DOCUMENTED.replace('    """Moves tensors off the device."""\n', "").replace(
        '        """Offload one tensor."""\n', "        ...\n"), extra={**TESTS, **DOCS})
    _, data = _check(run_cli, repo)
    docstrings = _items(data)["docstrings"]
    assert (docstrings["ok"], docstrings["found"]) == (False, ["pkg.Offloader"])
    assert [(p["code"], p["path"]) for p in data["problems"]] == [("A930", "pkg/offload.py")]


def test_implementation_missing_when_only_docs_change(run_cli, repo):
    repo.commit("docs: describe the offloader (DEP-0002)", DOCS)
    _, data = _check(run_cli, repo)
    items = _items(data)
    assert data["verdict"] == "not-required"
    assert (items["implementation"]["ok"], items["implementation"]["found"]) == (False, [])
    assert (items["docs"]["ok"], items["docs"]["found"]) == (True, ["docs/offload.md"])


def test_test_file_names_match_in_any_folder(run_cli, repo):
    _pr(repo, extra={"pkg/offload_test.py": "def test_it():\n    pass\n"})
    _, data = _check(run_cli, repo)
    items = _items(data)
    assert items["tests"]["found"] == ["pkg/offload_test.py"]
    assert "pkg/offload_test.py" not in items["implementation"]["found"]


def test_configured_globs(run_cli, repo):
    _config(repo, "done:\n  tests: ['spec/**']\n  docs: ['site/**']\n")
    _pr(repo, extra={**TESTS, **DOCS, "spec/offload.py": "x = 1\n", "site/offload.md": "# O\n"})
    _, data = _check(run_cli, repo)
    items = _items(data)
    assert (items["tests"]["found"], items["docs"]["found"]) == (["spec/offload.py"], ["site/offload.md"])


# -- policy -------------------------------------------------------------------------------------------------------

def test_advisory_never_fails(run_cli, repo):
    _pr(repo)
    code, data = _check(run_cli, repo)
    assert (code, data["failed"], data["done"]["policy"], data["done"]["failed"]) == (0, False, "advisory", False)


def test_required_fails_on_a_missing_required_item(run_cli, repo):
    _config(repo, "done:\n  policy: required\n")
    _pr(repo, extra=TESTS)
    code, data = _check(run_cli, repo)
    assert (code, data["failed"], data["done"]["failed"]) == (1, True, True)
    assert data["satisfied"] is True  # the DEP requirement itself is met: the checklist fails the check


def test_required_passes_when_required_items_are_there(run_cli, repo):
    _config(repo, "done:\n  policy: required\n  require: [tests]\n")
    _pr(repo, extra=TESTS)
    code, data = _check(run_cli, repo)
    assert (code, data["failed"], data["done"]["failed"]) == (0, False, False)
    assert [i["item"] for i in data["done"]["items"] if i["required"]] == ["tests"]


def test_required_is_silenced_by_fail_on_never(run_cli, repo):
    _config(repo, "done:\n  policy: required\n")
    _pr(repo)
    code, data = _check(run_cli, repo, "--fail-on", "never")
    assert (code, data["failed"], data["done"]["failed"]) == (0, False, True)


def test_off_gives_no_checklist_and_no_a310(run_cli, repo):
    _config(repo, "done:\n  policy: 'off'\n")
    _pr(repo, module=DOCUMENTED.replace('    """Moves tensors off the device."""\n', ""))
    _, data = _check(run_cli, repo)
    assert (data["done"], [p["code"] for p in data["problems"]]) == (None, [])


def test_unknown_required_item_is_a_config_error(run_cli, repo):
    _config(repo, "done:\n  require: [test]\n")
    _pr(repo)
    result = run_cli("check", "--repo", str(repo.path))
    assert result.code == 2
    assert ".github/depgate.yml: `done.require` names 'test'" in result.err
    assert "Traceback" not in result.err


# -- when there is a checklist ------------------------------------------------------------------------------------

def test_no_dep_needed_and_none_linked_gets_no_checklist(run_cli, repo):
    repo.commit("fix: keep returns its argument", {"pkg/core.py": 'def keep(x):\n    """Keep x."""\n    return (x)\n'})
    _, data = _check(run_cli, repo)
    assert (data["verdict"], data["deps"], data["done"]) == ("not-required", [], None)


def test_required_without_a_link_gets_a_checklist(run_cli, repo):
    _pr(repo, title="feat: offloader")
    _, data = _check(run_cli, repo)
    assert (data["verdict"], data["deps"]) == ("required", [])
    assert _items(data)["implementation"]["ok"] is True


# -- renderers and the saved report -------------------------------------------------------------------------------

def test_text_and_markdown_show_the_checklist(run_cli, repo):
    _config(repo, "done:\n  policy: required\n")
    _pr(repo, extra=TESTS)
    text = run_cli("check", "--repo", str(repo.path)).out
    assert "Definition of done (required):" in text
    assert "[MISSING] docs (required): no documentation file (docs/**) changed" in text
    assert "[ok] tests (required): 1 test file(s) added or changed: tests/test_offload.py" in text
    markdown = run_cli("check", "--repo", str(repo.path), "--format", "markdown").out
    assert "#### Definition of done (required: **fails the check**)" in markdown
    html = cmarkgfm.github_flavored_markdown_to_html(markdown)
    assert "<td>docs (required)</td>" in html
    assert "<code>tests/test_offload.py</code>" in html


def test_saved_report_reads_back(run_cli, repo, tmp_path):
    _config(repo, "done:\n  policy: required\n")
    _pr(repo, extra=TESTS)
    saved = tmp_path / "report.json"
    run_cli("check", "--repo", str(repo.path), "--json-file", str(saved))
    loaded = parse_report(saved.read_bytes()).report
    assert loaded.done is not None
    assert loaded.done.as_dict() == json.loads(saved.read_text())["done"]


@pytest.mark.parametrize(("forge", "field"), [
    (lambda d: d["done"].update(failed=False), "done.failed"),
    (lambda d: d["done"]["items"][1].update(ok=True), "done.items[1].ok"),
    (lambda d: d["done"]["items"].pop(), "done.items"),
    (lambda d: d["done"].update(policy="off"), "done.policy"),
    (lambda d: d["done"]["items"][0].update(found="pkg/x.py"), "done.items[0].found"),
    (lambda d: d.update(failed=False), "failed"),
])
def test_forged_checklist_is_refused(run_cli, repo, forge, field):
    _config(repo, "done:\n  policy: required\n")
    _pr(repo)
    _, data = _check(run_cli, repo)
    forge(data)
    with pytest.raises(ReportError, match=re.escape(f"the report's {field} ")):
        parse_report(json.dumps(data).encode())
