"""The API file's `[deprecated: ...]` and `[experimental]` tags, and `depgate api --deprecated` (issue #10).

Real temporary git repositories; each object of `PACKAGE` says in a comment whether it must be tagged.
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from gitrepo import GitRepo

PACKAGE = {
    "pyproject.toml": '''\
        [project]
        name = "pkg"

        [tool.depgate.api]
        experimental = ["pkg.lab", "pkg.Engine.beta"]
    ''',
    "pkg/__init__.py": '''\
        import warnings
        from .core import Engine, Old, gone, hinted, pending, quiet, told
        from . import lab, legacy

        __all__ = ["Engine", "Old", "gone", "hinted", "lab", "legacy", "older", "pending", "quiet", "told"]


        def __getattr__(name):  # `older` is served with a deprecation warning: tagged module-getattr
            if name == "older":
                warnings.warn("use gone", DeprecationWarning)
                return gone
            raise AttributeError(name)
    ''',
    "pkg/core.py": '''\
        import warnings
        from typing_extensions import deprecated as dep


        class Engine:
            @dep("use run")
            def start(self) -> None: ...  # tagged: decorator (under an import alias)

            def run(self) -> None: ...  # not tagged

            @property
            def size(self) -> int:  # tagged: docstring, though the setter is the last binding
                """Size.

                .. deprecated:: 1.2
                """
                return 1

            @size.setter
            def size(self, value: int) -> None: ...

            def beta(self) -> None: ...  # experimental by its own glob


        @dep("use Engine")
        class Old:  # tagged: decorator; its members are covered and not tagged again
            def method(self) -> None:
                warnings.warn("x", DeprecationWarning)


        def gone(x):  # tagged: warning (FutureWarning counts)
            warnings.warn("use Engine.run", FutureWarning, stacklevel=2)
            return x


        def hinted():  # tagged: docstring
            """Hinted.

            .. deprecated:: 2.0
                Use told.
            """


        def told():  # not tagged: the warning is behind a branch
            if True:
                warnings.warn("not at the top", DeprecationWarning)


        def quiet():  # not tagged: the word in prose is not the directive
            """This is not deprecated."""


        def pending():  # not tagged: Python hides PendingDeprecationWarning
            warnings.warn("hidden by default", PendingDeprecationWarning)
    ''',
    "pkg/legacy.py": '''\
        """Old helpers."""
        import warnings

        warnings.warn("pkg.legacy is deprecated", DeprecationWarning)  # the module and what it holds

        __all__ = ["helper"]


        def helper() -> int:
            return 1
    ''',
    "pkg/lab/__init__.py": '''\
        __all__ = ["Probe"]


        class Probe:  # experimental, as everything under pkg.lab
            def poke(self) -> None: ...
    ''',
}

EXPECTED_BODY = '''\
module pkg

class pkg.Engine
    def beta(self) -> None  [experimental]
    def run(self) -> None
    @property size: int (writable)  [deprecated: docstring]
    def start(self) -> None  [deprecated: decorator]

class pkg.Old  [deprecated: decorator]
    def method(self) -> None

def pkg.gone(x)  [deprecated: warning]

def pkg.hinted()  [deprecated: docstring]

module pkg.lab  [experimental]

class pkg.lab.Probe  [experimental]
    def poke(self) -> None

module pkg.legacy  [deprecated: warning]

def pkg.legacy.helper() -> int  [deprecated: warning]

attribute pkg.older  [deprecated: module-getattr]

def pkg.pending()

def pkg.quiet()

def pkg.told()
'''

#: `depgate api --deprecated`: path, how (and through what), file:line of the mark.
EXPECTED_LIST = '''\
pkg.Engine.size  docstring  pkg/core.py:13
pkg.Engine.start  decorator  pkg/core.py:6
pkg.Old  decorator  pkg/core.py:25
pkg.gone  warning  pkg/core.py:32
pkg.hinted  docstring  pkg/core.py:37
pkg.legacy  warning  pkg/legacy.py:4
pkg.legacy.helper  warning (via pkg.legacy)  pkg/legacy.py:4
pkg.older  module-getattr  pkg/__init__.py:8
'''


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """The sample package, committed."""
    git_repo.commit("feat: start", PACKAGE)
    return git_repo


def _contract(repo: GitRepo) -> str:
    return (repo.path / "api" / "pkg.api.md").read_text(encoding="utf-8")


def _body(text: str) -> str:
    return text.split("```text\n", 1)[1].rsplit("```\n", 1)[0]


def test_each_form_and_the_experimental_tier_are_tagged(repo, run_cli):
    result = run_cli("api", "--write", "--repo", str(repo.path))
    assert result.code == 0, result
    assert _body(_contract(repo)) == EXPECTED_BODY


def test_the_tagged_file_is_byte_identical_from_disk_and_from_a_commit(repo, run_cli):
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    first = (repo.path / "api" / "pkg.api.md").read_bytes()
    again = run_cli("api", "--write", "--repo", str(repo.path))
    assert again.out == "unchanged api/pkg.api.md\n"
    (repo.path / "api" / "pkg.api.md").unlink()
    assert run_cli("api", "--write", "--rev", "HEAD", "--repo", str(repo.path)).code == 0
    assert (repo.path / "api" / "pkg.api.md").read_bytes() == first
    repo.commit("docs: api contract")
    assert run_cli("api", "--check", "--repo", str(repo.path)).code == 0


def test_deprecating_an_object_is_one_changed_line_of_the_diff(repo, run_cli):
    base = repo.commit("chore: base")
    core = textwrap.dedent(PACKAGE["pkg/core.py"]).replace(
        "def run(self) -> None: ...  # not tagged", "@dep('use start')\n    def run(self) -> None: ...")
    head = repo.commit("feat: deprecate run", {"pkg/core.py": core})
    result = run_cli("api", "--diff", f"{base}..{head}", "--repo", str(repo.path))
    assert result.code == 0, result
    changed = [line for line in result.out.splitlines()[2:] if line[:1] in "+-"]
    assert changed == ["-    def run(self) -> None", "+    def run(self) -> None  [deprecated: decorator]"]


def test_a_value_cannot_fake_a_tag(git_repo, run_cli):
    # Two spaces never survive in a written value, so a tag is always what depgate found.
    git_repo.commit("feat: x", {"pkg/__init__.py": '__all__ = ["X"]\nX = "a  [deprecated: decorator]"\n'})
    assert run_cli("api", "--write", "--repo", str(git_repo.path)).code == 0
    assert _body(_contract(git_repo)) == "module pkg\n\nattribute pkg.X = 'a [deprecated: decorator]'\n"


def test_deprecated_lists_path_how_and_place(repo, run_cli):
    result = run_cli("api", "--deprecated", "--repo", str(repo.path))
    assert result.code == 0, result
    assert result.out == EXPECTED_LIST
    assert "depgate: 8 deprecated public object(s)" in result.err
    assert not (repo.path / "api").exists()  # lists, writes nothing


def test_deprecated_as_json(repo, run_cli):
    result = run_cli("api", "--deprecated", "--format", "json", "--repo", str(repo.path))
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["schema_version"] == 1
    assert data["deprecated"][0] == {"path": "pkg.Engine.size", "how": "docstring", "via": None,
                                     "file": "pkg/core.py", "line": 13}
    assert data["deprecated"][6] == {"path": "pkg.legacy.helper", "how": "warning", "via": "pkg.legacy",
                                     "file": "pkg/legacy.py", "line": 4}
    text = [f"{d['path']}  {d['how']}" + (f" (via {d['via']})" if d["via"] else "") + f"  {d['file']}:{d['line']}"
            for d in data["deprecated"]]
    assert "\n".join(text) + "\n" == EXPECTED_LIST


def test_deprecated_at_a_revision_reads_git_objects(repo, run_cli):
    first = repo.commit("chore: first")
    repo.commit("feat!: drop the old API", {"pkg/core.py": "class Engine: ...\nclass Old: ...\n"
                                            "def gone(x): ...\ndef hinted(): ...\ndef pending(): ...\n"
                                            "def quiet(): ...\ndef told(): ...\n",
                                            "pkg/legacy.py": "__all__ = ['helper']\ndef helper(): ...\n"})
    repo.write({"pkg/core.py": "syntax error (\n"})  # the work tree must not be read
    at_head = run_cli("api", "--deprecated", "--rev", "HEAD", "--format", "json", "--repo", str(repo.path))
    assert at_head.code == 0, at_head
    assert [d["path"] for d in json.loads(at_head.out)["deprecated"]] == ["pkg.older"]
    at_first = run_cli("api", "--deprecated", "--rev", first, "--repo", str(repo.path))
    assert at_first.code == 0, at_first
    assert at_first.out == EXPECTED_LIST


def test_a_syntax_error_fails_closed_naming_file_and_line(repo, run_cli):
    source = textwrap.dedent(PACKAGE["pkg/core.py"])
    repo.write({"pkg/core.py": source + "def broken(:\n"})
    line = len(source.splitlines()) + 1
    for args in (("--deprecated",), ("--deprecated", "--format", "json"), ("--write",)):
        result = run_cli("api", *args, "--repo", str(repo.path))
        assert result.code == 1, result
        assert f"error: pkg/core.py:{line}: A901 " in result.err
        assert "Traceback" not in result.err
        assert result.out == ""


def test_format_applies_to_deprecated_only(repo, run_cli):
    result = run_cli("api", "--write", "--format", "json", "--repo", str(repo.path))
    assert result.code == 2
    assert "--format applies to --deprecated only" in result.err
    assert not (repo.path / "api").exists()


def test_each_module_is_parsed_once(repo, run_cli, monkeypatch):
    """The syntax check, griffe and the deprecation marks share one syntax tree per module file."""
    import griffe

    from depgate.api import source

    # NOTE: without the `__getattr__`, which the surface reader reads again to see which names it serves.
    init = textwrap.dedent(PACKAGE["pkg/__init__.py"]).split("\n\n\ndef __getattr__")[0].replace(' "older",', "")
    repo.commit("refactor: no shim", {"pkg/__init__.py": init + "\n"})
    monkeypatch.setenv("DEPGATE_CACHE", "off")
    parsed: list[str] = []
    real = source._compile
    monkeypatch.setattr(source, "_compile", lambda text: parsed.append(text) or real(text))
    monkeypatch.setattr(griffe, "visit", lambda *a, **k: pytest.fail("griffe parsed a module again"))
    result = run_cli("api", "--write", "--repo", str(repo.path))
    assert result.code == 0, result
    modules = [textwrap.dedent(v) for k, v in PACKAGE.items() if k.endswith(".py") and k != "pkg/__init__.py"]
    assert sorted(parsed) == sorted([*modules, init + "\n"])
    assert _body(_contract(repo)) == EXPECTED_BODY.replace("attribute pkg.older  [deprecated: module-getattr]\n\n", "")
