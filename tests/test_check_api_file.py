"""`depgate check` and the committed API file (A910, the contract diff in the summary), on real temporary repos."""

from __future__ import annotations

import json
import re

import pytest

from gitrepo import GitRepo

PACKAGE = {
    "pkg/__init__.py": '''\
        from .core import Engine, build
        __all__ = ["Engine", "build"]
    ''',
    "pkg/core.py": '''\
        class Engine:
            def step(self, batch: int) -> float: ...

        def build(kind: str = "a") -> Engine: ...
    ''',
    "pkg/util.py": "def _helper(): ...\n",
}
#: `build` gains a required parameter: a breaking change the API file must show.
CHANGED_CORE = {"pkg/core.py": '''\
    class Engine:
        def step(self, batch: int) -> float: ...

    def build(kind: str = "a", *, size: int) -> Engine: ...
'''}


@pytest.fixture
def adopted(git_repo: GitRepo, run_cli) -> GitRepo:
    """A repository whose base keeps `api/pkg.api.md`, written by `depgate api --write`; a branch `change` on it."""
    git_repo.write(PACKAGE)
    result = run_cli("api", "--write", "--repo", str(git_repo.path))
    assert result.code == 0, result
    git_repo.commit("feat: start, with the API file")
    git_repo.branch("change")
    return git_repo


def check(run_cli, repo: GitRepo, fmt: str = "json") -> dict | str:
    result = run_cli("check", "--repo", str(repo.path), "--base", "main", "--format", fmt)
    assert result.code in (0, 1), result
    return json.loads(result.out) if fmt == "json" else result.out


def a910(report: dict) -> list[dict]:
    return [r for r in report["reasons"] if r["code"] == "A910"]


def test_api_changed_and_file_not_updated_is_a910_with_the_diff_in_the_summary(adopted, run_cli):
    adopted.commit("feat: build takes a size", CHANGED_CORE)
    report = check(run_cli, adopted)
    [finding] = a910(report)
    assert finding["path"] == "api/pkg.api.md"
    assert finding["severity"] == "warning"
    assert finding["details"]["state"] == "stale"
    assert "does not update it" in finding["message"]
    assert "depgate api --write" in finding["message"]
    # The line is the file's own line of `build`, where the annotation lands.
    lines = (adopted.path / "api/pkg.api.md").read_text().splitlines()
    assert lines[finding["line"] - 1] == "def pkg.build(kind: str = 'a') -> Engine"
    assert report["contract"]["stale"] == ["api/pkg.api.md"]
    assert report["contract"]["files"] == ["api/pkg.api.md"]
    # A910 is advice: the verdict is the API's (a breaking change), not the file's.
    assert report["verdict"] == "required"

    summary = check(run_cli, adopted, "markdown")
    assert "#### Public API file (1 file(s) changed)" in summary
    assert "> [!WARNING]\n> `api/pkg.api.md` does not match the public API of the code at head (A910)" in summary
    # The API file's own ``` fence is a context line of the diff, so the summary's fence is longer.
    block = re.search(r"\n(`{4,})diff\n(.*?)\n\1\n", summary, re.S)
    assert block is not None, summary
    assert block.group(2).startswith("--- a/api/pkg.api.md\n+++ b/api/pkg.api.md\n")
    assert "\n-def pkg.build(kind: str = 'a') -> Engine\n+def pkg.build(kind: str = 'a', *, size: int) -> Engine\n" \
        in block.group(2)

    text = check(run_cli, adopted, "text")
    assert "A910 [warning] the API file api/pkg.api.md does not match" in text


def test_updated_file_is_no_finding_and_the_summary_still_shows_the_api_change(adopted, run_cli):
    adopted.write(CHANGED_CORE)
    assert run_cli("api", "--write", "--repo", str(adopted.path)).code == 0
    adopted.commit("feat!: build takes a size")
    report = check(run_cli, adopted)
    assert a910(report) == []
    assert report["contract"]["stale"] == []
    assert report["contract"]["files"] == ["api/pkg.api.md"]
    summary = check(run_cli, adopted, "markdown")
    assert "[!WARNING]" not in summary
    assert "+def pkg.build(kind: str = 'a', *, size: int) -> Engine" in summary


