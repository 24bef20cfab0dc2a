"""`depgate check` reads its configuration at the base branch's tip and diffs from the merge-base.

The merge-base is chosen by the pull request: a branch started from an old commit must not be judged by
that commit's (looser) configuration. The diff, on the other hand, must start at the merge-base, so work
merged into the base branch after the branch point is not attributed to the pull request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depgate.commands.audit import audit_commit
from depgate.commands.check import resolve_range, trusted_sha
from depgate.git import Git
from gitrepo import GitRepo

PACKAGE = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "0.1.0"\n',
    "pkg/__init__.py": 'from pkg.core import helper, run\n\n__all__ = ["helper", "run"]\n',
    "pkg/core.py": "def run(x, y):\n    return x + y\n\n\ndef helper():\n    return 1\n",
}
# The old configuration: any pull request labelled `skip-dep` passes without a DEP.
LOOSE = "verdict:\n  override-labels: [skip-dep]\n"
# Today's configuration on main: no label overrides the requirement.
STRICT = "verdict:\n  override-labels: []\n  summary-template: .github/summary.md.j2\n"
TEMPLATE = "Summary from the tip of main: {{ report.verdict }}\n"
BREAK_RUN = {"pkg/core.py": "def run(x):\n    return x\n\n\ndef helper():\n    return 1\n"}


@pytest.fixture
def history(tmp_path) -> dict[str, str]:
    """main: old (loose config) -> tightened (strict config, helper removed); `feature` breaks `run` from old."""
    repo = GitRepo.init(tmp_path / "repo")
    old = repo.commit("feat: start", {**PACKAGE, ".github/depgate.yml": LOOSE})
    tightened = repo.commit("chore: stricter depgate; drop helper", {
        ".github/depgate.yml": STRICT, ".github/summary.md.j2": TEMPLATE,
        "pkg/__init__.py": 'from pkg.core import run\n\n__all__ = ["run"]\n',
        "pkg/core.py": "def run(x, y):\n    return x + y\n",
    })
    repo.branch("feature", old)
    head = repo.commit("fix: simplify run", BREAK_RUN)
    return {"repo": str(repo.path), "old": old, "tightened": tightened, "head": head}


def _check(run_cli, history, *args: str):
    result = run_cli("check", "--repo", history["repo"], "--head", "feature", "--labels", "skip-dep",
                     "--format", "json", *args)
    return result, json.loads(result.out) if result.out.startswith("{") else None


def test_the_base_tips_configuration_judges_a_branch_from_an_old_commit(run_cli, history):
    result, data = _check(run_cli, history, "--base", "main")
    assert result.code == 1, result
    assert data["verdict"] == "required"
    assert data["satisfied"] is False
    assert data["override"] is None  # `skip-dep` is no override under main's configuration


def test_the_old_configuration_would_have_let_it_pass(run_cli, history):
    """The same change with the old commit as the base (its configuration at the tip): the label overrides."""
    result, data = _check(run_cli, history, "--base", history["old"])
    assert result.code == 0, result
    assert data["verdict"] == "required"
    assert data["override"]["source"] == "label"


def test_the_diff_still_starts_at_the_merge_base(run_cli, history):
    _result, data = _check(run_cli, history, "--base", "main")
    assert data["base"] == {"rev": "main", "sha": history["old"]}  # the JSON names the merge-base, as before
    assert [f["path"] for f in data["files"]] == ["pkg/core.py"]  # not main's config, template or helper
    symbols = {c["symbol"] for c in data["changes"]}
    assert "pkg.run" in symbols or "pkg.core.run" in symbols
    assert not any("helper" in symbol for symbol in symbols)  # removed on main, never touched by the branch


def test_the_summary_template_comes_from_the_base_tip(run_cli, history):
    """`verdict.summary-template` names a file added on main after the branch point: it is read at the tip."""
    result = run_cli("check", "--repo", history["repo"], "--base", "main", "--head", "feature",
                     "--format", "markdown")
    assert result.code == 1, result
    assert result.out == "Summary from the tip of main: required\n"


def test_resolve_range_keeps_the_tip_and_the_merge_base(history):
    git = Git(history["repo"])
    base, head = resolve_range(git, "main", "feature")
    assert (base.rev, base.sha, base.tip) == ("main", history["old"], history["tightened"])
    assert trusted_sha(base) == history["tightened"]
    assert (head.sha, head.tip) == (history["head"], None)
    assert "tip" not in base.as_dict()


def test_audit_reads_each_merge_at_its_first_parent(history):
    """A first-parent commit's base is its parent, both the tip the change merged into and its merge-base."""
    git = Git(history["repo"])
    record, report = audit_commit(git, history["tightened"], None)
    assert report is not None, record
    assert report.base.sha == report.base.tip == history["old"]


@pytest.mark.parametrize("config_input", [{}, {"config": ".github/depgate.yml"}], ids=["found", "config input"])
@pytest.mark.parametrize(("base_key", "code"), [("tightened", 1), ("old", 0)], ids=["main's tip", "old commit"])
def test_the_action_reads_the_configuration_at_the_events_base_sha(tmp_path, history, config_input, base_key, code):
    """The event's base sha is the base branch's tip: its configuration judges the pull request, also for `config`."""
    from actionrepo import pull_request_event
    from test_github_action import run_action

    event = pull_request_event("missing", history[base_key], history["head"], labels=("skip-dep",))
    run = run_action(tmp_path, None, history["repo"], event, **config_input)
    assert run.code == code, run
    assert run.outputs["verdict"] == "required"
    report = json.loads(Path(run.outputs["report"]).read_text(encoding="utf-8"))
    assert report["base"]["sha"] == history["old"]  # the merge-base, whichever tip the event names
    assert [f["path"] for f in report["files"]] == ["pkg/core.py"]
