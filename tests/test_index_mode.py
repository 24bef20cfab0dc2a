"""The action's scheduled `index` mode (DEP-0005): repairs and the index in one pull request it keeps true.

Real git repositories with scripted d9d-like histories, the action run in-process, the fake GitHub API.
"""

from __future__ import annotations

import json
import re

import cmarkgfm
import pytest

from actionrepo import REPOSITORY
from depgate.config import Config
from depgate.github import action
from depgate.github.comment import MAX_COMMENT_CHARS
from depgate.proposals.evidence import Evidence, EvidenceKind, ProposalState, Repair, StatusReport, Strength
from fakegithub import FakeGitHub, check_against_openapi
from gitrepo import GitRepo
from test_github_action import run_action

ROPE = "deps/0005-dep-scaled-rope.md"
HOOKS = "deps/0006-dep-event-hooks.md"
PUSH = {"repository": {"default_branch": "main", "full_name": REPOSITORY}}
HOSTILE = "Rope | x <img src=x onerror=alert(1)> @octo-org/admins ![p](https://evil.example/p.png)"


def dep(number: int, title: str, status: str, body: str) -> str:
    """A d9d-like proposal: `Author: @handle` (not valid YAML), the six standard header keys."""
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @mrapplexz\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-02\n---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\n{body}\n\n"
            "## Motivation\n\nWhy.\n")


def d9d(tmp_path, rope_title: str = "Scaled RoPE") -> GitRepo:
    """DEP-0005 implemented by a squash merge that cites it (linked: S102, applied); DEP-0006 implemented by a
    change that adds the symbol it names without citing it (inferred: S103, left to a person)."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("chore: start", {
        "pyproject.toml": '[project]\nname = "d9d"\nversion = "0.1.0"\n',
        "d9d/__init__.py": "__all__: list[str] = []\n",
        "deps/TEMPLATE.md": "---\nDEP: <Leave blank for maintainers>\n---\n",
    }, date="2026-01-01")
    repo.commit("docs: add scaled rope proposal (#34)", {ROPE: dep(5, rope_title, "Accepted", "Adds `ScaledRope`.")},
                date="2026-01-02")
    repo.commit("docs: add event hooks proposal (#36)",
                {HOOKS: dep(6, "Event hooks", "Accepted", "Adds `EventHook` to `d9d.hooks`.")}, date="2026-01-03")
    repo.commit("feat: add scaled rope (#35)\n\nImplements DEP-0005.", {
        "d9d/rope/__init__.py": "from d9d.rope.scaled import ScaledRope\n\n__all__ = [\"ScaledRope\"]\n",
        "d9d/rope/scaled.py": "class ScaledRope:\n    def __call__(self, x):\n        return x\n",
    }, date="2026-01-05")
    repo.commit("feat: add event hooks (#37)", {
        "d9d/hooks/__init__.py": "from d9d.hooks.core import EventHook\n\n__all__ = [\"EventHook\"]\n",
        "d9d/hooks/core.py": "class EventHook:\n    pass\n",
    }, date="2026-01-06")
    return repo


def fresh_checkout(repo: GitRepo) -> None:
    """What the next scheduled run starts from: the branch's tip, nothing else."""
    repo.git("reset", "-q", "--hard")
    repo.git("clean", "-q", "-fdx")


def index_run(tmp_path, fake: FakeGitHub | None, repo: GitRepo, name: str = "run"):
    if fake is not None:
        fake.add_git_commit(repo.path, "HEAD", branch="main")
    return run_action(tmp_path / name, fake, repo.path, PUSH, mode="index")


def body_of(fake: FakeGitHub, number: int) -> str:
    return fake.pulls[number]["body"]