def test_hand_edited_file_that_disagrees_is_a910(adopted, run_cli):
    path = adopted.path / "api/pkg.api.md"
    edited = path.read_text().replace("def pkg.build(kind: str = 'a') -> Engine",
                                      "def pkg.build(kind: str = 'a', *, size: int) -> Engine")
    # The code gains a keyword with a default, the file claims a required one: they disagree.
    adopted.commit("feat: build takes a size", {
        **CHANGED_CORE, "pkg/core.py": CHANGED_CORE["pkg/core.py"].replace("size: int", "size: int = 1"),
        "api/pkg.api.md": edited})
    [finding] = a910(check(run_cli, adopted))
    assert finding["details"]["state"] == "edited"
    assert "was edited, but it does not match" in finding["message"]
    assert path.read_text().splitlines()[finding["line"] - 1].startswith("def pkg.build(")


def test_file_edited_alone_without_a_python_change_is_checked_too(adopted, run_cli):
    path = adopted.path / "api/pkg.api.md"
    adopted.commit("docs: tidy", {"api/pkg.api.md": path.read_text().replace("class pkg.Engine", "class pkg.Motor")})
    [finding] = a910(check(run_cli, adopted))
    assert finding["details"]["state"] == "edited"


def test_deleted_file_is_a910(adopted, run_cli):
    adopted.commit("feat: build takes a size", {**CHANGED_CORE, "api/pkg.api.md": None})
    [finding] = a910(check(run_cli, adopted))
    assert finding["details"]["state"] == "missing"
    assert finding["line"] is None
    assert "was deleted by this change" in finding["message"]


def test_change_that_leaves_the_api_alone_is_quiet(adopted, run_cli):
    adopted.commit("fix: helper", {"pkg/util.py": "def _helper():\n    return 1\n"})
    report = check(run_cli, adopted)
    assert a910(report) == []
    assert report["contract"] == {"directory": "api", "files": [], "stale": [], "diff": "", "omitted": 0,
                                  "fence": "```"}
    assert "Public API file" not in check(run_cli, adopted, "markdown")


def test_work_tree_head_is_checked_from_disk(adopted, run_cli):
    adopted.write(CHANGED_CORE)  # not committed
    result = run_cli("check", "--repo", str(adopted.path), "--base", "main", "--head", "WORKTREE", "--format", "json")
    [finding] = a910(json.loads(result.out))
    assert finding["details"]["state"] == "stale"
    assert run_cli("api", "--write", "--repo", str(adopted.path)).code == 0
    result = run_cli("check", "--repo", str(adopted.path), "--base", "main", "--head", "WORKTREE", "--format", "json")
    assert a910(json.loads(result.out)) == []


def test_api_files_at_the_top_of_the_repository(git_repo, run_cli):
    git_repo.write({**PACKAGE, "pyproject.toml": '[tool.depgate.api]\ncontract-dir = "."\n'})
    assert run_cli("api", "--write", "--repo", str(git_repo.path)).code == 0
    git_repo.commit("feat: start")
    git_repo.branch("change")
    git_repo.write(CHANGED_CORE)
    result = run_cli("check", "--repo", str(git_repo.path), "--base", "main", "--head", "WORKTREE", "--format", "json")
    [finding] = a910(json.loads(result.out))
    assert finding["path"] == "pkg.api.md"
    git_repo.commit("feat: build takes a size")
    [finding] = a910(check(run_cli, git_repo))
    assert finding["path"] == "pkg.api.md"


def test_no_api_folder_means_nothing(git_repo, run_cli):
    git_repo.commit("feat: start", PACKAGE)
    git_repo.branch("change")
    git_repo.commit("feat: build takes a size", CHANGED_CORE)
    report = check(run_cli, git_repo)
    assert a910(report) == []
    assert "contract" not in report
    assert "Public API file" not in check(run_cli, git_repo, "markdown")


def test_a_file_the_contract_needs_that_does_not_parse_fails_closed(git_repo, run_cli):
    # The base keeps an API file, but a module every public name depends on does not parse; the change only touches
    # another module, so the API analysis has nothing to say about it: the contract cannot be made, and that fails
    # closed (A901, required), never a "current" or "stale" guess.
    git_repo.commit("feat: start", {**PACKAGE, "pkg/core.py": "class Engine(:\n", "api/pkg.api.md": "# anything\n"})
    git_repo.branch("change")
    git_repo.commit("fix: helper", {"pkg/util.py": "def _helper():\n    return 1\n"})
    report = check(run_cli, git_repo)
    assert a910(report) == []
    assert [(p["code"], p["path"], p["line"]) for p in report["problems"]] == [("A901", "pkg/core.py", 1)]
    assert report["verdict"] == "required"
    assert "contract" not in report


def test_broken_changed_file_is_reported_once(adopted, run_cli):
    adopted.commit("feat: oops", {"pkg/core.py": "def build(:\n"})
    report = check(run_cli, adopted)
    assert [p["code"] for p in report["problems"]] == ["A901"]
    assert a910(report) == []
    assert report["verdict"] == "required"


