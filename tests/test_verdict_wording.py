"""Next steps a user can act on, in the repository's own words (real repositories, whole `depgate check` runs).

Each false alarm removed has the real case beside it: a Draft DEP is no longer answered with "write a DEP",
but a change with no DEP still is; a DEP with lint errors no longer satisfies, but a clean one still does.
"""

from __future__ import annotations

import json
import re

import cmarkgfm

from gitrepo import GitRepo

RFC_CONFIG = "proposals:\n  prefix: RFC\n  directory: rfcs\n"
INIT = "from .core import Base\n__all__ = ['Base']\n"
CORE = "class Base:\n    pass\n"
# A new ABC: a change that requires a proposal.
ABC = {"pkg/__init__.py": "from .core import Base\nfrom .policy import Policy\n__all__ = ['Base', 'Policy']\n",
       "pkg/policy.py": "import abc\n\n\nclass Policy(abc.ABC):\n    @abc.abstractmethod\n    def run(self): ...\n"}


def rfc(number: int, status: str, title: str = "Offload") -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @someone\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n---\n\n# RFC-{number:04d}: {title}\n\n## Abstract\n\nText.\n\n## Motivation\n\n"
            "Why.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n## Backward Compatibility\n\nFine.\n\n"
            "## Alternatives Considered\n\nNone.\n")


def _rfc_repo(repo: GitRepo, docs: dict[str, str]) -> None:
    repo.commit("initial", {".github/depgate.yml": RFC_CONFIG, "pkg/__init__.py": INIT, "pkg/core.py": CORE,
                            "rfcs/TEMPLATE.md": "---\nDEP: <n>\n---\n", **docs})
    repo.branch("pr")


def _check(run_cli, repo: GitRepo, *args: str) -> tuple[int, str, dict, str]:
    base = ("--repo", str(repo.path), "--base", "main", *args)
    text = run_cli("check", *base)
    data = json.loads(run_cli("check", *base, "--format", "json").out)
    markdown = run_cli("check", *base, "--format", "markdown").out
    return text.code, text.out, data, markdown


def _steps(text: str) -> list[str]:
    return [line[4:] for line in text.split("What to do next:\n", 1)[1].splitlines() if line.startswith("  - ")]


def test_an_rfc_repository_is_spoken_to_in_its_own_words(git_repo: GitRepo, run_cli) -> None:
    _rfc_repo(git_repo, {"rfcs/0003-a.md": rfc(3, "Accepted", "A"), "rfcs/0007-b.md": rfc(7, "Implemented", "B"),
                         "rfcs/0009-c.md": rfc(9, "Rejected", "C")})
    git_repo.commit("feat: a policy", ABC)
    code, text, data, markdown = _check(run_cli, git_repo)
    assert code == 1
    assert text.startswith("[required] An RFC is required, and no RFC that satisfies it is linked.")
    assert "require an RFC" in text  # V101 too
    assert "no RFC is linked" in text
    assert data["next_steps"] == ["write-dep", "link-dep", "override"]
    assert data["proposals"]["next_path"] == "rfcs/0010-<slug>.md"  # after the highest number, even a Rejected one
    assert data["proposals"]["example"] == "RFC-0007"  # the latest accepted one, not a constant
    assert _steps(text) == [
        'Write an RFC: run `depgate new "<title>"`, which creates `rfcs/0010-<slug>.md`, fill it in and add it to '
        "this change.",
        "Or link an accepted RFC: write its number in the title or body, e.g. `RFC-0007`.",
        # The default marker follows the prefix (`RFC: none`); the step shows the line it really accepts.
        "Or record why none is needed: add a line `RFC: none — <reason>` to the body (or the label "
        "`rfc-not-needed`); it is recorded and shown here.",
    ]
    assert "deps/" not in text
    assert "DEP-0008" not in text + markdown
    assert "DEP" not in text  # group titles and headings too ("RFC links and process", "RFCs involved")
    assert "DEP" not in markdown
    assert "#### RFC links and process" in markdown
    steps_md = markdown.split("#### What to do next", 1)[1]
    assert "`rfcs/0010-<slug>.md`" in steps_md
    assert "`RFC-0007`" in steps_md
    html = cmarkgfm.github_flavored_markdown_to_html(steps_md)
    assert html.count("<li>") == 3