def test_first_run_opens_one_pull_request_with_the_index_and_the_repair_in_one_commit(tmp_path, fake):
    repo = d9d(tmp_path)
    main = repo.git("rev-parse", "HEAD")
    run = index_run(tmp_path, fake, repo)
    assert run.code == 0, run
    assert (run.outputs["changed"], run.outputs["repairs"]) == ("true", "1")
    number = int(run.outputs["pull-request"])
    assert fake.count("POST", r"/git/commits$") == 1
    (commit,) = [sha for sha, c in fake.commits.items() if c["parents"] == [main]]
    assert fake.refs["depgate/index"] == commit
    on_branch = fake.branch_files("depgate/index")
    on_main = fake.branch_files("main")
    assert sorted(path for path in on_branch if on_branch[path] != on_main.get(path)) == [
        ROPE, "deps/INDEX.md", "deps/index.json"]
    # The linked repair is applied; the inferred one is not.
    assert "Status: Implemented\n" in on_branch[ROPE]
    assert re.search(r"^Implementation: #35$", on_branch[ROPE], re.M)
    assert on_branch[HOOKS] == on_main[HOOKS]
    # The index is rendered from the repaired documents.
    (row,) = [line for line in on_branch["deps/INDEX.md"].splitlines() if "0005" in line and "|" in line]
    assert "Implemented" in row
    entries = {p["number"]: p for p in json.loads(on_branch["deps/index.json"])["proposals"]}
    assert (entries[5]["status"], entries[6]["status"]) == ("Implemented", "Accepted")
    # The work tree holds the same files for later steps.
    assert (repo.path / ROPE).read_text() == on_branch[ROPE]
    # The body: what was regenerated, the repair with its evidence, and what needs a person.
    body = body_of(fake, number)
    applied, person = body.split("### Needs a person")
    assert "`deps/INDEX.md`" in applied
    assert "`deps/index.json`" in applied
    assert "S102" in applied
    assert "#35" in applied
    assert "S103" not in applied
    assert "S103" in person
    assert "#37" in person
    assert fake.pulls[number]["title"] == "docs: regenerate the DEP index and repair 1 DEP status(es)"
    assert fake.commits[commit]["message"].startswith(fake.pulls[number]["title"])
    assert fake.pulls[number]["head"]["ref"] == "depgate/index"
    assert check_against_openapi(fake.requests) == []


def test_a_second_run_with_nothing_new_commits_nothing_and_leaves_the_pull_request(tmp_path, fake):
    repo = d9d(tmp_path)
    first = index_run(tmp_path, fake, repo, "first")
    number = first.outputs["pull-request"]
    body = body_of(fake, int(number))
    writes = len(fake.writes())
    fresh_checkout(repo)
    again = index_run(tmp_path, fake, repo, "again")
    assert again.code == 0, again
    assert (again.outputs["changed"], again.outputs["pull-request"]) == ("true", number)
    assert len(fake.writes()) == writes
    assert body_of(fake, int(number)) == body
    assert f"pull request #{number}: unchanged, branch already current" in again.summary


def test_the_default_branch_moving_on_without_touching_the_files_changes_nothing(tmp_path, fake):
    # Idempotent across unrelated merges: no commit and no body edit each time the default branch moves. The test
    # after this one is the real change beside it: a new repair does move the branch.
    repo = d9d(tmp_path)
    first = index_run(tmp_path, fake, repo, "first")
    number = int(first.outputs["pull-request"])
    built_on = fake.commits[fake.refs["depgate/index"]]["parents"]
    body, writes = body_of(fake, number), len(fake.writes())
    fresh_checkout(repo)
    repo.commit("docs: readme (#40)", {"README.md": "Hello.\n"}, date="2026-01-08")
    again = index_run(tmp_path, fake, repo, "again")
    assert again.code == 0, again
    assert again.outputs["pull-request"] == str(number)
    assert len(fake.writes()) == writes
    assert fake.commits[fake.refs["depgate/index"]]["parents"] == built_on
    assert body_of(fake, number) == body