def test_configured_folder_is_used_by_check_and_api(git_repo, run_cli):
    config = {"pyproject.toml": '[tool.depgate.api]\ncontract-dir = "docs/api"\n'}
    git_repo.write({**PACKAGE, **config})
    assert run_cli("api", "--write", "--repo", str(git_repo.path)).code == 0
    assert (git_repo.path / "docs/api/pkg.api.md").is_file()
    assert not (git_repo.path / "api").exists()
    git_repo.commit("feat: start")
    git_repo.branch("change")
    git_repo.commit("feat: build takes a size", CHANGED_CORE)
    [finding] = a910(check(run_cli, git_repo))
    assert finding["path"] == "docs/api/pkg.api.md"
    # --output-dir still overrides the configuration for one run.
    assert run_cli("api", "--check", "--repo", str(git_repo.path), "--output-dir", "other").code == 1


@pytest.mark.parametrize("value", ["../outside", "/etc", "a/../../b"])
def test_contract_dir_outside_the_repository_is_a_configuration_error(git_repo, run_cli, value):
    git_repo.commit("feat: start", {**PACKAGE, "pyproject.toml": f'[tool.depgate.api]\ncontract-dir = "{value}"\n'})
    result = run_cli("api", "--write", "--repo", str(git_repo.path))
    assert result.code == 2, result
    assert "`api.contract-dir` must be a folder inside the repository" in result.err
    assert "Traceback" not in result.err


def test_backticks_in_a_value_cannot_close_the_summary_fence(adopted, run_cli):
    adopted.commit("feat: odd default", {"pkg/core.py": PACKAGE["pkg/core.py"].replace('"a"', '"````x"')})
    summary = check(run_cli, adopted, "markdown")
    block = re.search(r"\n(`{3,})diff\n(.*?)\n\1\n", summary, re.S)
    assert block is not None, summary
    fence, body = block.groups()
    # The API file fences itself with five backticks here; the summary's fence outgrows every run in the diff.
    assert len(fence) > max(len(run) for run in re.findall("`+", body)) >= 5
    assert "+def pkg.build(kind: str = '````x') -> Engine" in body


def test_the_diff_is_bounded(adopted, run_cli):
    many = "".join(f"def f{i}(x: int) -> int: ...\n" for i in range(600))
    names = ", ".join(f'"f{i}"' for i in range(600))
    adopted.commit("feat: many", {"pkg/many.py": many,
                                  "pkg/__init__.py": f"from .core import Engine, build\nfrom .many import *\n"
                                                     f"__all__ = [\"Engine\", \"build\", {names}]\n"})
    contract = check(run_cli, adopted)["contract"]
    from depgate.api.contract_check import MAX_DIFF_CHARS, MAX_DIFF_LINES

    kept = contract["diff"].splitlines()
    assert len(kept) <= MAX_DIFF_LINES
    assert len(contract["diff"]) <= MAX_DIFF_CHARS
    assert contract["omitted"] > 0
    assert len(kept) + contract["omitted"] > 1200  # every new function and its blank separator
    summary = check(run_cli, adopted, "markdown")
    assert f"… and {contract['omitted']} more line(s); `depgate api --diff BASE..HEAD` prints them all." in summary


def test_the_saved_report_reads_back_with_its_contract(adopted, run_cli):
    from depgate.report.load import parse_report

    adopted.commit("feat: build takes a size", CHANGED_CORE)
    result = run_cli("check", "--repo", str(adopted.path), "--base", "main", "--format", "json")
    loaded = parse_report(result.out.encode()).report
    assert loaded.contract is not None
    assert loaded.contract.as_dict() == json.loads(result.out)["contract"]
    assert [r.code for r in loaded.reasons if r.code == "A910"] == ["A910"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("stale", ["../x.api.md"], "contract.stale[0] must be a path inside the repository"),
    ("diff", "x" * 20_001, "contract.diff must be at most 20000 characters"),
    ("omitted", -1, "contract.omitted"),
])
def test_a_forged_contract_in_a_saved_report_is_refused(adopted, run_cli, field, value, message):
    from depgate.report.load import ReportError, parse_report

    adopted.commit("feat: build takes a size", CHANGED_CORE)
    document = json.loads(run_cli("check", "--repo", str(adopted.path), "--base", "main", "--format", "json").out)
    document["contract"][field] = value
    with pytest.raises(ReportError, match=re.escape(message)):
        parse_report(json.dumps(document).encode())
