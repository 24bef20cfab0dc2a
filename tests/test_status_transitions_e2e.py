"""Status changes in pull requests (DEP-0005), end to end: `depgate check`, the action's summary and comment, publish.

Real repositories shaped like d9d: proposals in `deps/` written in its header style, squash merges titled
`feat: add kv cache (#35)`, the configuration read from the base branch. Publish runs against the fake GitHub
API, whose requests are checked against GitHub's OpenAPI description.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionrepo import REPOSITORY, pull_request_event, workflow_run_event
from fakegithub import FakeGitHub, check_against_openapi
from gitrepo import GitRepo
from test_github_action import run_action
from test_publish_recompute import run_publish
from test_status_transitions import CACHE, PACKAGE, ROPE, dep_text

CONFIG = ".github/depgate.yml"
DECIDERS = 'status:\n  deciders: ["@alice", "@org/api-team"]\n'
#: A status value a hostile pull request could write: HTML, and a right-to-left override that reverses `exe.png`.
HOSTILE = "Accepted <img src=x> \u202egnp.exe"
ROPE_CODE = {"d9d/_rope.py": "def _scale(x):\n    return 2 * x\n"}
CACHE_CODE = {"d9d/_cache.py": "def _grow():\n    pass\n"}


def d9d_main(repo: GitRepo, config: str | None = None) -> GitRepo:
    """`main` with DEP-0005 (Draft) and DEP-0006 (Accepted), landed apart from any code; then a branch `pr`."""
    repo.commit("chore: initial", {**PACKAGE, **({CONFIG: config} if config else {})})
    repo.commit("docs: propose (#2)", {ROPE: dep_text(5, "Scaled Rope", "Draft"),
                                       CACHE: dep_text(6, "KV Cache", "Accepted")})
    repo.branch("pr")
    return repo


@pytest.fixture
def d9d(git_repo: GitRepo) -> GitRepo:
    return d9d_main(git_repo)


def check(run_cli, repo: GitRepo, *args: str, fmt: str = "json", base: str = "main", head: str = "HEAD"):
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", head, "--format", fmt, *args)
    assert result.code in (0, 1), result
    assert "Traceback" not in result.err
    return result.code, (json.loads(result.out) if fmt == "json" else result.out)


def status_codes(data: dict) -> list[str]:
    return [r["code"] for r in data["reasons"] if r["code"].startswith("V12")]


def merge_on_main(repo: GitRepo, message: str, files: dict) -> None:
    """Squash-merge a change into `main`, then start the pull request `pr` again from main's tip."""
    repo.checkout("main")
    repo.commit(message, files)
    repo.git("checkout", "-q", "-B", "pr", "main")


# -- d9d scenarios through depgate check -------------------------------------------------------------------------

def test_code_with_its_own_acceptance_fails_v121_and_the_next_step_asks_for_a_proposals_only_pull_request(
        run_cli, d9d):
    d9d.commit("feat: add scaled rope", {ROPE: dep_text(5, "Scaled Rope", "Accepted"), **ROPE_CODE})
    code, data = check(run_cli, d9d)
    assert (code, data["failed"], status_codes(data)) == (1, True, ["V121"])
    assert data["transitions"][0]["condition"] == "proposals-only"
    assert "fix-status" in data["next_steps"]
    _, text = check(run_cli, d9d, fmt="text")
    assert ("Accept DEP-0005 in a pull request of its own (`Draft -> Accepted`): Draft -> Accepted needs a pull "
            "request that changes only proposal documents, but the pull request also changes d9d/_rope.py.") in text
    assert f"open a pull request that changes only `{ROPE}`" in text
    assert "Meanwhile set `Status: Draft` back in this pull request." in text
    _, markdown = check(run_cli, d9d, fmt="markdown")
    assert markdown.startswith("### ❌ depgate: No DEP required — status change refused\n")
    assert "refuses the status change of DEP\\-0005 \\(Draft \\-\\> Accepted\\)" in markdown
    assert "| ❌ condition unmet (`V121`) |" in markdown