def test_a_new_repair_on_the_default_branch_moves_the_branch_and_edits_the_body(tmp_path, fake):
    repo = d9d(tmp_path)
    first = index_run(tmp_path, fake, repo, "first")
    number = int(first.outputs["pull-request"])
    fresh_checkout(repo)
    repo.commit("feat: event hooks, as DEP-0006 says (#38)", {"d9d/hooks/core.py": "class EventHook:\n    x = 1\n"},
                date="2026-01-08")
    again = index_run(tmp_path, fake, repo, "again")
    assert (again.outputs["repairs"], again.outputs["pull-request"]) == ("2", str(number))
    assert fake.commits[fake.refs["depgate/index"]]["parents"] == [repo.git("rev-parse", "HEAD")]
    assert "Status: Implemented\n" in fake.branch_files("depgate/index")[HOOKS]
    assert "#38" in body_of(fake, number)
    assert len([p for p in fake.pulls.values() if p["state"] == "open"]) == 1


def test_the_default_branch_fixed_by_hand_closes_the_pull_request_with_a_comment(tmp_path, fake):
    repo = d9d(tmp_path)
    first = index_run(tmp_path, fake, repo, "first")
    number = int(first.outputs["pull-request"])
    carried = fake.branch_files("depgate/index")
    fresh_checkout(repo)
    # A maintainer fixes the status and the index on main themselves.
    repo.commit("docs: DEP-0005 is implemented", {path: carried[path] for path in (ROPE, "deps/INDEX.md",
                                                                                  "deps/index.json")},
                date="2026-01-09")
    run = index_run(tmp_path, fake, repo, "again")
    assert run.code == 0, run
    assert (run.outputs["changed"], run.outputs["pull-request"], run.outputs["repairs"]) == ("false", "", "0")
    assert fake.pulls[number]["state"] == "closed"
    (comment,) = fake.comments_on(number)
    assert "`main` already holds everything" in comment["body"]
    assert "depgate/index" not in fake.refs
    assert f"pull request #{number} closed" in run.summary
    assert check_against_openapi(fake.requests) == []
    # Nothing open any more: the next run only reads.
    writes = len(fake.writes())
    index_run(tmp_path, fake, repo, "third")
    assert len(fake.writes()) == writes


def test_a_hostile_title_stays_inert_in_the_body(tmp_path, fake):
    repo = d9d(tmp_path, rope_title=HOSTILE)
    run = index_run(tmp_path, fake, repo)
    assert run.code == 0, run
    body = body_of(fake, int(run.outputs["pull-request"]))
    assert "Rope \\| x" in body  # the title is there, escaped
    html = cmarkgfm.github_flavored_markdown_to_html(body)
    assert "<img" not in html
    assert 'href="https://evil.example' not in html
    assert 'src="https://evil.example' not in html
    assert "@octo-org/admins" not in body  # no mention
    assert not [line for line in run.stdout.splitlines() if line.startswith("::") and "onerror" in line.split("::")[1]]


def test_without_a_token_the_work_tree_is_repaired_and_nothing_is_sent(tmp_path):
    repo = d9d(tmp_path)
    run = index_run(tmp_path, None, repo)
    assert run.code == 0, run
    assert (run.outputs["changed"], run.outputs["repairs"], run.outputs["pull-request"]) == ("true", "1", "")
    assert "no token" in run.summary
    assert "Status: Implemented\n" in (repo.path / ROPE).read_text()
    assert "S103" in run.summary  # what needs a person is in the job summary too


def test_a_read_only_token_is_a_warning_not_a_failure(tmp_path, fake):
    repo = d9d(tmp_path)
    fake.fail("POST", r"/git/trees$", 403, message="Resource not accessible by integration")
    run = index_run(tmp_path, fake, repo)
    assert run.code == 0, run
    assert (run.outputs["changed"], run.outputs["pull-request"]) == ("true", "")
    assert "read-only" in run.summary.replace("\\", "")
    assert "::warning" in run.stdout
    assert "depgate/index" not in fake.refs
    assert fake.count("POST", r"/pulls$") == 0


def test_the_api_down_is_reported_and_the_index_still_regenerated(tmp_path, fake):
    repo = d9d(tmp_path)
    fake.add_git_commit(repo.path, "HEAD", branch="main")
    fake.fail("GET", r".*", 502)
    run = run_action(tmp_path, fake, repo.path, PUSH, mode="index")
    assert run.code == 0, run
    assert run.outputs["changed"] == "true"
    assert "The GitHub API did not do everything" in run.summary
    assert fake.writes() == []
    assert (repo.path / "deps/INDEX.md").is_file()


