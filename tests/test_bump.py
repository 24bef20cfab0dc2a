"""The bump a change implies (issue #10): pure rules, the verdict, real repositories, the saved report, the audit."""

from __future__ import annotations

import json

import cmarkgfm
import pytest

from depgate import bump as B
from depgate.config import Config, VerdictConfig
from depgate.git import ChangedFile
from depgate.report.json import render as render_json
from depgate.report.load import ReportError, parse_report
from depgate.report.model import Bump
from depgate.verdict import decide
from gitrepo import GitRepo
from test_verdict import abstraction, addition, facts, removed

INIT = "from .core import a, b\n__all__ = ['a', 'b']\n"
CORE = "def a(): ...\ndef b(): ...\n"
HISTORY = ["feat(loop): gradient accumulation", "fix: clip gradients", "docs: DEP index"]


# -- pure ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("categories", "paths", "expected"), [
    (["breaking", "addition"], ["pkg/core.py"], "major"),
    (["abstraction"], ["pkg/offload.py"], "minor"),
    (["strategy"], ["pkg/ring.py"], "minor"),
    ([], ["pkg/core.py"], "patch"),                    # code, no public impact
    ([], ["pkg/core.pyi"], "patch"),
    ([], ["tests/test_core.py", "docs/x.md"], "none"),  # near miss: Python, but a test
    ([], ["pkg/tests/helpers.py"], "none"),           # a test folder inside the package
    ([], ["pkg/conftest.py"], "none"),
    ([], ["deps/0001-x.py"], "none"),                 # the proposals folder is never code
    ([], ["README.md", ".github/workflows/ci.yml"], "none"),
    ([], [], "none"),
])
def test_impact_table(categories, paths, expected):
    assert B.impact(categories, paths, "deps").value == expected


def test_analysis_problems_raise_the_impact():
    assert B.impact([], ["docs/x.md"], "deps", fails_closed=True) is Bump.MAJOR
    assert B.impact([], ["docs/x.md"], "deps", forces_review=True) is Bump.MINOR


@pytest.mark.parametrize(("impact", "version", "on_zero", "setting", "bump", "next_version"), [
    (Bump.MAJOR, "0.16.0", None, "auto", "major", "1.0.0"),    # semantic-release's default: major_on_zero true
    (Bump.MAJOR, "0.16.0", False, "auto", "minor", "0.17.0"),  # the project's own major_on_zero = false
    (Bump.MAJOR, "0.16.0", True, False, "minor", "0.17.0"),    # the configuration overrides the project
    (Bump.MAJOR, "0.16.0", False, True, "major", "1.0.0"),
    (Bump.MAJOR, "2.3.4", False, "auto", "major", "3.0.0"),    # 0.x only
    (Bump.MINOR, "0.16.2", False, "auto", "minor", "0.17.0"),
    (Bump.PATCH, "0.16.2", None, "auto", "patch", "0.16.3"),
    (Bump.NONE, "0.16.2", None, "auto", "none", None),
])
def test_zero_convention(impact, version, on_zero, setting, bump, next_version):
    got, release = B.release(impact, B.ProjectVersion(version, "pyproject.toml", on_zero), setting)
    assert got.value == bump
    assert release is not None
    assert release.next_version == next_version
    assert release.impact is impact


def test_without_a_version_the_bump_is_the_impact():
    assert B.release(Bump.MAJOR, None, False) == (Bump.MAJOR, None)


@pytest.mark.parametrize(("text", "expected"), [
    ('[project]\nversion = "0.16.0"\n', ("0.16.0", None)),
    ('[tool.poetry]\nversion = "1.2.3"\n', ("1.2.3", None)),
    ('[project]\ndynamic = ["version"]\n[tool.semantic_release]\nmajor_on_zero = false\n', (None, False)),
    ('[project]\nversion = "1.0.0rc1"\n', (None, None)),   # a pre-release is not a release version
    ('[tool.semantic_release]\nmajor_on_zero = "no"\n', (None, None)),
    ("[project\n", (None, None)),                            # not TOML: the configuration loader reports it
    (None, (None, None)),
])
def test_version_from_pyproject(text, expected):
    assert B.version_from_pyproject(text) == expected