def test_acceptance_alone_passes_with_no_next_step(run_cli, d9d):
    d9d.commit("docs: accept DEP-0005", {ROPE: dep_text(5, "Scaled Rope", "Accepted")})
    code, data = check(run_cli, d9d)
    assert (code, status_codes(data), data["next_steps"]) == (0, [], [])
    _, markdown = check(run_cli, d9d, fmt="markdown")
    assert markdown.startswith("### 📝 depgate: Proposal\n")  # no refusal in the heading
    assert "refuses" not in markdown


def test_implemented_together_with_the_public_code_passes(run_cli, d9d):
    d9d.commit("feat: add KVCache (DEP-0006)", {
        CACHE: dep_text(6, "KV Cache", "Implemented"),
        "d9d/__init__.py": '"""d9d."""\n\nfrom d9d.cache import KVCache\n\n__all__ = ["KVCache"]\n',
        "d9d/cache.py": 'class KVCache:\n    """A cache."""\n',
    })
    code, data = check(run_cli, d9d)
    assert (code, data["failed"], status_codes(data)) == (0, False, [])
    assert data["verdict"] == "review"  # a public addition; the status change itself is fine
    assert [(t["label"], t["from"], t["to"], t["met"]) for t in data["transitions"]] == [
        ("DEP-0006", "Accepted", "Implemented", True)]
    assert "changes code (d9d/__init__.py, d9d/cache.py)" in data["transitions"][0]["reason"]