def test_a_document_whose_header_cannot_be_edited_is_left_to_a_person(tmp_path, fake, monkeypatch):
    from depgate.errors import UsageError

    def refuse(data, repairs, *, path, include_inferred=False):
        raise UsageError("the header has two Status lines", path=path)

    monkeypatch.setattr("depgate.proposals.repair.apply_repairs", refuse)
    repo = d9d(tmp_path)
    run = index_run(tmp_path, fake, repo)
    assert run.code == 0, run
    assert run.outputs["repairs"] == "0"
    assert ROPE not in [p for p, t in fake.branch_files("depgate/index").items()
                        if t != fake.branch_files("main").get(p)]
    body = body_of(fake, int(run.outputs["pull-request"]))
    assert "two Status lines" in body.split("### Needs a person")[1]
    assert any(line.startswith("::warning") and "two Status lines" in line for line in run.stdout.splitlines())


# -- the body's bound ------------------------------------------------------------------------------------------------


def _state(n: int) -> ProposalState:
    evidence = Evidence(EvidenceKind.REFERENCED, Strength.LINKED, f"{n:040x}", "2026-01-05", "feat: x", pull=n)
    repair = Repair("S102", "Implemented", (f"#{n}",), Strength.LINKED, f"implemented by #{n} " + "x" * 150)
    return ProposalState(path=f"deps/{n:04d}-dep-x.md", number=n, label=f"DEP-{n:04d}", title="@octocat " + "T" * 90,
                         status="Accepted", proposed="Implemented", evidence=(evidence,), repairs=(repair,))


@pytest.mark.parametrize("overview_size", [0, 200_000])
def test_the_body_stays_under_githubs_limit(overview_size):
    import datetime as dt

    states = [_state(n) for n in range(1, 501)]
    report = StatusReport("main", "a" * 40, dt.date(2026, 3, 1), tuple(states))
    plan = action._IndexPlan(files={"deps/INDEX.md": "x"}, regenerated=["deps/INDEX.md"],
                             repaired=[(s, s.repairs) for s in states], report=report,
                             notes=["@octo-org/admins " + "n" * 250] * 300)
    body = action._index_body(plan, Config(), branch="main", base_sha="a" * 40, overview="o" * overview_size)
    assert len(body) <= MAX_COMMENT_CHARS
    assert "S102" in body
    assert "@\u200boctocat" in body  # the title is shown, its mention broken
    assert not re.search(r"@[A-Za-z]", body)
    if overview_size:
        assert body.rstrip().endswith("`depgate status` lists everything.")
    else:
        assert "more proposal(s)" in body  # fewer rows, the rest counted


def test_a_shallow_checkout_applies_no_repair(tmp_path):
    # The oldest commit of a shallow clone seems to add code and proposals together: no repair may come of it.
    repo = d9d(tmp_path)
    shallow = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))
    run = run_action(tmp_path / "run", None, shallow, PUSH, mode="index")
    assert run.code == 0, run
    assert run.outputs["repairs"] == "0"
    assert (shallow / ROPE).read_text() == (repo.path / ROPE).read_text()
    assert any(line.startswith("::warning") and "fetch-depth: 0" in line for line in run.stdout.splitlines())