def test_pyproject_wins_over_tags_and_tags_are_the_fallback():
    tags = ["v0.9.0", "v0.10.0", "nightly", "0.2.0", "v1.0.0-rc1"]
    assert B.project_version('[project]\nversion = "0.8.0"\n', tags) == B.ProjectVersion("0.8.0", "pyproject.toml")
    assert B.project_version(None, tags) == B.ProjectVersion("0.10.0", "tag v0.10.0")  # by version, not by name
    assert B.project_version(None, ["nightly"]) is None


# -- the verdict ---------------------------------------------------------------------------------------------------

def test_decide_carries_the_bump_and_the_release():
    version = B.ProjectVersion("0.16.0", "pyproject.toml", major_on_zero=False)
    report = decide(facts(changes=[removed(), addition()], version=version))
    assert report.bump is Bump.MINOR
    assert report.release is not None
    assert report.release.impact is Bump.MAJOR
    assert report.as_dict()["bump"] == "minor"
    assert report.as_dict()["release"]["next_version"] == "0.17.0"
    proposal = decide(facts(changed=[ChangedFile("A", "deps/0001-x.md")], version=version))
    assert proposal.bump is Bump.NONE
    assert proposal.release is not None
    assert proposal.release.next_version is None


def _conventional(value=True) -> Config:
    return Config(verdict=VerdictConfig(conventional_commits=value))


@pytest.mark.parametrize(("title", "changes", "fires"), [
    ("fix(loop): add Trainer.fit_resumable", [addition()], True),
    ("perf: faster offload", [abstraction()], True),
    ("refactor: split the loop", [addition()], True),
    ("feat(loop): add Trainer.fit_resumable", [addition()], False),   # the right type
    ("Feat: add it", [addition()], False),                            # types are case-insensitive
    ("fix!: rework the loop", [addition()], False),                   # marked breaking: a major carries it
    ("fix: drop fit_legacy, add fit", [removed(), addition()], False),  # breaking: V106's business
    ("Add Trainer.fit_resumable", [addition()], False),               # no type: nothing to judge
    ("fix: typo", [], False),                                         # no new API
])
def test_v114_table(title, changes, fires):
    report = decide(facts(title=title, changes=changes, config=_conventional()))
    assert ("V114" in [d.code for d in report.reasons]) is fires
    assert ("mark-feature" in report.next_steps) is fires


def test_v114_says_what_semantic_release_would_do():
    patch = decide(facts(title="fix: x", changes=[addition()], config=_conventional()))
    none = decide(facts(title="refactor: x", changes=[addition()], config=_conventional()))
    v114 = next(d for d in patch.reasons if d.code == "V114")
    assert "ship it as a patch release" in v114.message
    assert v114.details["symbol"] == "d9d.model.Qwen3"
    assert v114.location.path == "d9d/model/qwen3.py"
    assert "not release it at all" in next(d for d in none.reasons if d.code == "V114").message
    assert "V114" not in [d.code for d in decide(facts(title="fix: x", changes=[addition()],
                                                       config=_conventional(False))).reasons]


# -- real repositories ---------------------------------------------------------------------------------------------

def _base(repo: GitRepo, pyproject: str | None) -> str:
    files = {"pkg/__init__.py": INIT, "pkg/core.py": CORE}
    if pyproject is not None:
        files["pyproject.toml"] = pyproject
    repo.commit("chore: initial import", files)
    for number, subject in enumerate(HISTORY):
        repo.commit(subject, {f"notes/{number}.txt": subject})
    repo.git("tag", "v0.3.0")
    base = repo.git("rev-parse", "HEAD")
    repo.branch("pr")
    return base


def _check(run_cli, repo: GitRepo, base: str) -> dict:
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result
    return json.loads(result.out)