def test_a_marker_in_the_repositorys_prefix_is_shown_as_written(git_repo: GitRepo, run_cli) -> None:
    marker = r"(?im)^\s*RFC:\s*none\s*[-—–:]+\s*(?P<reason>\S.*)$"
    config = RFC_CONFIG + f"verdict:\n  override-marker: '{marker}'\n  override-labels: [rfc-not-needed]\n"
    git_repo.commit("initial", {".github/depgate.yml": config, "pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.branch("pr")
    git_repo.commit("feat: a policy", ABC)
    _, text, data, _ = _check(run_cli, git_repo)
    # No accepted RFC exists, so there is nothing to link: only writing one, or the override, is offered.
    assert data["next_steps"] == ["write-dep", "override"]
    assert _steps(text)[-1] == ("Or record why none is needed: add a line `RFC: none — <reason>` to the body (or "
                                "the label `rfc-not-needed`); it is recorded and shown here.")
    assert _steps(text)[0].startswith(
        "Write an RFC: run `depgate new \"<title>\"`, which creates `rfcs/0001-<slug>.md`")


def test_a_custom_marker_is_named_rather_than_invented(git_repo: GitRepo, run_cli) -> None:
    config = "verdict:\n  override-marker: '(?m)^skip-design-review: (?P<reason>.+)$'\n"
    git_repo.commit("initial", {".github/depgate.yml": config, "pkg/__init__.py": INIT, "pkg/core.py": CORE})
    git_repo.branch("pr")
    git_repo.commit("feat: a policy", ABC)
    _, text, _, _ = _check(run_cli, git_repo)
    assert "add a line matching `verdict.override-marker` (`(?m)^skip-design-review: (?P<reason>.+)$`)" in text
    assert "none — <reason>" not in text


def test_a_draft_dep_is_answered_with_accept_it_not_write_one(git_repo: GitRepo, run_cli) -> None:
    _rfc_repo(git_repo, {"rfcs/0003-a.md": rfc(3, "Accepted", "A"), "rfcs/0008-offload.md": rfc(8, "Draft")})
    git_repo.commit("feat: a policy (RFC-0008)", ABC)
    code, text, data, _ = _check(run_cli, git_repo)
    assert code == 1
    assert data["next_steps"] == ["accept-dep", "override"]
    assert {d["label"]: d["problem"] for d in data["deps"]} == {"RFC-0008": "V104"}
    steps = _steps(text)
    assert steps[0].startswith("Accept RFC-0008 (`rfcs/0008-offload.md`): it is linked but its status is Draft, "
                               "which does not satisfy the requirement. Set its `Status: Accepted` in a pull request "
                               "of its own")
    assert not any("Write a" in s or "link an accepted" in s for s in steps)


def test_next_to_it_a_change_with_no_dep_is_still_asked_to_write_one(git_repo: GitRepo, run_cli) -> None:
    _rfc_repo(git_repo, {"rfcs/0003-a.md": rfc(3, "Accepted", "A"), "rfcs/0008-offload.md": rfc(8, "Draft")})
    git_repo.commit("feat: a policy", ABC)
    _, _, data, _ = _check(run_cli, git_repo)
    assert data["next_steps"] == ["write-dep", "link-dep", "override"]


def test_an_added_dep_with_lint_errors_does_not_satisfy_and_the_errors_are_listed(git_repo: GitRepo, run_cli) -> None:
    _rfc_repo(git_repo, {"rfcs/0003-a.md": rfc(3, "Accepted", "A")})
    broken = rfc(4, "Drafty").replace("## Motivation\n\nWhy.\n\n", "")
    git_repo.commit("feat: a policy", {**ABC, "rfcs/0004-policy.md": broken})
    code, text, data, markdown = _check(run_cli, git_repo)
    assert code == 1
    assert data["satisfied"] is False
    assert data["next_steps"][0] == "fix-dep-lint"
    assert "write-dep" not in data["next_steps"]
    (dep,) = data["deps"]
    assert (dep["label"], dep["satisfies"], dep["problem"]) == ("RFC-0004", False, "V113")
    errors = [(f["path"], f["line"], f["code"]) for f in data["findings"] if f["severity"] == "error"]
    assert errors
    v113 = next(r for r in data["reasons"] if r["code"] == "V113")
    for path, line, rule in errors:
        assert f"{path}:{line} {rule}" in v113["message"]
        assert re.search(rf"^      - `{re.escape(path)}:{line}` `{rule}` \S", text, re.M), text
    assert "**Fix the lint errors in RFC\\-0004**" in markdown
    assert markdown.splitlines()[0] == "### ❌ depgate: RFC required — no RFC linked"


def test_next_to_it_a_clean_added_dep_still_satisfies(git_repo: GitRepo, run_cli) -> None:
    _rfc_repo(git_repo, {"rfcs/0003-a.md": rfc(3, "Accepted", "A")})
    git_repo.commit("feat: a policy", {**ABC, "rfcs/0004-policy.md": rfc(4, "Draft")})
    code, _, data, _ = _check(run_cli, git_repo)
    assert code == 0
    assert data["satisfied"] is True
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    assert data["next_steps"] == []