# -- what the job refuses to carry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["untracked", "modified", "deleted"])
def test_a_proposals_folder_that_differs_from_the_commit_is_refused(tmp_path, fake, change):
    # The index is read from the work tree, the commit carries HEAD's documents: they must be the same.
    repo = d9d(tmp_path)
    if change == "untracked":
        repo.write({"deps/0007-dep-late.md": dep(7, "Late", "Draft", "Written by an earlier step.")})
        named = "deps/0007-dep-late.md"
    elif change == "modified":
        repo.write({HOOKS: dep(6, "Event hooks, edited", "Accepted", "Adds `EventHook`.")})
        named = HOOKS
    else:
        repo.write({HOOKS: None})
        named = HOOKS
    before = {path: (repo.path / path).read_bytes() for path in (ROPE, "deps/TEMPLATE.md")}
    run = index_run(tmp_path, fake, repo)
    assert run.code == 2, run
    (error,) = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert f"file={named}" in error or named in error
    assert "clean checkout" in error
    assert "could not run" in run.summary
    assert fake.writes() == []
    assert {path: (repo.path / path).read_bytes() for path in before} == before  # no repair written either
    assert not (repo.path / "deps/INDEX.md").exists()


def test_files_the_index_does_not_read_are_not_refused(tmp_path, fake):
    repo = d9d(tmp_path)
    repo.write({"deps/notes.txt": "not a proposal\n", "deps/.0005-dep-scaled-rope.md.swp": "editor\n",
                "deps/drafts/0009-dep-later.md": dep(9, "Later", "Draft", "Not in the folder itself.")})
    run = index_run(tmp_path, fake, repo)
    assert run.code == 0, run
    assert run.outputs["repairs"] == "1"
    assert "0005" in fake.branch_files("depgate/index")["deps/INDEX.md"]


def test_a_checkout_that_is_not_the_default_branchs_tip_is_refused(tmp_path, fake):
    # A manual run from a feature branch: the commit would go on that branch's tip and carry its changes.
    origin = d9d(tmp_path)
    clone = GitRepo(tmp_path / "clone")
    origin.git("clone", "-q", str(origin.path), str(clone.path))
    clone.git("checkout", "-q", "-b", "feature")
    clone.commit("feat: something unmerged", {"d9d/extra.py": "X = 1\n"})
    fake.add_git_commit(origin.path, "HEAD", branch="main")
    run = run_action(tmp_path / "run", fake, clone.path, PUSH, mode="index")
    assert run.code == 2, run
    assert "origin/main is" in run.summary
    assert "index-base" in run.summary
    assert fake.writes() == []
    # The default branch's own checkout is fine.
    clone.git("checkout", "-q", "main")
    again = run_action(tmp_path / "again", fake, clone.path, PUSH, mode="index")
    assert again.code == 0, again
    assert again.outputs["repairs"] == "1"


def test_a_commit_pushed_to_the_index_branch_is_dropped_and_the_pull_request_told(tmp_path, fake):
    repo = d9d(tmp_path)
    first = index_run(tmp_path, fake, repo, "first")
    number = int(first.outputs["pull-request"])
    ours = fake.refs["depgate/index"]
    body = body_of(fake, number)
    # Someone pushes a fix-up on top of depgate's commit.
    files = {**fake.branch_files("depgate/index"), "deps/INDEX.md": "hand edit\n"}
    theirs = fake.add_commit("f" * 40, files, parents=(ours,), message="docs: tweak the index by hand")
    fake.set_branch("depgate/index", theirs)
    fresh_checkout(repo)
    run = index_run(tmp_path, fake, repo, "again")
    assert run.code == 0, run
    rebuilt = fake.refs["depgate/index"]
    assert rebuilt != theirs
    assert fake.commits[rebuilt]["parents"] == [repo.git("rev-parse", "HEAD")]
    assert fake.branch_files("depgate/index")["deps/INDEX.md"] != "hand edit\n"
    (comment,) = fake.comments_on(number)
    assert "`ffffffffffff` was not made by depgate" in comment["body"]
    assert body_of(fake, number) == body  # the description holds nothing run-specific
    assert "was dropped" in run.summary
    assert any(line.startswith("::warning") and "ffffffffffff" in line for line in run.stdout.splitlines())
    assert check_against_openapi(fake.requests) == []
    # depgate's own tip is current: the third run writes nothing and comments no more.
    writes = len(fake.writes())
    fresh_checkout(repo)
    third = index_run(tmp_path, fake, repo, "third")
    assert "unchanged, branch already current" in third.summary
    assert len(fake.writes()) == writes