@pytest.mark.parametrize(("files", "bump"), [
    ({"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n", "pkg/core.py": "def a(): ...\n"}, "major"),
    ({"pkg/__init__.py": "from .core import a, b, c\n__all__ = ['a', 'b', 'c']\n",
      "pkg/core.py": CORE + "def c(): ...\n"}, "minor"),
    ({"pkg/core.py": "def a(): return 1\ndef b(): ...\n"}, "patch"),
    ({"tests/test_core.py": "def test_a(): ...\n", "docs/index.md": "# docs\n"}, "none"),
])
def test_check_reports_the_bump(git_repo, run_cli, files, bump):
    base = _base(git_repo, '[project]\nname = "pkg"\nversion = "1.4.2"\n')
    git_repo.commit("chore: the change", files)
    data = _check(run_cli, git_repo, base)
    assert data["bump"] == bump
    assert data["release"]["version"] == "1.4.2"
    assert data["release"]["source"] == "pyproject.toml"
    assert parse_report(json.dumps(data).encode()).report.bump.value == bump  # the saved report reads back


def test_a_break_under_zero_follows_the_project_semantic_release_setting(git_repo, run_cli):
    base = _base(git_repo, '[project]\nname = "pkg"\ndynamic = ["version"]\n'
                           "[tool.semantic_release]\nmajor_on_zero = false\n")
    git_repo.commit("feat!: drop b", {"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n",
                                      "pkg/core.py": "def a(): ...\n"})
    data = _check(run_cli, git_repo, base)
    # No static version in the file: the latest release tag reachable from the base is the version.
    assert data["release"] == {"version": "0.3.0", "source": "tag v0.3.0", "impact": "major",
                               "next_version": "0.4.0", "major_on_zero": False}
    assert data["bump"] == "minor"
    text = run_cli("check", "--repo", str(git_repo.path), "--base", base, "--fail-on", "never").out
    assert "bump: minor (a breaking change; a minor release under 0.x, as major_on_zero is false): 0.3.0 -> 0.4.0" \
        in text


@pytest.mark.parametrize(("title", "fires"), [("fix(core): add c", True), ("feat(core): add c", False)])
def test_v114_on_a_real_repository(git_repo, run_cli, title, fires):
    base = _base(git_repo, None)  # the history follows Conventional Commits: `auto` turns the rule on
    git_repo.commit(title, {"pkg/__init__.py": "from .core import a, b, c\n__all__ = ['a', 'b', 'c']\n",
                            "pkg/core.py": CORE + "def c(): ...\n"})
    data = _check(run_cli, git_repo, base)
    v114 = [r for r in data["reasons"] if r["code"] == "V114"]
    assert bool(v114) is fires
    if fires:
        assert v114[0]["path"] == "pkg/core.py"
        assert v114[0]["details"]["symbol"] == "pkg.c"
        assert "mark-feature" in data["next_steps"]


# -- the saved report ----------------------------------------------------------------------------------------------

def _saved(**changes) -> bytes:
    version = B.ProjectVersion("0.16.0", "pyproject.toml", major_on_zero=False)
    data = json.loads(render_json(decide(facts(changes=[removed()], version=version))))
    data.update(changes)
    return json.dumps(data).encode()


def test_load_reads_bump_and_release():
    report = parse_report(_saved()).report
    assert report.bump is Bump.MINOR
    assert report.release is not None
    assert report.release.next_version == "0.17.0"


@pytest.mark.parametrize(("changes", "message"), [
    ({"bump": "huge"}, "the report's bump must be one of major, minor, none, patch, not 'huge'"),
    ({"bump": "patch"}, "the report's bump and release.next_version must follow from release.impact major"),
    ({"release": {"version": "0.16.0", "source": "pyproject.toml", "impact": "patch", "next_version": "0.16.1",
                  "major_on_zero": False}, "bump": "patch"},
     "the report's bump must be at least major for the API changes the report lists, not 'patch'"),
    ({"release": {"version": "0.16", "source": "x", "impact": "major", "next_version": None, "major_on_zero": True}},
     "the report's release.version must be a version such as 0.16.0, not '0.16'"),
    ({"bump": "none", "release": None}, "the report's bump must be at least major"),
])
def test_load_refuses_a_forged_bump(changes, message):
    with pytest.raises(ReportError) as exc:
        parse_report(_saved(**changes), "report.json")
    assert message in exc.value.describe()
    assert "report.json" in exc.value.describe()