def test_docs_only_implemented_after_a_merge_that_cites_the_proposal_passes(run_cli, d9d):
    merge_on_main(d9d, "feat: add kv cache (#35)\n\nImplements DEP-0006.", CACHE_CODE)
    d9d.commit("docs: DEP-0006 is implemented", {CACHE: dep_text(6, "KV Cache", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code, status_codes(data)) == (0, [])
    assert data["transitions"][0]["reason"] == (
        "Accepted -> Implemented is allowed: the implementation is already on the base branch")


def test_docs_only_implemented_after_an_uncited_merge_fails_v121_pointing_at_depgate_status(run_cli, d9d):
    merge_on_main(d9d, "feat: add kv cache (#35)", CACHE_CODE)
    d9d.commit("docs: DEP-0006 is implemented", {CACHE: dep_text(6, "KV Cache", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code, status_codes(data)) == (1, ["V121"])
    reason = data["transitions"][0]["reason"]
    assert "no code change cites DEP-0006 in its title or message" in reason
    assert "`depgate status` shows the evidence" in reason
    assert "shallow" not in reason
    _, text = check(run_cli, d9d, fmt="text")
    assert "Mark DEP-0006 Implemented with or after its implementation (`Accepted -> Implemented`)" in text
    assert "Meanwhile set `Status: Accepted` back in this pull request." in text


@pytest.mark.parametrize("spelling", ["draft", "DRAFT", " Draft "])
def test_a_change_of_case_or_spacing_is_no_transition(run_cli, d9d, spelling):
    d9d.commit("docs: tidy", {ROPE: dep_text(5, "Scaled Rope", spelling)})
    _, data = check(run_cli, d9d)
    assert "transitions" not in data
    assert status_codes(data) == []
    assert "fix-status" not in data["next_steps"]


def test_a_shallow_base_history_is_named_with_its_fix_not_taken_for_a_missing_implementation(run_cli, d9d, tmp_path):
    merge_on_main(d9d, "feat: add kv cache (#35)\n\nImplements DEP-0006.", CACHE_CODE)
    d9d.checkout("main")
    d9d.commit("chore: bump (#36)", {"pyproject.toml": '[project]\nname = "d9d"\nversion = "0.2.0"\n'})
    d9d.git("checkout", "-q", "-B", "pr", "main")
    d9d.commit("docs: DEP-0006 is implemented", {CACHE: dep_text(6, "KV Cache", "Implemented")})
    # The full history passes: the implementation that cites DEP-0006 is on main.
    assert check(run_cli, d9d)[0] == 0
    # actions/checkout with fetch-depth 1: main's tip alone, plus the pull request's commit on top of it.
    GitRepo(tmp_path).git("clone", "-q", "--depth", "1", "--branch", "main", f"file://{d9d.path}", "shallow")
    shallow = GitRepo(tmp_path / "shallow")
    shallow.git("fetch", "-q", "--depth", "2", "origin", "pr:pr")
    assert shallow.git("rev-parse", "--is-shallow-repository") == "true"
    code, data = check(run_cli, shallow, base="main", head="pr")
    assert (code, status_codes(data)) == (1, ["V121"])
    reason = data["transitions"][0]["reason"]
    assert "the base branch's history is shallow" in reason
    assert "`fetch-depth: 0`" in reason
    assert "no change on the base branch implements" not in reason


@pytest.mark.parametrize("override", ["marker", "label"])
def test_an_override_does_not_waive_a_refused_status_change(run_cli, d9d, tmp_path, override):
    d9d.commit("feat: add scaled rope", {ROPE: dep_text(5, "Scaled Rope", "Accepted"), **ROPE_CODE})
    body = tmp_path / "body.md"
    body.write_text("DEP: none — only bookkeeping\n", encoding="utf-8")
    args = ("--body-file", str(body)) if override == "marker" else ("--labels", "dep-not-needed")
    code, data = check(run_cli, d9d, *args)
    assert (code, data["failed"], status_codes(data)) == (1, True, ["V121"])
    assert data["override"]["source"] == ("body" if override == "marker" else "label")  # seen, and not enough


# -- what the Markdown shows ----------------------------------------------------------------------------------------

def test_a_hostile_status_stays_inert_in_the_summary_and_the_comment(run_cli, d9d):
    from depgate.commands.check import build_report, load_check_config, open_repository, resolve_range, trusted_sha
    from depgate.github.comment import render_comment

    d9d.commit("docs: accept", {ROPE: dep_text(5, "Scaled Rope", HOSTILE)})
    code, data = check(run_cli, d9d)
    assert code == 1
    assert data["transitions"][0]["to"] == "Accepted <img src=x> <U+202E>gnp.exe"  # spelled out, even in JSON
    _, markdown = check(run_cli, d9d, fmt="markdown")
    section = markdown[markdown.index("#### Status changes"):markdown.index("#### DEPs involved")]
    assert section == (
        "#### Status changes (1)\n\n"
        "| Proposal | Change | Lifecycle | Why |\n"
        "| --- | --- | --- | --- |\n"
        r"| DEP\-0005 (`deps/0005-dep-scaled-rope.md:5`) | Draft → Accepted \<img src\=x\> \<U\+202E\>gnp\.exe "
        r"| ❌ not allowed (`V120`) | Draft \-\> Accepted \<img src\=x\> \<U\+202E\>gnp\.exe is not listed in "
        r"\`status\.lifecycle\`; from Draft it allows Draft \-\> Accepted\: proposals\-only, Draft \-\> Rejected, "
        r"Draft \-\> Withdrawn, Draft \-\> Implemented\: after\-implementation, \* \-\> Superseded\: successor |"
        "\n\n")
    step = markdown[markdown.index("#### What to do next"):].splitlines()[2]
    assert step == (
        r"- **Fix the status change of DEP\-0005** \(`Draft -> Accepted <img src=x> <U+202E>gnp.exe`\)\: Draft "
        r"\-\> Accepted \<img src\=x\> \<U\+202E\>gnp\.exe is not listed in \`status\.lifecycle\`; from Draft it "
        r"allows Draft \-\> Accepted\: proposals\-only, Draft \-\> Rejected, Draft \-\> Withdrawn, Draft \-\> "
        r"Implemented\: after\-implementation, \* \-\> Superseded\: successor\. Change the status only as "
        r"`status.lifecycle` allows, or keep it as it was\: "
        r"`Status: Draft`\.")

    git = open_repository(str(d9d.path))
    base, head = resolve_range(git, "main", "HEAD")
    report = build_report(git, base, head, config=load_check_config(git, trusted_sha(base), None))
    comment = render_comment(report)
    assert "### ❌ depgate: proposal — status change refused" in comment
    table = comment[comment.index("**Status changes:**"):comment.index("| DEP | Title")]
    assert "| `V120` | `deps/0005-dep-scaled-rope.md:5` | DEP\\-0005\\: Draft \\-\\> Accepted \\<img src\\=x\\> " \
           "\\<U\\+202E\\>gnp\\.exe is not listed" in table
    assert "\u202e" not in table
    assert "<summary>Why" not in comment  # the status rows were the only reasons: no empty folded table


def test_the_action_shows_the_status_change_in_its_summary_and_comment(tmp_path, fake, monkeypatch):
    repo = d9d_main(GitRepo.init(tmp_path / "repo"), DECIDERS)
    base = repo.git("rev-parse", "main")
    head = repo.commit("feat: add scaled rope", {ROPE: dep_text(5, "Scaled Rope", "Accepted"), **ROPE_CODE})
    event = pull_request_event("missing", base, head)
    fake.add_pull(event["number"], title="feat: add scaled rope", head_sha=head, base_sha=base)
    event["pull_request"]["title"] = "feat: add scaled rope"
    run = run_action(tmp_path / "check", fake, repo.path, event)
    assert run.code == 1, run
    assert "#### Status changes (1)" in run.summary
    assert "One of @\u200balice, @\u200borg/api\\-team must approve this status change (`V122`)." in run.summary
    (comment,) = fake.comments_on(event["number"])
    body = comment["body"]
    assert "— status change refused" in body.splitlines()[1]
    assert "**Status changes:**" in body
    assert "| `V121` | [`deps/0005-dep-scaled-rope.md:5`](https://github.com/Codertocat/Hello-World/blob/" in body
    assert "**Accept DEP\\-0005 in a pull request of its own**" in body
    assert "@alice" not in body  # escaped: check never mentions the deciders; publish requests their review
    assert fake.count("POST", r"/requested_reviewers$") == 0


# -- publish requests the deciders' review -------------------------------------------------------------------------

NUMBER = 41


class Pull:
    """A pull request accepting DEP-0005 pushed to a bare origin, and the publish job's checkout of main."""

    def __init__(self, tmp_path: Path, fake: FakeGitHub, config: str | None = DECIDERS, *, author: str = "someone"):
        self.tmp, self.fake = tmp_path, fake
        self.repo = d9d_main(GitRepo.init(tmp_path / "author"), config)
        self.base = self.repo.git("rev-parse", "main")
        self.head = self.repo.commit("docs: accept DEP-0005", {ROPE: dep_text(5, "Scaled Rope", "Accepted")})
        origin = tmp_path / "origin.git"
        GitRepo(tmp_path).git("init", "-q", "--bare", "-b", "main", str(origin))
        self.repo.git("push", "-q", str(origin), "main", f"HEAD:refs/pull/{NUMBER}/head")
        GitRepo(tmp_path).git("clone", "-q", "--no-local", "--single-branch", "--branch", "main", str(origin),
                              "checkout")
        pr = fake.add_pull(NUMBER, title="docs: accept DEP-0005", head_sha=self.head, base_sha=self.base)
        pr["user"]["login"] = author

    def report(self) -> Path:
        from depgate.commands.check import build_report, load_check_config, open_repository, resolve_range

        git = open_repository(str(self.repo.path))
        base, head = resolve_range(git, self.base, self.head)
        data = build_report(git, base, head, config=load_check_config(git, self.base, None)).as_dict()
        data["pull_request"] = {"number": NUMBER, "repository": REPOSITORY, "head_sha": self.head}
        path = self.tmp / "report.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    def publish(self, monkeypatch, name: str):
        run = run_publish(monkeypatch, self.tmp / name, self.fake, self.tmp / "checkout",
                          workflow_run_event(4242, self.head, pull_numbers=(NUMBER,)), self.report())
        assert run.code == 0, run
        assert "Traceback" not in run.stdout
        return run

    def review_posts(self) -> list[dict]:
        return [r.body for r in self.fake.requests
                if r.method == "POST" and r.path.endswith(f"/pulls/{NUMBER}/requested_reviewers")]

    def mirror_requests(self) -> None:
        """List the requested reviews on the pull request, as GitHub's `GET /pulls/{n}` does (the fake keeps them
        aside)."""
        asked = self.fake.review_requests.get(NUMBER, {"users": [], "teams": []})
        pr = self.fake.pulls[NUMBER]
        pr["requested_reviewers"] = [{**pr["user"], "login": u, "id": 9000 + i} for i, u in enumerate(asked["users"])]
        pr["requested_teams"] = [{"id": 77, "node_id": "T_77", "url": "", "html_url": "", "name": t, "slug": t,
                                  "description": "", "privacy": "closed", "permission": "pull",
                                  "members_url": "", "repositories_url": ""} for t in asked["teams"]]


def test_publish_requests_the_deciders_review_once(tmp_path, fake, monkeypatch):
    pr = Pull(tmp_path, fake)
    run = pr.publish(monkeypatch, "first")
    assert pr.review_posts() == [{"reviewers": ["alice"], "team_reviewers": ["api-team"]}]
    assert "- reviews: requested from @\u200balice, @\u200borg/api\\-team, for the status change\\(s\\)" in run.summary
    assert fake.review_requests[NUMBER] == {"users": ["alice"], "teams": ["api-team"]}
    assert check_against_openapi(fake.requests) == []
    # A second run (a new push, a re-run) sees the requests on the pull request and makes none.
    pr.mirror_requests()
    run = pr.publish(monkeypatch, "second")
    assert len(pr.review_posts()) == 1
    assert "no new request \\(already requested from @\u200balice, @\u200borg/api\\-team\\)" in run.summary


def test_publish_does_not_ask_the_author_and_says_another_decider_must_approve(tmp_path, fake, monkeypatch):
    pr = Pull(tmp_path, fake, author="Alice")  # GitHub logins are case-insensitive
    run = pr.publish(monkeypatch, "run")
    assert pr.review_posts() == [{"reviewers": [], "team_reviewers": ["api-team"]}]
    assert "not from @\u200bAlice, who opened it" in run.summary
    assert "could not request a review of pull request #41 from @Alice: @Alice opened the pull request" in run.stdout
    assert "another decider must approve the status change" in run.stdout
    assert check_against_openapi(fake.requests) == []


def test_publish_with_the_author_as_the_only_decider_requests_nothing_and_says_so(tmp_path, fake, monkeypatch):
    pr = Pull(tmp_path, fake, 'status:\n  deciders: ["@alice"]\n', author="alice")
    run = pr.publish(monkeypatch, "run")
    assert pr.review_posts() == []
    assert "a decider other than the author" in run.stdout
    assert run.outputs["verdict"] == "proposal"


def test_a_review_request_github_refuses_is_a_problem_not_a_crash(tmp_path, fake, monkeypatch):
    pr = Pull(tmp_path, fake)
    fake.fail("POST", r"/requested_reviewers$", 422, message="Review cannot be requested from pull request author.")
    run = pr.publish(monkeypatch, "run")
    assert len(pr.review_posts()) == 1
    assert "could not be requested from @\u200balice, @\u200borg/api\\-team" in run.summary
    assert "Review cannot be requested from pull request author." in run.stdout
    assert "GitHub refuses a review request from the pull request's author" in run.stdout
    assert len(fake.comments_on(NUMBER)) == 1  # the rest of publish went on


def test_publish_without_deciders_requests_no_review(tmp_path, fake, monkeypatch):
    pr = Pull(tmp_path, fake, None)
    run = pr.publish(monkeypatch, "run")
    assert pr.review_posts() == []
    assert "reviews:" not in run.summary