def test_an_older_report_without_bump_still_loads():
    data = json.loads(_saved())
    del data["bump"], data["release"]
    assert parse_report(json.dumps(data).encode()).report.bump is Bump.NONE


# -- the audit by release ------------------------------------------------------------------------------------------

def test_audit_by_release(git_repo, run_cli):
    git_repo.commit("chore: initial import", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.git("tag", "v0.1.0")
    git_repo.commit("fix: a returns 1", {"pkg/core.py": "def a(): return 1\ndef b(): ...\n"})
    git_repo.git("tag", "v0.1.1")  # patch needed, patch got
    git_repo.commit("feat: drop b", {"pkg/__init__.py": "from .core import a\n__all__ = ['a']\n",
                                     "pkg/core.py": "def a(): return 1\n"})
    git_repo.commit("docs: readme", {"README.md": "hi\n"})
    git_repo.git("tag", "v0.2.0")  # a break released as a minor: semantic-release's default would give 1.0.0
    git_repo.commit("feat: add c", {"pkg/__init__.py": "from .core import a, c\n__all__ = ['a', 'c']\n",
                                    "pkg/core.py": "def a(): return 1\ndef c(): ...\n"})
    git_repo.git("tag", "0.3.0")  # without the `v`, still a release
    git_repo.git("tag", "nightly")  # not a release tag

    result = run_cli("audit", "--repo", str(git_repo.path), "--releases", "--progress", "0")
    assert result.code == 0, result
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["release"], r["previous"]) for r in records] == [
        ("v0.1.0", None), ("v0.1.1", "v0.1.0"), ("v0.2.0", "v0.1.1"), ("0.3.0", "v0.2.0")]
    assert "first release" in records[0]["error"]
    assert [(r["got"], r["needed"], r["direction"]) for r in records[1:]] == [
        ("patch", "patch", "agrees"), ("minor", "major", "under"), ("minor", "minor", "agrees")]
    assert [c["subject"] for c in records[2]["needed_by"]] == ["feat: drop b"]
    assert records[2]["commits"] == 2

    ranged = run_cli("audit", "--repo", str(git_repo.path), "--releases", "--range", "v0.1.1..main",
                     "--format", "text", "--progress", "0")
    assert ranged.code == 0, ranged
    lines = ranged.out.splitlines()
    assert [line.split()[0] for line in lines] == ["v0.2.0", "0.3.0"]
    assert lines[0].startswith("v0.2.0     v0.1.1     got minor needed major under")
    assert "needed by" in lines[0]
    assert "feat: drop b" in lines[0]


def test_audit_by_release_markdown_and_usage(git_repo, run_cli, tmp_path):
    git_repo.commit("chore: initial import", {"pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.git("tag", "v1.0.0")
    git_repo.commit("fix: <img src=x> | pipe", {"pkg/core.py": "def a(): return 2\ndef b(): ...\n"})
    git_repo.git("tag", "v1.0.1")
    md = tmp_path / "releases.md"
    result = run_cli("audit", "--repo", str(git_repo.path), "--releases", "--markdown", str(md), "--progress", "0")
    assert result.code == 0, result
    table = md.read_text()
    assert "1 release(s) compared; 0 got a smaller bump than their changes needed." in table
    assert "| `v1.0.1` | `v1.0.0` | patch | patch | agrees | 1 |" in table
    assert "<img" not in cmarkgfm.github_flavored_markdown_to_html(table)
    assert run_cli("audit", "--repo", str(git_repo.path)).code == 2  # neither --range nor --releases
